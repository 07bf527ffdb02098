#include "platform/web/router.h"

#include <emscripten.h>

#include <vector>

#include "platform/web/imgui_backend.h"

namespace kiln::web {

namespace {

std::vector<std::function<void(const std::string&)>>& callbacks() {
    static std::vector<std::function<void(const std::string&)>> instance;
    return instance;
}

// clang-format off
EM_JS(int, router_text_size, (int which), {
    return lengthBytesUTF8(which ? window.kilnRouter.pageUrl() : window.kilnRouter.hash()) + 1;
});
EM_JS(void, router_text, (int which, char* out, int size), {
    stringToUTF8(which ? window.kilnRouter.pageUrl() : window.kilnRouter.hash(), out, size);
});
// clang-format on

// The hash (which 0) or the page's URL without it (which 1).
std::string routerText(int which) {
    const int size = router_text_size(which);
    std::string text(static_cast<std::size_t>(size), '\0');
    router_text(which, text.data(), size);
    text.resize(static_cast<std::size_t>(size - 1));
    return text;
}

}  // namespace

std::string currentHash() {
    return routerText(0);
}

std::string pageUrl() {
    return routerText(1);
}

void setHash(const std::string& hash, bool push) {
    EM_ASM({ window.kilnRouter.setHash(UTF8ToString($0), $1); }, hash.c_str(), push);
}

void onHashChange(std::function<void(const std::string&)> callback) {
    if (callbacks().empty()) EM_ASM({ window.kilnRouter.listen(); });
    callbacks().push_back(std::move(callback));
}

}  // namespace kiln::web

extern "C" {

// web/js/router.js: the hash changed other than through setHash().
EMSCRIPTEN_KEEPALIVE void kiln_router_hash_changed(const char* hash) {
    const std::string value = hash;
    for (const auto& callback : kiln::web::callbacks()) callback(value);
    kiln::web::requestFrame();
}

}  // extern "C"
