// Index
//   State and helpers
//   Keyboard: DOM key names to ImGuiKey
//   Input callbacks: mouse, wheel, keys, text, focus, resize
//   Frame loop
//   Public functions
#include "platform/web/imgui_backend.h"

#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <cstring>
#include <string_view>

namespace kiln::web {

// ---------------------------------------------------------------------------------------------
// State and helpers
// ---------------------------------------------------------------------------------------------

namespace {

struct Backend {
    std::string selector;
    EMSCRIPTEN_WEBGL_CONTEXT_HANDLE context = 0;
    std::function<void()> frame;
    bool frame_pending = false;  // a requestAnimationFrame is scheduled
    int frames_left = 0;         // frames still to draw before the loop sleeps
    double last_frame_ms = 0;
    ImGuiMouseCursor cursor = ImGuiMouseCursor_Arrow;
    bool failed = false;
};

Backend& backend() {
    static Backend instance;
    return instance;
}

void syncCanvasSize() {
    const Backend& b = backend();
    CanvasSize size = canvasSize();
    emscripten_set_canvas_element_size(b.selector.c_str(), static_cast<int>(std::lround(size.css_width * size.pixel_ratio)),
                                       static_cast<int>(std::lround(size.css_height * size.pixel_ratio)));
}

void updateModifiers(bool ctrl, bool shift, bool alt, bool meta) {
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(ImGuiMod_Ctrl, ctrl);
    io.AddKeyEvent(ImGuiMod_Shift, shift);
    io.AddKeyEvent(ImGuiMod_Alt, alt);
    io.AddKeyEvent(ImGuiMod_Super, meta);
}

// ---------------------------------------------------------------------------------------------
// Keyboard: DOM key names to ImGuiKey
// ---------------------------------------------------------------------------------------------

ImGuiKey keyFromDom(std::string_view key) {
    if (key.size() == 1) {
        char c = key[0];
        if (c >= 'a' && c <= 'z') return static_cast<ImGuiKey>(ImGuiKey_A + (c - 'a'));
        if (c >= 'A' && c <= 'Z') return static_cast<ImGuiKey>(ImGuiKey_A + (c - 'A'));
        if (c >= '0' && c <= '9') return static_cast<ImGuiKey>(ImGuiKey_0 + (c - '0'));
        switch (c) {
            case ' ': return ImGuiKey_Space;
            case '\'': return ImGuiKey_Apostrophe;
            case ',': return ImGuiKey_Comma;
            case '-': return ImGuiKey_Minus;
            case '.': return ImGuiKey_Period;
            case '/': return ImGuiKey_Slash;
            case ';': return ImGuiKey_Semicolon;
            case '=': return ImGuiKey_Equal;
            case '[': return ImGuiKey_LeftBracket;
            case '\\': return ImGuiKey_Backslash;
            case ']': return ImGuiKey_RightBracket;
            case '`': return ImGuiKey_GraveAccent;
            default: return ImGuiKey_None;
        }
    }
    struct Named {
        const char* name;
        ImGuiKey key;
    };
    static const Named kNamed[] = {
        {"Tab", ImGuiKey_Tab},           {"ArrowLeft", ImGuiKey_LeftArrow}, {"ArrowRight", ImGuiKey_RightArrow},
        {"ArrowUp", ImGuiKey_UpArrow},   {"ArrowDown", ImGuiKey_DownArrow}, {"PageUp", ImGuiKey_PageUp},
        {"PageDown", ImGuiKey_PageDown}, {"Home", ImGuiKey_Home},           {"End", ImGuiKey_End},
        {"Insert", ImGuiKey_Insert},     {"Delete", ImGuiKey_Delete},       {"Backspace", ImGuiKey_Backspace},
        {"Enter", ImGuiKey_Enter},       {"Escape", ImGuiKey_Escape},       {"F1", ImGuiKey_F1},
        {"F2", ImGuiKey_F2},             {"F3", ImGuiKey_F3},               {"F4", ImGuiKey_F4},
        {"F5", ImGuiKey_F5},             {"F6", ImGuiKey_F6},               {"F7", ImGuiKey_F7},
        {"F8", ImGuiKey_F8},             {"F9", ImGuiKey_F9},               {"F10", ImGuiKey_F10},
        {"F11", ImGuiKey_F11},           {"F12", ImGuiKey_F12},
    };
    for (const Named& named : kNamed) {
        if (key == named.name) return named.key;
    }
    return ImGuiKey_None;
}

// Whether the browser's default action for this key must be suppressed. Keys that make text are
// let through (the keypress event that follows carries the character); so are browser shortcuts
// Kiln does not use (reload, devtools, zoom) and the clipboard keys.
bool suppressDefault(const EmscriptenKeyboardEvent& e, ImGuiKey key) {
    if (key == ImGuiKey_None) return false;
    if (e.ctrlKey || e.metaKey) {
        return key == ImGuiKey_A || key == ImGuiKey_Z || key == ImGuiKey_Y || key == ImGuiKey_F || key == ImGuiKey_S ||
               key == ImGuiKey_Enter;
    }
    return std::strlen(e.key) > 1 && key != ImGuiKey_F5 && key != ImGuiKey_F11 && key != ImGuiKey_F12;
}

// ---------------------------------------------------------------------------------------------
// Input callbacks
// ---------------------------------------------------------------------------------------------

EM_BOOL onMouseMove(int, const EmscriptenMouseEvent* e, void*) {
    // The canvas fills the page from its top-left corner, so client coordinates are canvas ones.
    ImGui::GetIO().AddMousePosEvent(static_cast<float>(e->clientX), static_cast<float>(e->clientY));
    requestFrame();
    return false;
}

EM_BOOL onMouseButton(int type, const EmscriptenMouseEvent* e, void*) {
    static const int kDomToImGui[] = {0, 2, 1, 3, 4};  // DOM: left, middle, right; ImGui: left, right, middle
    if (e->button >= 5) return false;
    ImGuiIO& io = ImGui::GetIO();
    updateModifiers(e->ctrlKey, e->shiftKey, e->altKey, e->metaKey);
    io.AddMousePosEvent(static_cast<float>(e->clientX), static_cast<float>(e->clientY));
    io.AddMouseButtonEvent(kDomToImGui[e->button], type == EMSCRIPTEN_EVENT_MOUSEDOWN);
    requestFrame();
    return false;
}

EM_BOOL onMouseLeave(int, const EmscriptenMouseEvent*, void*) {
    ImGui::GetIO().AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    requestFrame();
    return false;
}

EM_BOOL onWheel(int, const EmscriptenWheelEvent* e, void*) {
    // One notch of a wheel: 100 CSS pixels in Chromium, 3 lines in Firefox. ImGui counts notches.
    double scale = e->deltaMode == DOM_DELTA_PIXEL ? 1.0 / 100.0 : e->deltaMode == DOM_DELTA_LINE ? 1.0 / 3.0 : 1.0;
    ImGui::GetIO().AddMouseWheelEvent(static_cast<float>(-e->deltaX * scale), static_cast<float>(-e->deltaY * scale));
    requestFrame();
    return true;
}

EM_BOOL onKey(int type, const EmscriptenKeyboardEvent* e, void*) {
    updateModifiers(e->ctrlKey, e->shiftKey, e->altKey, e->metaKey);
    ImGuiKey key = keyFromDom(e->key);
    if (key != ImGuiKey_None) ImGui::GetIO().AddKeyEvent(key, type == EMSCRIPTEN_EVENT_KEYDOWN);
    requestFrame();
    return type == EMSCRIPTEN_EVENT_KEYDOWN && suppressDefault(*e, key);
}

EM_BOOL onKeyPress(int, const EmscriptenKeyboardEvent* e, void*) {
    // `key` holds the typed character as UTF-8; named keys ("Enter") are longer words.
    std::string_view key = e->key;
    bool one_character = !key.empty() && (static_cast<unsigned char>(key[0]) >= 0x80 || key.size() == 1);
    if (one_character && !e->ctrlKey && !e->metaKey) ImGui::GetIO().AddInputCharactersUTF8(e->key);
    requestFrame();
    return one_character;
}

EM_BOOL onFocus(int type, const EmscriptenFocusEvent*, void*) {
    ImGui::GetIO().AddFocusEvent(type == EMSCRIPTEN_EVENT_FOCUS);
    requestFrame();
    return false;
}

EM_BOOL onResize(int, const EmscriptenUiEvent*, void*) {
    syncCanvasSize();
    requestFrame();
    return false;
}

void installInputHandlers(const char* canvas) {
    const char* window = EMSCRIPTEN_EVENT_TARGET_WINDOW;
    emscripten_set_mousedown_callback(canvas, nullptr, false, onMouseButton);
    // Moves and releases are followed on the window, so a drag that leaves the canvas ends.
    emscripten_set_mouseup_callback(window, nullptr, false, onMouseButton);
    emscripten_set_mousemove_callback(window, nullptr, false, onMouseMove);
    emscripten_set_mouseleave_callback(canvas, nullptr, false, onMouseLeave);
    emscripten_set_wheel_callback(canvas, nullptr, false, onWheel);
    emscripten_set_keydown_callback(window, nullptr, false, onKey);
    emscripten_set_keyup_callback(window, nullptr, false, onKey);
    emscripten_set_keypress_callback(window, nullptr, false, onKeyPress);
    emscripten_set_focus_callback(window, nullptr, false, onFocus);
    emscripten_set_blur_callback(window, nullptr, false, onFocus);
    emscripten_set_resize_callback(window, nullptr, false, onResize);
}

// ---------------------------------------------------------------------------------------------
// Frame loop
// ---------------------------------------------------------------------------------------------

const char* cssCursor(ImGuiMouseCursor cursor) {
    switch (cursor) {
        case ImGuiMouseCursor_None: return "none";
        case ImGuiMouseCursor_TextInput: return "text";
        case ImGuiMouseCursor_ResizeAll: return "move";
        case ImGuiMouseCursor_ResizeNS: return "ns-resize";
        case ImGuiMouseCursor_ResizeEW: return "ew-resize";
        case ImGuiMouseCursor_ResizeNESW: return "nesw-resize";
        case ImGuiMouseCursor_ResizeNWSE: return "nwse-resize";
        case ImGuiMouseCursor_Hand: return "pointer";
        case ImGuiMouseCursor_NotAllowed: return "not-allowed";
        default: return "default";
    }
}

EM_BOOL onAnimationFrame(double now_ms, void*) {
    Backend& b = backend();
    // frame_pending stays true while the frame runs: a requestFrame() from inside it only adds
    // frames to this loop instead of starting a second one.
    if (b.failed) {
        b.frame_pending = false;
        return false;
    }

    ImGuiIO& io = ImGui::GetIO();
    CanvasSize size = canvasSize();
    io.DisplaySize = ImVec2(size.css_width, size.css_height);
    io.DisplayFramebufferScale = ImVec2(size.pixel_ratio, size.pixel_ratio);
    io.DeltaTime = b.last_frame_ms > 0 ? static_cast<float>(std::max(now_ms - b.last_frame_ms, 1.0) / 1000.0) : 1.0f / 60.0f;
    b.last_frame_ms = now_ms;

    b.frame();

    ImGuiMouseCursor cursor = ImGui::GetMouseCursor();
    if (cursor != b.cursor) {
        b.cursor = cursor;
        EM_ASM({ document.querySelector(UTF8ToString($0)).style.cursor = UTF8ToString($1); }, b.selector.c_str(),
               cssCursor(cursor));
    }
    // ImGui trickles input (at most one change per key or button each frame, so a quick click
    // still has a pressed frame): while events wait, keep the frames every event is owed (one to
    // handle it, one to show what it did, one to settle).
    if (!ImGui::GetCurrentContext()->InputEventsQueue.empty()) b.frames_left = std::max(b.frames_left, 3);
    if (--b.frames_left > 0) return true;  // the browser calls us again next frame
    b.frame_pending = false;
    b.last_frame_ms = 0;  // the next wake-up starts a fresh delta
    return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

std::string initCanvas(const char* selector) {
    Backend& b = backend();
    b.selector = selector;
    EmscriptenWebGLContextAttributes attributes;
    emscripten_webgl_init_context_attributes(&attributes);
    attributes.majorVersion = 2;
    attributes.minorVersion = 0;
    attributes.alpha = false;
    attributes.antialias = false;  // ImGui anti-aliases its own shapes
    attributes.depth = false;
    attributes.stencil = false;
    b.context = emscripten_webgl_create_context(selector, &attributes);
    if (b.context <= 0) {
        return "This browser could not start WebGL2, which Kiln needs to draw its interface. "
               "Turn on hardware acceleration, or try a current Chrome, Edge, Firefox or Safari.";
    }
    emscripten_webgl_make_context_current(b.context);
    syncCanvasSize();
    installInputHandlers(selector);
    return {};
}

CanvasSize canvasSize() {
    CanvasSize size;
    double width = 0, height = 0;
    emscripten_get_element_css_size(backend().selector.c_str(), &width, &height);
    size.css_width = static_cast<float>(width);
    size.css_height = static_cast<float>(height);
    size.pixel_ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
    return size;
}

void runFrameLoop(std::function<void()> frame) {
    backend().frame = std::move(frame);
    requestFrame();
}

void requestFrame(int frames) {
    Backend& b = backend();
    if (b.frames_left < frames) b.frames_left = frames;
    if (b.frame_pending || !b.frame) return;
    b.frame_pending = true;
    emscripten_request_animation_frame_loop(onAnimationFrame, nullptr);
}

bool prefersDarkColorScheme() {
    return EM_ASM_INT({ return window.matchMedia('(prefers-color-scheme: dark)').matches ? 1 : 0; }) != 0;
}

void showFatalError(const std::string& message) {
    backend().failed = true;
    EM_ASM({ window.kilnShell.fatal(UTF8ToString($0)); }, message.c_str());
}

}  // namespace kiln::web
