#include "ui/test_locator.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

struct Locator {
    bool enabled = false;
    std::unordered_map<ImGuiID, ImRect> added;                    // this frame's item boxes, by id
    std::unordered_map<ImGuiID, std::string> waiting;             // labels reported before their item
    std::unordered_map<std::string, ImRect> drawing;              // the frame being built
    std::unordered_map<std::string, ImRect> drawn;                // the last complete frame
    nlohmann::json scroll = nlohmann::json::object();             // the last complete frame's scroll offsets
    nlohmann::json below = nlohmann::json::object();              // and how far each is from its end
    std::set<std::string> cutting, cut;                           // labels cut off at their window's right edge
    std::set<std::string> small_drawing, small;                   // items shorter than kTouchTarget
    std::vector<std::pair<std::string, bool>> primaries_drawing;  // primary actions, and whether in a modal
    nlohmann::json primaries = nlohmann::json::array();           // the last complete frame's (primaryLabels)
};

Locator& locator() {
    static Locator instance;
    return instance;
}

// The label as shown, without its icon (ui/icons.h: a private-use code point and a space), so a
// test finds an item by its words. An item shown without words is found by its whole label
// ("##prompt"), or, when it shows an icon alone, by the words after it ("<icon>##Rename" and
// "<icon>##Code###Code": "Rename", "Code").
std::string visibleLabel(const char* label) {
    const char* end = ImGui::FindRenderedTextEnd(label);
    if (end == label) return label;
    const size_t icon = iconBytes(std::string_view(label, static_cast<size_t>(end - label)));
    if (icon == 0) return std::string(label, end);
    const char* words = label + icon;
    while (words < end && *words == ' ') ++words;
    if (words < end) return std::string(words, end);
    const char* id = std::strstr(end, "##");
    if (!id) return std::string(label, end);
    const std::string rest(id + 2);  // the words, perhaps followed by "###" and the id ImGui uses
    return rest.substr(0, rest.find("###"));
}

// Keeps the visible part of an item's box: a click must land inside the window that shows it.
// An item with a visible label that runs past the right edge of a window that cannot scroll
// sideways is noted as cut off. (A selectable reaches half an item spacing into the window's
// padding by design: only what goes further counts.)
void record(ImGuiContext* ctx, const std::string& label, ImRect rect) {
    if (const ImGuiWindow* window = ctx->CurrentWindow) {
        const float edge = window->ClipRect.Max.x + ctx->Style.ItemSpacing.x;
        if (!window->ScrollbarX && rect.Min.x < edge && rect.Max.x > edge && label.rfind("##", 0) != 0) {
            locator().cutting.insert(label);
        }
        const float height = rect.GetHeight();
        rect.ClipWith(window->ClipRect);
        if (height < kTouchTarget && rect.GetWidth() > 0 && rect.GetHeight() > 0) locator().small_drawing.insert(label);
    }
    if (rect.GetWidth() <= 0 || rect.GetHeight() <= 0) return;
    locator().drawing[label] = rect;
}

// A window's own name: ImGui names a child "<parent>/<name>_<id as 8 hex digits>".
std::string ownName(const ImGuiWindow& window) {
    std::string name = window.Name;
    name.erase(0, name.rfind('/') + 1);
    if ((window.Flags & ImGuiWindowFlags_ChildWindow) && name.size() > 9 && name[name.size() - 9] == '_') {
        name.resize(name.size() - 9);
    }
    return name;
}

}  // namespace

void enableTestLocator() {
    locator().enabled = true;
    ImGui::GetCurrentContext()->TestEngineHookItems = true;
}

void beginLocatorFrame() {
    Locator& l = locator();
    l.drawing.clear();
    l.added.clear();
    l.waiting.clear();
    l.cutting.clear();
    l.primaries_drawing.clear();
    l.small_drawing.clear();
}

void endLocatorFrame() {
    Locator& l = locator();
    if (!l.enabled) return;
    l.drawn.swap(l.drawing);
    l.cut.swap(l.cutting);
    l.small.swap(l.small_drawing);
    const bool modal = std::any_of(l.primaries_drawing.begin(), l.primaries_drawing.end(),
                                   [](const auto& primary) { return primary.second; });
    l.primaries = nlohmann::json::array();
    for (const auto& [label, in_modal] : l.primaries_drawing) {
        if (in_modal || !modal) l.primaries.push_back(label);
    }
    l.scroll = nlohmann::json::object();
    l.below = nlohmann::json::object();
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    for (const ImGuiWindow* window : g.Windows) {
        if (!window->Active || window->ScrollMax.y <= 0) continue;
        l.scroll[ownName(*window)] = window->Scroll.y;
        l.below[ownName(*window)] = window->ScrollMax.y - window->Scroll.y;
    }
}

void locateLastItem(const char* label) {
    if (!locator().enabled) return;
    const ImRect rect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    locator().drawing[label] = rect;
    // A text in a window's content that runs past its right edge (ImGui clips it there), when the
    // window cannot scroll sideways, is cut off. (A window's title bar lies above its content.)
    if (const ImGuiWindow* window = ImGui::GetCurrentContext()->CurrentWindow) {
        const ImRect& clip = window->ClipRect;
        if (!window->ScrollbarX && rect.Min.y >= clip.Min.y && rect.Max.x > clip.Max.x + 1.0f) {
            locator().cutting.insert(label);
        }
    }
}

void locatePrimary(const char* label) {
    if (!locator().enabled) return;
    const bool in_modal = (ImGui::GetCurrentWindow()->RootWindow->Flags & ImGuiWindowFlags_Modal) != 0;
    locator().primaries_drawing.emplace_back(visibleLabel(label), in_modal);
}

nlohmann::json primaryLabels() {
    return locator().primaries;
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

nlohmann::json scrollPositions() {
    return locator().scroll;
}

nlohmann::json scrollBelow() {
    return locator().below;
}

nlohmann::json cutOffLabels() {
    return locator().cut;
}

nlohmann::json smallTargets() {
    return locator().small;
}

}  // namespace kiln::ui

// ImGui's test-engine hooks: ItemAdd gives each item's box, ItemInfo its label. Most widgets
// report the label after adding the item; some report it before, so a label whose item is not
// added yet waits for it. Log and FindItemDebugLabel must exist with IMGUI_ENABLE_TEST_ENGINE.
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData*) {
    if (id == 0) return;
    kiln::ui::Locator& l = kiln::ui::locator();
    l.added[id] = bb;
    auto waiting = l.waiting.find(id);
    if (waiting == l.waiting.end()) return;
    kiln::ui::record(ctx, waiting->second, bb);
    l.waiting.erase(waiting);
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
    if (!label || !*label) return;
    kiln::ui::Locator& l = kiln::ui::locator();
    auto added = l.added.find(id);
    if (added == l.added.end()) {
        l.waiting[id] = kiln::ui::visibleLabel(label);
        return;
    }
    kiln::ui::record(ctx, kiln::ui::visibleLabel(label), added->second);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) {
    return nullptr;
}
