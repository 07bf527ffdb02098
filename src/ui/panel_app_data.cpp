// The App data view (app/app_data.h): what the open project's app keeps with localStorage and
// sessionStorage, how much of the cap it takes, each item with Remove, and Clear app data with
// Undo.
#include "ui/panels.h"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "app/messages.h"
#include "core/codegen/utf8.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

constexpr size_t kShownValueBytes = 160;
constexpr size_t kTooltipValueBytes = 2000;
// Narrower than this (a phone), each item takes two lines instead of a table row.
constexpr float kTableMinWidth = 560.0f;
// The most items listed: an app can keep tens of thousands, which no one reads in a list.
constexpr size_t kListedItems = 500;

// The start of a value on one line: cut between characters, line breaks shown as spaces.
std::string oneLine(const std::string& value, size_t max) {
    std::string text = value.substr(0, codegen::utf8CutPoint(value, max));
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return text.size() < value.size() ? text + "…" : text;
}

const char* areaLabel(app::AppDataArea area) {
    return area == app::AppDataArea::Local ? "localStorage" : "sessionStorage";
}

// A value's start, with the rest of it (up to kTooltipValueBytes) in a tooltip when it was cut.
void valueText(const std::string& value, bool wrapped) {
    const std::string shown = oneLine(value, kShownValueBytes);
    if (wrapped) {
        mutedWrapped(shown.c_str());
    } else {
        ImGui::TextUnformatted(shown.c_str());
    }
    if (ImGui::IsItemHovered() && value.size() > kShownValueBytes) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
        ImGui::TextUnformatted(oneLine(value, kTooltipValueBytes).c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

// Each item as a line of key, where it is kept and Remove, then its value.
void drawList(app::App& app, const app::AppDataList& list) {
    const float remove_width = buttonWidth("Remove");
    for (size_t i = 0; i < std::min(list.items.size(), kListedItems); ++i) {
        const app::AppDataItem& item = list.items[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::Separator();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(oneLine(item.key, kShownValueBytes).c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s", areaLabel(item.area));
        ImGui::SameLine(ImGui::GetContentRegionMax().x - remove_width);
        if (compactButton("Remove")) app::removeAppDataItem(app, item.area, item.key);
        valueText(item.value, true);
        ImGui::PopID();
    }
}

void drawTable(app::App& app, const app::AppDataList& list) {
    const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    ImGui::PushStyleColor(ImGuiCol_TableHeaderBg, ImGui::GetStyle().Colors[ImGuiCol_FrameBg]);
    if (ImGui::BeginTable("app data", 4, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Key", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("Kept in", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("##remove", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < std::min(list.items.size(), kListedItems); ++i) {
            const app::AppDataItem& item = list.items[i];
            ImGui::PushID(static_cast<int>(i));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(oneLine(item.key, kShownValueBytes).c_str());
            ImGui::TableNextColumn();
            valueText(item.value, false);
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", areaLabel(item.area));
            ImGui::TableNextColumn();
            if (compactButton("Remove")) app::removeAppDataItem(app, item.area, item.key);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::PopStyleColor();
}

}  // namespace

void drawAppData(app::App& app) {
    const app::AppDataList& list = app::appDataList(app);
    const size_t count = list.items.size();
    ImGui::BeginDisabled(count == 0);
    if (ImGui::Button("Clear app data")) app::clearAppData(app);
    ImGui::EndDisabled();
    const app::AppDataState& state = app.app_data;
    if (state.undo_clear && app.open && state.undo_project_id == app.open->project.id) {
        const size_t cleared = state.undo_clear->size();
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::Text("Cleared %zu %s.", cleared, cleared == 1 ? "item" : "items");
        ImGui::SameLine();
        if (ImGui::Button("Undo")) app::undoClearAppData(app);
    }
    ImGui::Spacing();
    const float used = static_cast<float>(list.length) / static_cast<float>(store::kAppDataMaxLength);
    const std::string figure = "localStorage: " + app::formatBytes(static_cast<uint64_t>(list.length)) + " of " +
                               app::formatBytes(static_cast<uint64_t>(store::kAppDataMaxLength));
    ImGui::ProgressBar(used, ImVec2(-1, 0), figure.c_str());
    mutedWrapped(
        "What the app saves with localStorage stays with this project: across reloads and new versions, and in "
        "exports of the library. What it saves with sessionStorage lasts until this tab of Kiln closes. A "
        "downloaded copy of the app keeps data of its own in the browser that opens it.");
    ImGui::Spacing();
    if (count == 0) {
        mutedWrapped("The app keeps nothing at the moment.");
        return;
    }
    if (count > kListedItems) {
        ImGui::TextDisabled("The first %zu of %zu items:", kListedItems, count);
    }
    if (ImGui::GetContentRegionAvail().x < kTableMinWidth) {
        drawList(app, list);
    } else {
        drawTable(app, list);
    }
}

}  // namespace kiln::ui
