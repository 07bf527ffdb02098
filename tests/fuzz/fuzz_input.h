// Kiln fuzzing: splits one fuzzer input into the several values a target needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace kiln::fuzz {

class FuzzInput {
public:
    FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

    // One byte (0 when the input is used up).
    uint8_t byte() {
        if (rest_.empty()) return 0;
        const auto value = static_cast<uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return value;
    }

    // The text up to the next NUL byte (or the end), which is consumed with it.
    std::string_view field() {
        const size_t end = rest_.find('\0');
        const std::string_view value = rest_.substr(0, end);
        rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
        return value;
    }

    std::string_view rest() const { return rest_; }

private:
    std::string_view rest_;
};

// Stops the run with a crash the fuzzer reports, when an invariant does not hold.
inline void check(bool holds) {
    if (!holds) std::abort();
}

}  // namespace kiln::fuzz
