#include "platform/web/preview.h"

#include <emscripten.h>

// The JS inside EM_ASM is not C++: clang-format would split its `!==`.
// clang-format off
namespace kiln::web {

namespace {

struct Preview {
    bool loaded = false;  // some revision has been handed to the page
    std::uint64_t revision = 0;
    bool visible = false;
    float x = 0, y = 0, w = 0, h = 0;
};

Preview& preview() {
    static Preview instance;
    return instance;
}

}  // namespace

void showPreview(float x, float y, float w, float h, std::uint64_t revision, const std::string& html, bool network) {
    Preview& p = preview();
    if (!p.loaded || revision != p.revision) {
        p.loaded = true;
        p.revision = revision;
        p.visible = false;  // a new host frame may have been made: place it
        EM_ASM({ window.kilnPreview.load(UTF8ToString($0), $1 !== 0); }, html.c_str(), network ? 1 : 0);
    }
    if (p.visible && x == p.x && y == p.y && w == p.w && h == p.h) return;
    p.visible = true;
    p.x = x;
    p.y = y;
    p.w = w;
    p.h = h;
    EM_ASM({ window.kilnPreview.place($0, $1, $2, $3); }, x, y, w, h);
}

void hidePreview() {
    Preview& p = preview();
    if (!p.visible) return;
    p.visible = false;
    EM_ASM({ window.kilnPreview.hide(); });
}

void stopPreview() {
    Preview& p = preview();
    if (!p.loaded) return;
    p.loaded = false;
    p.visible = false;
    EM_ASM({ window.kilnPreview.stop(); });
}

bool openPreviewTab(const std::string& html, bool network, const std::string& title) {
    return EM_ASM_INT({ return window.kilnPreview.openTab(UTF8ToString($0), $1 !== 0, UTF8ToString($2)) ? 1 : 0; },
                      html.c_str(), network ? 1 : 0, title.c_str()) != 0;
}

void pingPreview() {
    EM_ASM({ window.kilnPreview.ping(); });
}

double previewAnsweredMs() {
    return EM_ASM_DOUBLE({ return window.kilnPreview.lastAnswer(); });
}

bool previewMarkSet(const std::string& key) {
    return EM_ASM_INT({ return window.kilnPreviewMarks.has(UTF8ToString($0)) ? 1 : 0; }, key.c_str()) != 0;
}

void setPreviewMark(const std::string& key, bool on) {
    EM_ASM({ window.kilnPreviewMarks.set(UTF8ToString($0), $1 !== 0); }, key.c_str(), on ? 1 : 0);
}

}  // namespace kiln::web
// clang-format on
