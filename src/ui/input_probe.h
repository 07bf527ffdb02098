// Kiln: a test fixture for the browser backend: a window with a multi-line text field, a button
// and a long scrolling list, drawn only on `?test=1&probe=input` pages of the test build. The
// browser tests of typing, IME, clipboard and touch use it, independently of the app's own panels.
#pragma once

#include <nlohmann/json.hpp>

namespace kiln::ui {

struct InputProbe {
    char text[4096] = "";
    int clicks = 0;         // presses of "Probe button"
    int selected_line = 0;  // the line of "Probe list" last clicked, 0 for none
    float scroll_y = 0;     // how far "Probe list" is scrolled, in pixels
};

// Draws the probe's window over the right-hand side of the page. Items: "Probe text" (the
// field), "Probe button", and a scrolling list of 100 selectable lines, "Line 1" to "Line 100".
void drawInputProbe(InputProbe& probe);

// {"text", "clicks", "selected_line", "scroll_y"}: what the tests read back through kilnTest.state().probe.
nlohmann::json inputProbeState(const InputProbe& probe);

}  // namespace kiln::ui
