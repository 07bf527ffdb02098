// Kiln: Dear ImGui's platform backend for the browser, over Emscripten's html5.h.
//
// Owns the WebGL2 context of the page's canvas, keeps the canvas's backing store at
// CSS size x devicePixelRatio, turns DOM input events into ImGui IO events (mouse, wheel, touch,
// keys; text, IME and the clipboard through text_input.cpp), and runs the on-demand frame loop:
// a frame is drawn only after something woke it (input, resize, a timer, or requestFrame() from
// anywhere), so an idle page draws nothing.
#pragma once

#include <functional>
#include <string>

namespace kiln::web {

struct CanvasSize {
    float css_width = 0;
    float css_height = 0;
    float pixel_ratio = 1;  // window.devicePixelRatio
};

// Creates the WebGL2 context on the canvas matching `selector` and installs the input handlers,
// the clipboard functions and the text input (io.SetClipboardTextFn, GetClipboardTextFn,
// SetPlatformImeDataFn; io.ConfigMacOSXBehaviors on Apple platforms). Call after
// ImGui::CreateContext(). Returns an empty string, or why it failed (for the fatal-error screen).
std::string initCanvas(const char* selector);

CanvasSize canvasSize();

// Starts the loop: draws the first frame at once (the page need not wait for the browser's next
// animation frame, which a busy page can put off by a hundred milliseconds and more), then the
// follow-ups of requestFrame(). `frame` is called inside requestAnimationFrame whenever a frame
// is due; it builds and renders one ImGui frame. Returns once the first frame is drawn (the
// browser drives the loop).
void runFrameLoop(std::function<void()> frame);

// Asks for `frames` more frames: the first handles the input, the second shows what an action
// it triggered changed, the third lets ImGui settle hover and layout. The loop
// also keeps going while ImGui still holds queued input events.
void requestFrame(int frames = 3);

// Whether frames are on their way (asked for and not all drawn yet): false once the loop sleeps.
bool framesPending();

// Draws frames now, synchronously, until ImGui has played every queued input event (it applies
// one change per input per frame, so a burst of typing takes several), at least one and at most
// 64; then asks for a follow-up frame. For DOM events whose outcome the browser reads before the
// handler returns (a copy event's clipboardData) or that must act inside the user's gesture
// (focusing the text input on a tap, so a touch keyboard opens). Does nothing before
// runFrameLoop(), after a fatal error, or from inside a frame.
void runFramesNow();

// Whether the page asks for dark colours (prefers-color-scheme).
bool prefersDarkColorScheme();

// Shows a fatal error on the page (the shell's error screen) and stops drawing.
void showFatalError(const std::string& message);

}  // namespace kiln::web
