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

}  // namespace

std::string currentHash() {
    const int size = EM_ASM_INT({ return lengthBytesUTF8(window.kilnRouter.hash()) + 1; });
    std::string hash(static_cast<std::size_t>(size), '\0');
    EM_ASM({ stringToUTF8(window.kilnRouter.hash(), $0, $1); }, hash.data(), size);
    hash.resize(static_cast<std::size_t>(size - 1));
    return hash;
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
