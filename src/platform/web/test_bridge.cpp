#include "platform/web/test_bridge.h"

#include <emscripten.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "platform/web/offline.h"
#include "platform/web/preview.h"
#include "platform/web/router.h"

namespace kiln::web {

namespace {

struct TestBridge {
    TestHandlers handlers;
    std::vector<std::string> hash_changes;  // as onHashChange callbacks received them
};

TestBridge& bridge() {
    static TestBridge instance;
    return instance;
}

// The answer lives until the next call: JS copies it out at once with UTF8ToString.
const char* answer(std::string text) {
    static std::string last;
    last = std::move(text);
    return last.c_str();
}

bool queryParameterIs(const char* name, const char* value) {
    // clang-format reads the JavaScript as C++ and would split `===`.
    // clang-format off
    return EM_ASM_INT(
               {
                   const wanted = UTF8ToString($1);
                   return new URLSearchParams(location.search).get(UTF8ToString($0)) === wanted ? 1 : 0;
               },
               name, value) != 0;
    // clang-format on
}

}  // namespace

bool testModeRequested() {
    return queryParameterIs("test", "1");
}

bool inputProbeRequested() {
    return testModeRequested() && queryParameterIs("probe", "input");
}

void installTestHandlers(TestHandlers handlers) {
    bridge().handlers = std::move(handlers);
    onHashChange([](const std::string& hash) { bridge().hash_changes.push_back(hash); });
}

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* kiln_test_state() {
    auto& h = kiln::web::bridge().handlers;
    return kiln::web::answer(h.state ? h.state() : "null");
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_item_rect(const char* label) {
    auto& h = kiln::web::bridge().handlers;
    return kiln::web::answer(h.item_rect ? h.item_rect(label) : "null");
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_platform() {
    const nlohmann::json platform = {
        {"hash", kiln::web::currentHash()},
        {"hash_changes", kiln::web::bridge().hash_changes},
        {"update_waiting", kiln::web::updateWaiting()},
    };
    return kiln::web::answer(platform.dump());
}

EMSCRIPTEN_KEEPALIVE void kiln_test_apply_update() {
    kiln::web::applyUpdate();
}

EMSCRIPTEN_KEEPALIVE void kiln_test_set_hash(const char* hash, int push) {
    kiln::web::setHash(hash, push != 0);
}

EMSCRIPTEN_KEEPALIVE void kiln_test_show_preview(double x, double y, double w, double h, double revision,
                                                 const char* html) {
    kiln::web::showPreview(static_cast<float>(x), static_cast<float>(y), static_cast<float>(w), static_cast<float>(h),
                           static_cast<std::uint64_t>(revision), html, "{}");
}

EMSCRIPTEN_KEEPALIVE void kiln_test_hide_preview() {
    kiln::web::hidePreview();
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_act(const char* name, const char* argument) {
    auto& h = kiln::web::bridge().handlers;
    return kiln::web::answer(h.act ? h.act(name, argument) : "null");
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_query(const char* sql) {
    auto& h = kiln::web::bridge().handlers;
    return kiln::web::answer(h.query ? h.query(sql) : "null");
}

}  // extern "C"
