#include "ui/test_locator.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <unordered_map>

namespace kiln::ui {

namespace {

struct Locator {
    bool enabled = false;
    std::unordered_map<std::string, ImRect> drawing;  // the frame being built
    std::unordered_map<std::string, ImRect> drawn;    // the last complete frame
};

Locator& locator() {
    static Locator instance;
    return instance;
}

// The label as shown; an item shown without one ("##prompt") is found by its whole label.
std::string visibleLabel(const char* label) {
    const char* end = ImGui::FindRenderedTextEnd(label);
    return end == label ? std::string(label) : std::string(label, end);
}

}  // namespace

void enableTestLocator() {
    locator().enabled = true;
    ImGui::GetCurrentContext()->TestEngineHookItems = true;
}

void beginLocatorFrame() { locator().drawing.clear(); }

void endLocatorFrame() {
    Locator& l = locator();
    if (l.enabled) l.drawn.swap(l.drawing);
}

std::string itemRectJson(const std::string& label) {
    const Locator& l = locator();
    auto found = l.drawn.find(label);
    if (found == l.drawn.end()) return "null";
    const ImRect& r = found->second;
    char buffer[160];
    snprintf(buffer, sizeof buffer, R"({"x":%.1f,"y":%.1f,"w":%.1f,"h":%.1f})", r.Min.x, r.Min.y, r.GetWidth(),
             r.GetHeight());
    return buffer;
}

}  // namespace kiln::ui

// ImGui's test-engine hooks. Only ItemInfo, which carries the label, is needed; the others must
// exist once IMGUI_ENABLE_TEST_ENGINE is defined.
void ImGuiTestEngineHook_ItemAdd(ImGuiContext*, ImGuiID, const ImRect&, const ImGuiLastItemData*) {}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID, const char* label, ImGuiItemStatusFlags) {
    if (!label || !*label) return;
    ImRect rect = ctx->LastItemData.Rect;
    // Only the visible part counts: a click must land inside the window that shows the item.
    if (ctx->CurrentWindow) rect.ClipWith(ctx->CurrentWindow->ClipRect);
    if (rect.GetWidth() <= 0 || rect.GetHeight() <= 0) return;
    kiln::ui::locator().drawing[kiln::ui::visibleLabel(label)] = rect;
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
