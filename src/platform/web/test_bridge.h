// Kiln's test build only: the hooks behind window.kilnTest on ?test=1 pages (web-test/js/kiln_test.js,
// wired up by src/test_hooks.cpp). The build that users get does not link this file.
#pragma once

#include <functional>
#include <string>

namespace kiln::web {

struct TestHandlers {
    std::function<std::string()> state;                        // JSON snapshot of the app
    std::function<std::string(const std::string&)> item_rect;  // JSON rectangle or "null"
    // Runs a named test action with one text argument; JSON {} or {"error": why}.
    std::function<std::string(const std::string&, const std::string&)> act;
    // Runs one read-only SQL statement; JSON {"rows": [[...], ...]} or {"error": why}.
    std::function<std::string(const std::string&)> query;
};

// Whether the page was opened with ?test=1.
bool testModeRequested();
// Whether a test page asks for the input probe (?test=1&probe=input: ui/input_probe.h).
bool inputProbeRequested();
// Installs the app's handlers, and the platform's own test hooks: kilnTest.platform() (the hash
// and every change of it reported to onHashChange callbacks, embed mode, a waiting update),
// kilnTest.setHash(), kilnTest.applyUpdate(), kilnTest.showPreview() and kilnTest.hidePreview().
void installTestHandlers(TestHandlers handlers);

}  // namespace kiln::web
