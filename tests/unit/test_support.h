// Helpers shared by the unit tests: scratch files, whole-file reads, a fixed clock.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "core/store/store.h"

namespace kiln::test {

// A file name unique to the running test, removed (with SQLite's side files) when it goes away.
class TempPath {
public:
    explicit TempPath(const std::string& suffix = ".sqlite") {
        static int counter = 0;
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        // The process id keeps apart two test binaries that ctest runs at once (kiln_tests and
        // kiln_tests_next_schema hold the same tests).
        path_ = ::testing::TempDir() + "kiln-" + std::to_string(getpid()) + "-" + info->test_suite_name() + "-" +
                info->name() + "-" + std::to_string(++counter) + suffix;
        remove();
    }
    ~TempPath() { remove(); }
    const std::string& str() const { return path_; }

private:
    void remove() const {
        for (const char* side : {"", "-journal", "-wal", "-shm"}) std::remove((path_ + side).c_str());
    }
    std::string path_;
};

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// A clock that starts at a fixed instant and moves one second per call, so that every write
// gets a distinct, predictable time.
inline store::StoreOptions steppingClock(int64_t start_ms = 1'700'000'000'000) {
    store::StoreOptions options;
    options.clock = [now = start_ms]() mutable { return now += 1000; };
    return options;
}

}  // namespace kiln::test
