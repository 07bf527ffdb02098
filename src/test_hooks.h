// Kiln: the seam between the entry point (main.cpp) and the test build's hooks.
//
// Two builds link main.cpp and everything else unchanged, and differ only in what defines these
// functions (cmake/web.cmake):
//   kiln       build/web, what users get: no_test_hooks.cpp, where each does nothing. No test
//              bridge, item locator, input probe or window.kilnTest is linked or served.
//   kiln_test  build/web-test, for browser tests and benchmarks: test_hooks.cpp, which on
//              ?test=1 pages switches the item locator on and answers window.kilnTest
//              (web-test/js/kiln_test.js) through src/platform/web/test_bridge.cpp.
#pragma once

#include <functional>

namespace kiln::app {
struct App;
}

namespace kiln::test_hooks {

// What the hooks read and drive. Both pointers outlive the page.
struct Host {
    app::App* app = nullptr;
    const int* frames_drawn = nullptr;  // frames drawn so far
    std::function<void()> wake;         // after an action: frames if it changed what is shown
};

// Called once in main(), before the frame loop starts.
void install(Host host);
// Called each frame: before ImGui::NewFrame(); after the app's panels, inside the frame (extra
// windows such as the input probe); after ImGui::Render().
void beginFrame();
void drawExtras();
void endFrame();

}  // namespace kiln::test_hooks
