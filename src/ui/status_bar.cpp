// The status bar: the saved state (Export when nothing is saved), Storage, Settings, Sync and how
// it goes (desktop), the open project's last generation's figures, the passing messages
// (desktop), the version shown.
#include "ui/panels.h"

#include <imgui.h>

#include <cstdio>
#include <string>

#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

// One line. The generation figures (also shown under the prompt) and the version shown (also
// in the timeline) are left out where they do not fit; on a phone the messages are above the tabs.
void drawStatusBar(app::App& app, UiState& ui, FrameOutput& out, bool phone) {
    char position[48] = "";
    if (app.open && app.open->selected > 0) {
        std::snprintf(position, sizeof position, "Version %d of %d", app.open->selected,
                      app.open->versions.empty() ? 0 : app.open->versions.back().number);
    }
    const float position_width = ImGui::CalcTextSize(position).x + ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::Separator();
    ImGui::SetCursorPosX(ImGui::GetStyle().ItemSpacing.x * 2);
    ImGui::AlignTextToFramePadding();
    const bool read_only = app.store && app.store->readOnly();
    const app::SaveView save = app::saveView(app);
    if (read_only) {
        ImGui::TextDisabled("Read-only: made by a newer Kiln");
    } else if (save.state == app::SaveView::State::NotSaved) {
        ImGui::TextColored(kWarning, "%s", save.label.c_str());
    } else {
        ImGui::TextDisabled("%s", save.label.c_str());
    }
    if (!save.detail.empty() && ImGui::IsItemHovered()) {
        ImGui::SetNextWindowSize(ImVec2(420, 0));
        ImGui::BeginTooltip();
        ImGui::TextWrapped("%s", save.detail.c_str());
        ImGui::EndTooltip();
    }
    if (save.state == app::SaveView::State::NotSaved) {
        ImGui::SameLine();
        if (compactButton("Export")) out.export_database = true;
    }
    ImGui::SameLine();
    if (compactButton(KILN_ICON_STORAGE " Storage")) ui.open_next = Dialog::Storage;
    ImGui::SameLine();
    if (compactButton(KILN_ICON_SETTINGS " Settings")) ui.open_next = Dialog::Settings;
    // On a phone there is no room for Sync: the Storage dialog has it.
    if (!phone) {
        ImGui::SameLine();
        if (compactButton(KILN_ICON_SYNC " Sync")) ui.open_next = Dialog::Sync;
    }
    const std::string sync = app::syncStatusText(app);
    if (!phone && !sync.empty() && fitsBeside(ImGui::CalcTextSize(sync.c_str()).x + position_width)) {
        ImGui::SameLine();
        const bool failing = app.sync.last && app.sync.last->error != sync::SyncError::None && !app.sync.pass;
        if (failing) {
            ImGui::TextColored(kWarning, "%s", sync.c_str());
        } else {
            ImGui::TextDisabled("%s", sync.c_str());
        }
    }
    // The figures of the open project's generation (another's is marked in the project list).
    const bool shown = !app.open || app.generation.project_id == app.open->project.id;
    const std::string stats =
        shown ? app::generationStatsLine(app.generation, app.clock_ms ? app.clock_ms() : 0) : std::string();
    if (!stats.empty() && fitsBeside(24.0f + ImGui::CalcTextSize(stats.c_str()).x + position_width)) {
        ImGui::SameLine(0, 24.0f);
        ImGui::TextDisabled("%s", stats.c_str());
    }
    if (!phone) drawMessages(app, ui, out, true);
    if (position[0] != '\0' && fitsBeside(position_width)) {
        ImGui::SameLine(ImGui::GetWindowWidth() - position_width);
        ImGui::TextDisabled("%s", position);
    }
}

}  // namespace kiln::ui
