// Index
//   State and helpers
//   Keyboard: DOM key names to ImGuiKey
//   Input callbacks: mouse, wheel, touch, keys, focus, resize
//   Frame loop
//   Public functions
//   JS entry points
#include "platform/web/imgui_backend.h"

#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "platform/web/text_input.h"
#include "platform/web/webgl_renderer.h"

namespace kiln::web {

// ---------------------------------------------------------------------------------------------
// State and helpers
// ---------------------------------------------------------------------------------------------

namespace {

// How far (CSS pixels) a finger may wander and still count as a tap rather than a drag.
constexpr float kTapSlop = 10.0f;
// runFramesNow() plays queued input out within one event handler, up to this many frames.
constexpr int kMaxCatchUpFrames = 64;

struct Touch {
    int id = -1;  // the DOM identifier of the finger being followed; -1 when none is down
    ImVec2 start;
    ImVec2 last;
    bool scrolling = false;  // the finger moved beyond kTapSlop: a drag scrolls, it never clicks
};

struct Backend {
    std::string selector;
    EMSCRIPTEN_WEBGL_CONTEXT_HANDLE context = 0;
    std::function<void()> frame;
    bool frame_pending = false;  // a requestAnimationFrame is scheduled
    bool in_frame = false;
    int frames_left = 0;  // frames still to draw before the loop sleeps
    double last_frame_ms = 0;
    ImGuiMouseCursor cursor = ImGuiMouseCursor_Arrow;
    Touch touch;
    // macOS sends no keyup for a key released while Cmd is held; these are released with Cmd.
    std::vector<ImGuiKey> keys_down_with_meta;
    bool failed = false;
};

Backend& backend() {
    static Backend instance;
    return instance;
}

// Gives the canvas as many pixels as it shows CSS pixels times the pixel ratio. Only when they
// differ: setting a canvas's size clears it, even to the same size, and the next frame must then
// be drawn even if it shows what the one before showed (webgl_renderer.h).
void syncCanvasSize() {
    const Backend& b = backend();
    CanvasSize size = canvasSize();
    const int width = static_cast<int>(std::lround(size.css_width * size.pixel_ratio));
    const int height = static_cast<int>(std::lround(size.css_height * size.pixel_ratio));
    int current_width = 0, current_height = 0;
    emscripten_get_canvas_element_size(b.selector.c_str(), &current_width, &current_height);
    if (width != current_width || height != current_height) {
        emscripten_set_canvas_element_size(b.selector.c_str(), width, height);
        canvasCleared();
    }
}

void updateModifiers(bool ctrl, bool shift, bool alt, bool meta) {
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(ImGuiMod_Ctrl, ctrl);
    io.AddKeyEvent(ImGuiMod_Shift, shift);
    io.AddKeyEvent(ImGuiMod_Alt, alt);
    io.AddKeyEvent(ImGuiMod_Super, meta);
}

bool inputQueued() {
    return ImGui::GetCurrentContext()->InputEventsQueue.Size > 0;
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
            case ' ':
                return ImGuiKey_Space;
            case '\'':
                return ImGuiKey_Apostrophe;
            case ',':
                return ImGuiKey_Comma;
            case '-':
                return ImGuiKey_Minus;
            case '.':
                return ImGuiKey_Period;
            case '/':
                return ImGuiKey_Slash;
            case ';':
                return ImGuiKey_Semicolon;
            case '=':
                return ImGuiKey_Equal;
            case '[':
                return ImGuiKey_LeftBracket;
            case '\\':
                return ImGuiKey_Backslash;
            case ']':
                return ImGuiKey_RightBracket;
            case '`':
                return ImGuiKey_GraveAccent;
            default:
                return ImGuiKey_None;
        }
    }
    struct Named {
        const char* name;
        ImGuiKey key;
    };
    static const Named kNamed[] = {
        {"Tab", ImGuiKey_Tab},
        {"ArrowLeft", ImGuiKey_LeftArrow},
        {"ArrowRight", ImGuiKey_RightArrow},
        {"ArrowUp", ImGuiKey_UpArrow},
        {"ArrowDown", ImGuiKey_DownArrow},
        {"PageUp", ImGuiKey_PageUp},
        {"PageDown", ImGuiKey_PageDown},
        {"Home", ImGuiKey_Home},
        {"End", ImGuiKey_End},
        {"Insert", ImGuiKey_Insert},
        {"Delete", ImGuiKey_Delete},
        {"Backspace", ImGuiKey_Backspace},
        {"Enter", ImGuiKey_Enter},
        {"Escape", ImGuiKey_Escape},
        {"F1", ImGuiKey_F1},
        {"F2", ImGuiKey_F2},
        {"F3", ImGuiKey_F3},
        {"F4", ImGuiKey_F4},
        {"F5", ImGuiKey_F5},
        {"F6", ImGuiKey_F6},
        {"F7", ImGuiKey_F7},
        {"F8", ImGuiKey_F8},
        {"F9", ImGuiKey_F9},
        {"F10", ImGuiKey_F10},
        {"F11", ImGuiKey_F11},
        {"F12", ImGuiKey_F12},
    };
    for (const Named& named : kNamed) {
        if (key == named.name) return named.key;
    }
    return ImGuiKey_None;
}

// Ctrl/Cmd + C, X or V: the browser follows these with a copy, cut or paste event, which
// text_input.cpp turns into the ImGui shortcut with the clipboard's text in hand. Fed on keydown
// as well, they would act twice (and a paste would use a stale clipboard).
bool isClipboardShortcut(const EmscriptenKeyboardEvent& e, ImGuiKey key) {
    return (e.ctrlKey || e.metaKey) && (key == ImGuiKey_C || key == ImGuiKey_X || key == ImGuiKey_V);
}

// Whether the browser's default action for this key must be suppressed. While a text field is
// edited, keys that make text are let through: the hidden text element turns them into `input`
// events, including composed (IME) text. Browser shortcuts Kiln does not use (reload, devtools,
// full screen) and the clipboard keys are let through too.
bool suppressDefault(const EmscriptenKeyboardEvent& e, ImGuiKey key) {
    if (key == ImGuiKey_None) return false;
    if (e.ctrlKey || e.metaKey) {
        return key == ImGuiKey_A || key == ImGuiKey_Z || key == ImGuiKey_Y || key == ImGuiKey_F || key == ImGuiKey_S ||
               key == ImGuiKey_Enter;
    }
    if (std::strlen(e.key) == 1) return !textInputActive();  // e.g. Firefox's quick find on '/'
    return key != ImGuiKey_F5 && key != ImGuiKey_F11 && key != ImGuiKey_F12;
}

// ---------------------------------------------------------------------------------------------
// Input callbacks
// ---------------------------------------------------------------------------------------------

EM_BOOL onMouseMove(int, const EmscriptenMouseEvent* e, void*) {
    // The canvas fills the page from its top-left corner, so client coordinates are canvas ones.
    ImGuiIO& io = ImGui::GetIO();
    io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
    io.AddMousePosEvent(static_cast<float>(e->clientX), static_cast<float>(e->clientY));
    requestFrame();
    return false;
}

EM_BOOL onMouseButton(int type, const EmscriptenMouseEvent* e, void*) {
    static const int kDomToImGui[] = {0, 2, 1, 3, 4};  // DOM: left, middle, right; ImGui: left, right, middle
    if (e->button >= 5) return false;
    ImGuiIO& io = ImGui::GetIO();
    updateModifiers(e->ctrlKey, e->shiftKey, e->altKey, e->metaKey);
    io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
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
    ImGuiIO& io = ImGui::GetIO();
    io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
    // ImGui scrolls the window under io.MousePos, which may not be where the wheel turns: after a
    // touch (a lifted finger hovers nothing) or a mouseleave, a resting pointer sends no mousemove.
    io.AddMousePosEvent(static_cast<float>(e->mouse.clientX), static_cast<float>(e->mouse.clientY));
    io.AddMouseWheelEvent(static_cast<float>(-e->deltaX * scale), static_cast<float>(-e->deltaY * scale));
    requestFrame();
    return true;
}

// One finger drives ImGui's mouse: a tap is a click where the finger lifted, a drag scrolls what
// is under the finger (as wheel events, so no text gets selected and no slider moves). Returning
// true cancels the browser's own handling, including the mouse events it would emulate.
EM_BOOL onTouch(int type, const EmscriptenTouchEvent* e, void*) {
    Backend& b = backend();
    ImGuiIO& io = ImGui::GetIO();
    for (int i = 0; i < e->numTouches; ++i) {
        const EmscriptenTouchPoint& point = e->touches[i];
        if (!point.isChanged) continue;
        const ImVec2 position(static_cast<float>(point.clientX), static_cast<float>(point.clientY));
        if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
            if (b.touch.id >= 0) continue;  // a second finger: ignored
            b.touch = Touch{point.identifier, position, position, false};
            io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
            io.AddMousePosEvent(position.x, position.y);
            continue;
        }
        if (point.identifier != b.touch.id) continue;
        if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) {
            const float moved_x = position.x - b.touch.start.x, moved_y = position.y - b.touch.start.y;
            if (!b.touch.scrolling && moved_x * moved_x + moved_y * moved_y > kTapSlop * kTapSlop) {
                b.touch.scrolling = true;
            }
            if (b.touch.scrolling) {
                // ImGui scrolls 5 lines per wheel notch; the content follows the finger.
                const float notch = 5.0f * std::max(ImGui::GetFontSize(), 1.0f);
                io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
                io.AddMouseWheelEvent((position.x - b.touch.last.x) / notch, (position.y - b.touch.last.y) / notch);
            }
            b.touch.last = position;
            continue;
        }
        // touchend, touchcancel
        const bool tapped = type == EMSCRIPTEN_EVENT_TOUCHEND && !b.touch.scrolling;
        b.touch = Touch{};
        io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
        if (tapped) {
            io.AddMousePosEvent(position.x, position.y);
            io.AddMouseButtonEvent(ImGuiMouseButton_Left, true);
            io.AddMouseButtonEvent(ImGuiMouseButton_Left, false);
        }
        // No finger hovers once lifted: nothing stays highlighted under it.
        io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);
        // Play the tap out now, inside the gesture: a text field it activates gets the hidden text
        // element focused while the browser still lets that open the touch keyboard.
        if (tapped) runFramesNow();
    }
    requestFrame();
    return true;
}

EM_BOOL onKey(int type, const EmscriptenKeyboardEvent* e, void*) {
    // Keys typed into an IME composition belong to the IME (Enter picks a candidate, arrows move
    // in its list): the composed text arrives on its own when the composition ends.
    if (e->keyCode == 229 || std::strcmp(e->key, "Process") == 0) return false;
    Backend& b = backend();
    if (b.failed) return false;  // the error page's Reload button takes the keyboard

    ImGuiIO& io = ImGui::GetIO();
    const bool down = type == EMSCRIPTEN_EVENT_KEYDOWN;
    updateModifiers(e->ctrlKey, e->shiftKey, e->altKey, e->metaKey);
    if (!down && std::strcmp(e->key, "Meta") == 0) {
        for (ImGuiKey key : b.keys_down_with_meta) io.AddKeyEvent(key, false);
        b.keys_down_with_meta.clear();
    }
    ImGuiKey key = keyFromDom(e->key);
    if (key != ImGuiKey_None && !isClipboardShortcut(*e, key)) {
        io.AddKeyEvent(key, down);
        if (down && e->metaKey) b.keys_down_with_meta.push_back(key);
    }
    if (down && !e->ctrlKey && !e->metaKey) typeWhereFocusIsLate(e->key);
    requestFrame();
    return down && suppressDefault(*e, key);
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
    // Something that covered the resting pointer went away (an element over the canvas): the
    // canvas is entered again without a mousemove, and ImGui must hover there again.
    emscripten_set_mouseenter_callback(canvas, nullptr, false, onMouseMove);
    emscripten_set_wheel_callback(canvas, nullptr, false, onWheel);
    emscripten_set_touchstart_callback(canvas, nullptr, false, onTouch);
    emscripten_set_touchmove_callback(canvas, nullptr, false, onTouch);
    emscripten_set_touchend_callback(canvas, nullptr, false, onTouch);
    emscripten_set_touchcancel_callback(canvas, nullptr, false, onTouch);
    emscripten_set_keydown_callback(window, nullptr, false, onKey);
    emscripten_set_keyup_callback(window, nullptr, false, onKey);
    emscripten_set_focus_callback(window, nullptr, false, onFocus);
    emscripten_set_blur_callback(window, nullptr, false, onFocus);
    emscripten_set_resize_callback(window, nullptr, false, onResize);
}

// ---------------------------------------------------------------------------------------------
// Frame loop
// ---------------------------------------------------------------------------------------------

const char* cssCursor(ImGuiMouseCursor cursor) {
    switch (cursor) {
        case ImGuiMouseCursor_None:
            return "none";
        case ImGuiMouseCursor_TextInput:
            return "text";
        case ImGuiMouseCursor_ResizeAll:
            return "move";
        case ImGuiMouseCursor_ResizeNS:
            return "ns-resize";
        case ImGuiMouseCursor_ResizeEW:
            return "ew-resize";
        case ImGuiMouseCursor_ResizeNESW:
            return "nesw-resize";
        case ImGuiMouseCursor_ResizeNWSE:
            return "nwse-resize";
        case ImGuiMouseCursor_Hand:
            return "pointer";
        case ImGuiMouseCursor_NotAllowed:
            return "not-allowed";
        default:
            return "default";
    }
}

void drawFrame(double now_ms) {
    Backend& b = backend();
    ImGuiIO& io = ImGui::GetIO();
    CanvasSize size = canvasSize();
    io.DisplaySize = ImVec2(size.css_width, size.css_height);
    io.DisplayFramebufferScale = ImVec2(size.pixel_ratio, size.pixel_ratio);
    io.DeltaTime =
        b.last_frame_ms > 0 ? static_cast<float>(std::max(now_ms - b.last_frame_ms, 1.0) / 1000.0) : 1.0f / 60.0f;
    b.last_frame_ms = now_ms;

    b.in_frame = true;
    b.frame();
    b.in_frame = false;

    ImGuiMouseCursor cursor = ImGui::GetMouseCursor();
    if (cursor != b.cursor) {
        b.cursor = cursor;
        EM_ASM({ document.querySelector(UTF8ToString($0)).style.cursor = UTF8ToString($1); }, b.selector.c_str(),
               cssCursor(cursor));
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
    drawFrame(now_ms);
    // ImGui applies at most one change per input per frame (a press and its release take two):
    // while events wait, keep the frames every event is owed (one to handle it, one to show what
    // it did, one to settle), so the loop sleeps only after the last one's result is drawn.
    if (inputQueued()) b.frames_left = std::max(b.frames_left, 3);
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
    // ImGui draws with WebGL2's core features. Emscripten would otherwise enable every extension
    // the browser offers, one getExtension() each: Chromium answers each after a round trip to
    // its GPU process, some 30 of them, tens of milliseconds before the first frame.
    attributes.enableExtensionsByDefault = false;
    b.context = emscripten_webgl_create_context(selector, &attributes);
    if (b.context <= 0) {
        return "This browser could not start WebGL2, which Kiln needs to draw its interface. "
               "Turn on hardware acceleration, or try a current Chrome, Edge, Firefox or Safari.";
    }
    emscripten_webgl_make_context_current(b.context);
    syncCanvasSize();

    ImGuiIO& io = ImGui::GetIO();
    // Cmd instead of Ctrl for shortcuts, Alt+arrows by word: what Mac, iPhone and iPad users expect.
    // clang-format reads the JavaScript as C++ and would put spaces in the regex.
    // clang-format off
    io.ConfigMacOSXBehaviors =
        EM_ASM_INT({ return /Mac|iPhone|iPad|iPod/.test(navigator.platform) ? 1 : 0; }) != 0;
    // clang-format on
    // A blinking caret would need a frame every half second while a field is edited: idle is idle.
    io.ConfigInputTextCursorBlink = false;
    installInputHandlers(selector);
    installTextInput();
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
    runFramesNow();
}

void requestFrame(int frames) {
    Backend& b = backend();
    if (b.frames_left < frames) b.frames_left = frames;
    if (b.frame_pending || !b.frame) return;
    b.frame_pending = true;
    emscripten_request_animation_frame_loop(onAnimationFrame, nullptr);
}

bool framesPending() {
    return backend().frame_pending;
}

void runFramesNow() {
    Backend& b = backend();
    if (!b.frame || b.failed || b.in_frame) return;
    for (int frame = 0; frame < kMaxCatchUpFrames && (frame == 0 || inputQueued()); ++frame) {
        drawFrame(emscripten_get_now());
    }
    requestFrame();
}

bool prefersDarkColorScheme() {
    return EM_ASM_INT({ return window.matchMedia('(prefers-color-scheme: dark)').matches ? 1 : 0; }) != 0;
}

void showFatalError(const std::string& message) {
    backend().failed = true;
    EM_ASM({ window.kilnShell.fatal(UTF8ToString($0)); }, message.c_str());
}

}  // namespace kiln::web

// ---------------------------------------------------------------------------------------------
// JS entry points
// ---------------------------------------------------------------------------------------------

extern "C" {

// Wakes the loop for something that happened on the JS side (a route change, a waiting update).
EMSCRIPTEN_KEEPALIVE void kiln_request_frame() {
    kiln::web::requestFrame();
}

}  // extern "C"
