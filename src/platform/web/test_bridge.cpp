#include "platform/web/test_bridge.h"

#include <emscripten.h>

namespace kiln::web {

namespace {

TestHandlers& handlers() {
    static TestHandlers instance;
    return instance;
}

// The answer lives until the next call: JS copies it out at once with UTF8ToString.
const char* answer(std::string text) {
    static std::string last;
    last = std::move(text);
    return last.c_str();
}

}  // namespace

bool testModeRequested() {
    return EM_ASM_INT({ return new URLSearchParams(location.search).get('test') === '1' ? 1 : 0; }) != 0;
}

void installTestHandlers(TestHandlers handlers_in) { handlers() = std::move(handlers_in); }

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* kiln_test_state() {
    auto& h = kiln::web::handlers();
    return kiln::web::answer(h.state ? h.state() : "null");
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_item_rect(const char* label) {
    auto& h = kiln::web::handlers();
    return kiln::web::answer(h.item_rect ? h.item_rect(label) : "null");
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_act(const char* name, const char* argument) {
    auto& h = kiln::web::handlers();
    return kiln::web::answer(h.act ? h.act(name, argument) : "null");
}

EMSCRIPTEN_KEEPALIVE const char* kiln_test_query(const char* sql) {
    auto& h = kiln::web::handlers();
    return kiln::web::answer(h.query ? h.query(sql) : "null");
}

}  // extern "C"
