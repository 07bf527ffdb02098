// Kiln as users get it (kiln, build/web): no test hooks. Everything main.cpp and the panels call
// for tests does nothing here, and nothing answers window.kilnTest: the test bridge, the item
// locator and the input probe are linked into the test build (kiln_test) only.
//
// Dear ImGui is compiled once, with IMGUI_ENABLE_TEST_ENGINE, for both builds (compiling it a
// second time without would add a minute of a 2-core machine to every clean build). Its widgets
// then call the test-engine hooks below only while ImGuiContext::TestEngineHookItems is true,
// which only the test build's locator sets (ui::enableTestLocator): here the flag stays false, the
// hooks are never called, and they exist only because ImGui's code names them.
#include <imgui.h>
#include <imgui_internal.h>

#include "test_hooks.h"
#include "ui/test_locator.h"

namespace kiln::test_hooks {

void install(Host) {}
void beginFrame() {}
void drawExtras() {}
void endFrame() {}

}  // namespace kiln::test_hooks

namespace kiln::ui {

// The panels name a few texts for the locator (app_ui.cpp); with no locator they go nowhere.
void locateLastItem(const char*) {}
void locatePrimary(const char*) {}

}  // namespace kiln::ui

void ImGuiTestEngineHook_ItemAdd(ImGuiContext*, ImGuiID, const ImRect&, const ImGuiLastItemData*) {}
void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID, const char*, ImGuiItemStatusFlags) {}
void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) {
    return nullptr;
}
