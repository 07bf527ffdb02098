// The Rename project dialog, opened from the sidebar's list (double-click, right-click) or the
// project header.
#include "ui/panels.h"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/widgets.h"

namespace kiln::ui {

void beginRename(UiState& ui, const store::Project& project) {
    ui.rename_project = project.id;
    ui.rename_text = project.name;
    ui.open_next = Dialog::Rename;
}

void drawRenamePopup(app::App& app, UiState& ui) {
    if (opensNow(ui, Dialog::Rename)) {
        ImGui::OpenPopup("Rename project");
    }
    bool open = true;
    if (!beginDialog("Rename project", 360, &open)) return;
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    bool enter = ImGui::InputText("##name", &ui.rename_text, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Save") || enter) {
        app::renameProject(app, ui.rename_project, ui.rename_text);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace kiln::ui
