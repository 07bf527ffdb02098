#include "platform/web/share_codec.h"

#include <emscripten.h>

namespace kiln::web {

namespace {

BrowserShareCodec* instance = nullptr;

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
EM_JS(void, share_pack, (int id, const char* text, size_t size), {
    kilnShare.pack(HEAPU8.slice(text, text + size)).then(function(data) {
        var bytes = new TextEncoder().encode(data);
        var at = _kiln_share_buffer(bytes.length);  // may grow memory: HEAPU8 after it
        HEAPU8.set(bytes, at);
        _kiln_share_answer(id, 1, 0);
    }, function() { _kiln_share_answer(id, 0, 2); });
});

EM_JS(void, share_unpack, (int id, const char* data, size_t size, double max), {
    kilnShare.unpack(UTF8ToString(data, size), max).then(function(result) {
        if (!result.bytes) {
            _kiln_share_answer(id, 0, result.failure === "too_big" ? 1 : 0);
            return;
        }
        var at = _kiln_share_buffer(result.bytes.length);  // may grow memory: HEAPU8 after it
        HEAPU8.set(result.bytes, at);
        _kiln_share_answer(id, 1, 0);
    }, function() { _kiln_share_answer(id, 0, 0); });
});
// clang-format on

}  // namespace

BrowserShareCodec::BrowserShareCodec(std::function<void()> after_event) : after_event_(std::move(after_event)) {
    instance = this;
}

void BrowserShareCodec::pack(std::string text, std::function<void(std::optional<std::string> data)> done) {
    const int id = ++next_id_;
    waiting_[id] = [done = std::move(done)](std::optional<std::string> bytes, int) { done(std::move(bytes)); };
    share_pack(id, text.data(), text.size());
}

void BrowserShareCodec::unpack(std::string data, size_t max_bytes,
                               std::function<void(std::optional<std::string> text, app::UnpackFailure failure)> done) {
    const int id = ++next_id_;
    waiting_[id] = [done = std::move(done)](std::optional<std::string> bytes, int failure) {
        done(std::move(bytes), failure == 1 ? app::UnpackFailure::TooBig : app::UnpackFailure::Damaged);
    };
    share_unpack(id, data.data(), data.size(), static_cast<double>(max_bytes));
}

void BrowserShareCodec::answer(int id, bool has_bytes, int failure) {
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    auto done = std::move(it->second);
    waiting_.erase(it);
    std::optional<std::string> bytes;
    if (has_bytes) bytes = std::move(buffer_);
    buffer_.clear();
    done(std::move(bytes), failure);
    if (after_event_) after_event_();
}

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE char* kiln_share_buffer(size_t size) {
    std::string& buffer = kiln::web::instance->answerBuffer();
    buffer.assign(size, '\0');
    return buffer.data();
}

EMSCRIPTEN_KEEPALIVE void kiln_share_answer(int id, int has_bytes, int failure) {
    kiln::web::instance->answer(id, has_bytes != 0, failure);
}

}  // extern "C"
