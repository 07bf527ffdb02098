// Index
//   State
//   ImGui hooks: clipboard, caret position
//   Public functions
//   JS entry points: typed text, copy, cut, paste
#include "platform/web/text_input.h"

#include <emscripten.h>
#include <imgui.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "platform/web/imgui_backend.h"

namespace kiln::web {

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

namespace {

struct TextInput {
    std::string clipboard;            // what ImGui copied last, or the text of the paste being played
    bool in_clipboard_event = false;  // a copy or cut event is being handled: it takes the text
    bool copied = false;              // ImGui copied during that event
    bool active = false;
};

TextInput& textInput() {
    static TextInput instance;
    return instance;
}

// ---------------------------------------------------------------------------------------------
// ImGui hooks
// ---------------------------------------------------------------------------------------------

const char* getClipboardText(void*) {
    return textInput().clipboard.c_str();
}

void setClipboardText(void*, const char* text) {
    TextInput& t = textInput();
    t.clipboard = text;
    t.copied = true;
    // Outside a copy or cut event (a "Copy" button, say), only the asynchronous Clipboard API can
    // write; the click that led here still counts as the user's gesture.
    if (!t.in_clipboard_event) EM_ASM({ window.kilnInput.writeClipboard(UTF8ToString($0)); }, text);
}

// ImGui calls this at the end of a frame in which the caret moved or editing started or ended.
void setImeData(ImGuiViewport*, ImGuiPlatformImeData* data) {
    textInput().active = data->WantVisible;
    EM_ASM({ window.kilnInput.place($0, $1, $2, $3); }, data->WantVisible, data->InputPos.x, data->InputPos.y,
           data->InputLineHeight);
}

// Plays the platform's shortcut (Ctrl, or Cmd on Apple platforms) with `key` in frames drawn now,
// exactly as ImGui's text fields expect it (no Shift or Alt), then releases it: the user's next
// key event restores the modifiers they actually hold.
void playShortcut(ImGuiKey key) {
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(ImGuiMod_Ctrl, !io.ConfigMacOSXBehaviors);
    io.AddKeyEvent(ImGuiMod_Super, io.ConfigMacOSXBehaviors);
    io.AddKeyEvent(ImGuiMod_Shift, false);
    io.AddKeyEvent(ImGuiMod_Alt, false);
    io.AddKeyEvent(key, true);
    runFramesNow();  // input queued before (typing not yet seen) is played first
    io.AddKeyEvent(key, false);
    io.AddKeyEvent(ImGuiMod_Ctrl, false);
    io.AddKeyEvent(ImGuiMod_Super, false);
    requestFrame();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

void installTextInput() {
    ImGuiIO& io = ImGui::GetIO();
    io.SetClipboardTextFn = setClipboardText;
    io.GetClipboardTextFn = getClipboardText;
    io.SetPlatformImeDataFn = setImeData;
}

bool textInputActive() {
    return textInput().active;
}

void typeWhereFocusIsLate(const char* key) {
    // One code point, and not a control character: "a", "é", "€"; not "Enter" or "Tab".
    const auto lead = static_cast<unsigned char>(key[0]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || std::strlen(key) != length || lead < 0x20 || lead == 0x7F) return;
    if (EM_ASM_INT({ return window.kilnInput.focused() ? 1 : 0; }) != 0) return;
    ImGui::GetIO().AddInputCharactersUTF8(key);
}

}  // namespace kiln::web

// ---------------------------------------------------------------------------------------------
// JS entry points (web/js/input.js)
// ---------------------------------------------------------------------------------------------

extern "C" {

// Text typed, or composed and committed, in the hidden element.
EMSCRIPTEN_KEEPALIVE void kiln_input_text(const char* text) {
    ImGui::GetIO().AddInputCharactersUTF8(text);
    kiln::web::requestFrame();
}

// A copy (cut = 0) or cut (cut = 1) event: plays Ctrl/Cmd+C or X now. Returns the text ImGui
// copied, for the event's clipboardData, or null when it copied nothing (the event then keeps
// the browser's default). The text lives until the next clipboard call.
EMSCRIPTEN_KEEPALIVE const char* kiln_clipboard_copy(int cut) {
    kiln::web::TextInput& t = kiln::web::textInput();
    t.in_clipboard_event = true;
    t.copied = false;
    kiln::web::playShortcut(cut ? ImGuiKey_X : ImGuiKey_C);
    t.in_clipboard_event = false;
    return t.copied ? t.clipboard.c_str() : nullptr;
}

// A paste event with the text it carries: plays Ctrl/Cmd+V now with that text on the clipboard.
EMSCRIPTEN_KEEPALIVE void kiln_clipboard_paste(const char* text) {
    kiln::web::textInput().clipboard = text;
    kiln::web::playShortcut(ImGuiKey_V);
}

}  // extern "C"
