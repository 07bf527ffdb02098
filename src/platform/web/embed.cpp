#include "platform/web/embed.h"

#include <emscripten.h>

#include <cstdlib>

#include "platform/web/imgui_backend.h"

namespace kiln::web {

namespace {

std::function<void(const std::string&)>& receiver() {
    static std::function<void(const std::string&)> instance;
    return instance;
}

std::function<void(bool)>& visibilityListener() {
    static std::function<void(bool)> instance;
    return instance;
}

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
EM_JS(int, embed_watch_visibility, (), {
    return kilnEmbed.watchVisibility(function(visible) { _kiln_embed_visibility(visible ? 1 : 0); }) ? 1 : 0;
});

EM_JS(char*, embed_origin, (), { return allocateUTF8(window.kilnEmbed.origin()); });

EM_JS(void, embed_listen, (), {
    kilnEmbed.listen(function(message) {
        var text = allocateUTF8(message);
        _kiln_embed_message(text);
        _free(text);
    });
});
// clang-format on

}  // namespace

bool hasEmbedder() {
    static const bool embedded = EM_ASM_INT({ return window.kilnEmbed.origin() ? 1 : 0; }) != 0;
    return embedded;
}

std::string embedderOrigin() {
    if (!hasEmbedder()) return "";
    char* origin = embed_origin();
    std::string text(origin);
    free(origin);
    return text;
}

bool watchVisibility(std::function<void(bool visible)> changed) {
    if (!hasEmbedder()) return false;
    visibilityListener() = std::move(changed);
    if (embed_watch_visibility() != 0) return true;
    visibilityListener() = nullptr;
    return false;
}

void listenToEmbedder(std::function<void(const std::string& message)> received) {
    if (!hasEmbedder()) return;
    receiver() = std::move(received);
    embed_listen();
}

void postToEmbedder(const std::string& message) {
    if (!hasEmbedder()) return;
    EM_ASM({ window.kilnEmbed.post(UTF8ToString($0)); }, message.c_str());
}

}  // namespace kiln::web

extern "C" {

// web/js/embed.js: a message from the embedding page.
EMSCRIPTEN_KEEPALIVE void kiln_embed_message(const char* message) {
    if (kiln::web::receiver()) kiln::web::receiver()(message);
    kiln::web::requestFrame();
}

// web/js/embed.js: Kiln's frame became visible and unobstructed, or stopped being so.
EMSCRIPTEN_KEEPALIVE void kiln_embed_visibility(int visible) {
    if (kiln::web::visibilityListener()) kiln::web::visibilityListener()(visible != 0);
    kiln::web::requestFrame();
}

}  // extern "C"
