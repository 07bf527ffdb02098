// Kiln: the hooks behind window.kilnTest on ?test=1 pages (see web/js/boot.js).
#pragma once

#include <functional>
#include <string>

namespace kiln::web {

struct TestHandlers {
    std::function<std::string()> state;                          // JSON snapshot of the app
    std::function<std::string(const std::string&)> item_rect;  // JSON rectangle or "null"
    // Runs a named test action with one text argument; JSON {} or {"error": why}.
    std::function<std::string(const std::string&, const std::string&)> act;
    // Runs one read-only SQL statement; JSON {"rows": [[...], ...]} or {"error": why}.
    std::function<std::string(const std::string&)> query;
};

// Whether the page was opened with ?test=1.
bool testModeRequested();
void installTestHandlers(TestHandlers handlers);

}  // namespace kiln::web
