// The versions timeline: each version's number, prompt, time and model, newest first; Restore
// and Fork of the selected one.
#include "ui/panels.h"

#include <imgui.h>

#include <cstdio>
#include <ctime>
#include <string>

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

void drawVersions(app::App& app) {
    app::OpenProject& open = *app.open;
    ImGui::TextUnformatted("Versions");
    if (open.versions.empty()) {
        mutedWrapped("No versions yet: the first prompt makes version 1.");
        return;
    }
    const float actions = ImGui::GetFrameHeightWithSpacing();
    int clicked = 0;  // selecting reloads the version list, so it happens after the loop
    ImGui::BeginChild("timeline", ImVec2(0, -actions), ImGuiChildFlags_Border);
    for (auto it = open.versions.rbegin(); it != open.versions.rend(); ++it) {
        const store::VersionSummary& version = *it;
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
        draw->PushClipRect(ImVec2(text_x, top.y), ImVec2(clip_x, top.y + line * 2), true);
        draw->AddText(ImVec2(text_x, top.y), ImGui::GetColorU32(ImGuiCol_Text), prompt);
        std::string meta = formatTime(version.created_at);
        if (!version.model.empty()) meta += "  ·  " + version.model;
        const ImVec2 meta_at(text_x, top.y + line);
        draw->AddText(meta_at, ImGui::GetColorU32(ImGuiCol_TextDisabled), meta.c_str());
        // What its last run in the preview reported, in the console's colour for errors.
        if (const int64_t errors = version.console_errors.value_or(0); errors > 0) {
            const std::string count =
                "  ·  " + std::to_string(errors) + (errors == 1 ? " error" : " errors") + " when it last ran";
            draw->AddText(ImVec2(meta_at.x + ImGui::CalcTextSize(meta.c_str()).x, meta_at.y),
                          ImGui::GetColorU32(kError), count.c_str());
        }
        draw->PopClipRect();
        ImGui::PopID();
    }
    ImGui::EndChild();
    if (clicked != 0) app::selectVersion(app, clicked);
    bool latest = open.selected == open.versions.back().number;
    ImGui::BeginDisabled(latest);
    if (ImGui::Button("Restore")) app::restoreVersion(app, open.selected);
    ImGui::EndDisabled();
    if (latest && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        ImGui::SetTooltip("This is already the latest version.");
    }
    ImGui::SameLine();
    if (ImGui::Button("Fork")) app::forkVersion(app, open.selected);
}

}  // namespace kiln::ui
