// The versions timeline: each version's number, prompt, time and model, newest first, filtered by
// model when more than one made them; Restore and Fork of the selected one.
#include "ui/panels.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

std::string formatTime(int64_t ms) {
    std::time_t when = static_cast<std::time_t>(ms / 1000);
    std::time_t now = std::time(nullptr);
    std::tm local{}, today{};
    localtime_r(&when, &local);
    localtime_r(&now, &today);
    char buffer[32];
    bool same_day = local.tm_year == today.tm_year && local.tm_yday == today.tm_yday;
    std::strftime(buffer, sizeof buffer, same_day ? "%H:%M" : "%d %b %H:%M", &local);
    return buffer;
}

}  // namespace

namespace {

// With versions by more than one model, a choice of the model whose versions the list shows;
// `model` is the one chosen ("" for all), forgotten when the project has no version by it.
void drawModelFilter(const std::vector<store::VersionSummary>& versions, std::string& model) {
    std::set<std::string> models;
    for (const store::VersionSummary& version : versions) {
        if (!version.model.empty()) models.insert(version.model);
    }
    if (!models.count(model)) model.clear();
    if (models.size() < 2) return;
    ImGui::SetNextItemWidth(-1);
    const std::string shown = model.empty() ? std::string("All models") : "Model: " + model;
    if (beginCombo("##model filter", shown.c_str())) {
        if (ImGui::Selectable("All models", model.empty())) model.clear();
        for (const std::string& name : models) {
            if (ImGui::Selectable(name.c_str(), name == model)) model = name;
        }
        endCombo();
    }
}

}  // namespace

void drawVersions(app::App& app, UiState& ui) {
    app::OpenProject& open = *app.open;
    ImGui::TextUnformatted("Versions");
    if (open.versions.empty()) {
        mutedWrapped("No versions yet: the first prompt makes version 1.");
        return;
    }
    drawModelFilter(open.versions, ui.version_model);
    const float actions = ImGui::GetFrameHeightWithSpacing();
    int clicked = 0;  // selecting reloads the version list, so it happens after the loop
    ImGui::BeginChild("timeline", ImVec2(0, -actions), ImGuiChildFlags_Border);
    for (auto it = open.versions.rbegin(); it != open.versions.rend(); ++it) {
        const store::VersionSummary& version = *it;
        if (!ui.version_model.empty() && version.model != ui.version_model) continue;
        ImGui::PushID(version.number);
        char label[16];
        std::snprintf(label, sizeof label, "v%d", version.number);
        // The row is one selectable; its prompt and details are drawn on it, not as items, so
        // nothing overlaps the click target.
        const float line = ImGui::GetTextLineHeightWithSpacing();
        const ImVec2 top = ImGui::GetCursorScreenPos();
        if (ImGui::Selectable(label, version.number == open.selected, 0, ImVec2(0, line * 2))) clicked = version.number;
        const float text_x = top.x + 40.0f;
        const float clip_x = ImGui::GetItemRectMax().x;
        ImDrawList* draw = ImGui::GetWindowDrawList();
        const char* prompt = version.prompt.empty() ? "(no prompt)" : version.prompt.c_str();
        // The time, what its last run in the preview reported (in the console's colour for
        // errors), whether it came from another device (sync), then the model, which may be cut
        // at the row's end.
        const std::string time = formatTime(version.created_at);
        const int64_t errors = version.console_errors.value_or(0);
        const std::string count =
            errors > 0 ? "  ·  " + std::to_string(errors) + (errors == 1 ? " error" : " errors") + " in its last run"
                       : std::string();
        const std::string model = (version.made_elsewhere ? "  ·  from another device" : "") +
                                  (version.model.empty() ? std::string() : "  ·  " + version.model);
        draw->PushClipRect(ImVec2(text_x, top.y), ImVec2(clip_x, top.y + line * 2), true);
        draw->AddText(ImVec2(text_x, top.y), ImGui::GetColorU32(ImGuiCol_Text), prompt);
        ImVec2 at(text_x, top.y + line);
        const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled);
        for (const auto& [text, colour] :
             {std::pair{&time, muted}, {&count, ImGui::GetColorU32(kError)}, {&model, muted}}) {
            draw->AddText(at, colour, text->c_str());
            at.x += ImGui::CalcTextSize(text->c_str()).x;
        }
        draw->PopClipRect();
        // A cut prompt or model reads whole on hover.
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_DelayNormal)) {
            ImGui::SetNextWindowSize(ImVec2(std::min(420.0f, ImGui::GetMainViewport()->WorkSize.x - 16.0f), 0));
            ImGui::BeginTooltip();
            ImGui::TextWrapped("%s", prompt);
            const std::string details = time + count + model;
            mutedWrapped(details.c_str());
            ImGui::EndTooltip();
        }
        ImGui::PopID();
    }
    ImGui::EndChild();
    if (clicked != 0) app::selectVersion(app, clicked);
    bool latest = open.selected == open.versions.back().number;
    ImGui::BeginDisabled(latest);
    if (ImGui::Button(KILN_ICON_RESTORE " Restore")) app::restoreVersion(app, open.selected);
    ImGui::EndDisabled();
    if (latest && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        ImGui::SetTooltip("This is already the latest version.");
    }
    ImGui::SameLine();
    if (ImGui::Button(KILN_ICON_FORK " Fork")) app::forkVersion(app, open.selected);
}

}  // namespace kiln::ui
