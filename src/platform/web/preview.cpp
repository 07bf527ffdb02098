#include "platform/web/preview.h"

#include <emscripten.h>

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

void showPreview(float x, float y, float w, float h, std::uint64_t revision, const std::string& html) {
    Preview& p = preview();
    if (!p.loaded || revision != p.revision) {
        p.loaded = true;
        p.revision = revision;
        EM_ASM({ window.kilnPreview.load(UTF8ToString($0)); }, html.c_str());
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

}  // namespace kiln::web
