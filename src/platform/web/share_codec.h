// Kiln: the browser's compression for share links (app/share.h); the JS half is web/js/share.js.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "app/share.h"

namespace kiln::web {

class BrowserShareCodec : public app::ShareCodec {
public:
    // after_event is called after each answer was handled: the page's frame loop sleeps until woken.
    explicit BrowserShareCodec(std::function<void()> after_event);
    BrowserShareCodec(const BrowserShareCodec&) = delete;
    BrowserShareCodec& operator=(const BrowserShareCodec&) = delete;

    void pack(std::string text, std::function<void(std::optional<std::string> data)> done) override;
    void unpack(std::string data, size_t max_bytes,
                std::function<void(std::optional<std::string> text, app::UnpackFailure failure)> done) override;

    // Called from JS with an answer's bytes (in answerBuffer()), or none (`failure`: 0 damaged,
    // 1 too big, 2 the browser failed).
    void answer(int id, bool has_bytes, int failure);
    std::string& answerBuffer() { return buffer_; }

private:
    std::function<void()> after_event_;
    int next_id_ = 0;
    std::map<int, std::function<void(std::optional<std::string> bytes, int failure)>> waiting_;
    std::string buffer_;
};

}  // namespace kiln::web
