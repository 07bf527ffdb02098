// The project sidebar (the Projects tab on a phone): New project, search (names, and the prompts
// and code of every version), the project list with its rename and delete menu, and the theme
// choice.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>
#include <misc/cpp/imgui_stdlib.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

void drawProjectList(app::App& app, UiState& ui, bool phone) {
    std::vector<const store::ProjectSummary*> visible = app::visibleProjects(app);
    if (app.projects.empty()) {
        mutedWrapped("No projects yet.");
        return;
    }
    if (visible.empty()) mutedWrapped("No project matches the search.");
    // Actions change the list and the open project, so they run once the frame is drawn.
    std::function<void()>& action = ui.deferred;
    for (const store::ProjectSummary* item : visible) {
        const store::Project& project = item->project;
        ImGui::PushID(project.public_id.c_str());
        bool selected = app.open && app.open->project.id == project.id;
        const ImVec2 top = ImGui::GetCursorScreenPos();
        // The name is drawn below, cut short before the version count; the selectable keeps it as
        // its label (for the test locator) but shows nothing itself, and is as wide as the list
        // (a long name would make it wider).
        // On a phone a row is a touch target (a selectable reaches into the item spacing).
        const float row_height = phone ? kTouchTarget - ImGui::GetStyle().ItemSpacing.y : ImGui::GetTextLineHeight();
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
        const bool clicked =
            ImGui::Selectable(project.name.c_str(), selected, 0, ImVec2(ImGui::GetContentRegionAvail().x, row_height));
        ImGui::PopStyleColor();
        const ImVec2 text_at(top.x, top.y + (row_height - ImGui::GetTextLineHeight()) / 2);
        if (clicked) {
            action = [&app, &ui, phone, id = project.public_id] {
                app::openProject(app, id);
                if (phone) ui.phone_tab = PhoneTab::Prompt;
            };
        }
        const bool hovered = ImGui::IsItemHovered();
        if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) beginRename(ui, project);
        if (ImGui::BeginPopupContextItem("project menu")) {
            if (ImGui::MenuItem("Rename")) beginRename(ui, project);
            if (ImGui::MenuItem("Delete")) action = [&app, id = project.id] { app::deleteProject(app, id); };
            ImGui::EndPopup();
        }
        // The name and version count (or "writing…" while a generation writes its next version)
        // are drawn on the row, not as items, so nothing overlaps the click target.
        const bool writing =
            app.generation.phase == app::GenerationPhase::Running && app.generation.project_id == project.id;
        char count[24];
        std::snprintf(count, sizeof count, writing ? "writing…" : "%d", item->version_count);
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        const float count_x = right - ImGui::CalcTextSize(count).x;
        ImDrawList* draw = ImGui::GetWindowDrawList();
        draw->AddText(ImVec2(count_x, text_at.y), ImGui::GetColorU32(writing ? ImGuiCol_Text : ImGuiCol_TextDisabled),
                      count);
        const float name_end = count_x - ImGui::GetStyle().ItemSpacing.x;
        ImGui::RenderTextEllipsis(draw, text_at, ImVec2(name_end, ImGui::GetItemRectMax().y), name_end, name_end,
                                  project.name.c_str(), nullptr, nullptr);
        // A name cut short reads whole on hover.
        if (hovered && top.x + ImGui::CalcTextSize(project.name.c_str()).x > name_end &&
            ImGui::IsItemHovered(ImGuiHoveredFlags_DelayNormal)) {
            ImGui::SetTooltip("%s", project.name.c_str());
        }
        ImGui::PopID();
    }
}

void drawThemeChoice(app::App& app) {
    const auto label = [](app::Theme theme) { return std::string("Theme: ") + app::themeName(theme); };
    ImGui::SetNextItemWidth(-1);
    if (beginCombo("##theme", label(app.theme).c_str())) {
        for (app::Theme theme : app::kThemes) {
            if (ImGui::Selectable(label(theme).c_str(), theme == app.theme)) app::setTheme(app, theme);
        }
        endCombo();
    }
}

}  // namespace

void drawSidebar(app::App& app, UiState& ui, const Fonts& fonts, bool phone) {
    // On a phone an empty library is greeted on the whole tab: the greeting starts a project, and
    // there is nothing to search yet.
    if (phone && app.projects.empty()) {
        ImGui::BeginChild("projects");
        drawWelcome(app, ui, fonts, true);
        ImGui::EndChild();
        return;
    }
    if (!phone) {
        ImGui::PushFont(fonts.title);
        ImGui::TextUnformatted("Kiln");
        ImGui::PopFont();
    }
    bool writable = app.store && !app.store->readOnly();
    ImGui::BeginDisabled(!writable);
    // The main action only while nothing else is: no project open and a model ready (the welcome
    // then offers starters, not a button of its own).
    const bool primary = !app.open && !app.shared && app.settings.saved;
    if (primary ? primaryButton(KILN_ICON_ADD " New project", -1)
                : ImGui::Button(KILN_ICON_ADD " New project", ImVec2(-1, 0))) {
        app::newProject(app);
        if (phone) ui.phone_tab = PhoneTab::Prompt;
    }
    ImGui::EndDisabled();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##search", "Search names, prompts, code", &app.search);
    ImGui::Spacing();
    const float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
    ImGui::BeginChild("projects", ImVec2(0, -footer));
    drawProjectList(app, ui, phone);
    ImGui::EndChild();
    drawThemeChoice(app);
}

}  // namespace kiln::ui
