// Kiln: where each labelled ImGui item was drawn, for browser tests that click like a person.
//
// Built on ImGui's test-engine hooks (IMGUI_ENABLE_TEST_ENGINE): every widget reports its label
// and rectangle as it is drawn. Recording is off unless enabled (?test=1 pages). Linked into the
// test build only; in the build that users get, locateLastItem() does nothing (src/no_test_hooks.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kiln::ui {

void enableTestLocator();
// Call before ImGui::NewFrame() and after ImGui::Render(): the frame just drawn becomes the one
// answered.
void beginLocatorFrame();
void endLocatorFrame();
// Records the last item under `label` as laid out, not clipped to its window: for a text, which
// ImGui does not report, so a test can tell whether it runs past the edge of the screen (then it
// is also listed as cut off, see cutOffLabels).
void locateLastItem(const char* label);
// The last drawn item whose label (without any "##id" part; the whole "##id" for an item shown
// without a label) is `label`, as JSON
// {"x","y","w","h"} in CSS pixels; "null" if no such item was drawn in the last frame.
std::string itemRectJson(const std::string& label);
// The vertical scroll offset (pixels) of each window the last frame drew that can scroll
// vertically, by the window's own name (a child's name without its parents and id suffix:
// "projects", "timeline", "##scroll"), e.g. {"timeline": 0, "##scroll": 340}.
nlohmann::json scrollPositions();
// How many pixels of each of those windows are below what it shows (0: scrolled to its end).
nlohmann::json scrollBelow();
// Records the last item as a primary action (primaryButton), under `label`.
void locatePrimary(const char* label);
// The labels of the last frame's primary actions: those of the modal dialog when one is open
// (it is the view then), else all. A view has one at most.
nlohmann::json primaryLabels();
// The labels of the last frame's items that run past the right edge of a window that cannot
// scroll sideways (a button or field cut off), e.g. ["Import database…"].
nlohmann::json cutOffLabels();
// The labels of the last frame's items (buttons, fields, tabs, rows) shorter than kTouchTarget:
// on a phone, none.
nlohmann::json smallTargets();

}  // namespace kiln::ui
