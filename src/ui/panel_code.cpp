// The code panel: the selected version's code in the editor (Save as new version, Discard
// changes once edited), or the code as a generation streams it, read-only.
#include "ui/panels.h"

#include <imgui.h>

namespace kiln::ui {

void drawCode(app::App& app, UiState& ui, const Fonts& fonts) {
    app::OpenProject& open = *app.open;
    // Another version (or project) replaced the text: the editor re-colours and drops its undo.
    if (ui.code_editor_revision != open.preview_revision) {
        ui.code_editor_revision = open.preview_revision;
        markCodeEditorTextChanged(ui.code_editor);
    }
    if (app.generation.phase == app::GenerationPhase::Running) {
        // The code as it arrives, read-only; the editor re-colours only what was added.
        if (ui.streamed_bytes != app.generation.code.size()) {
            ui.streamed_bytes = app.generation.code.size();
            markCodeEditorTextChanged(ui.code_editor);
        }
        ImGui::PushFont(fonts.code);
        codeEditor("streamed code", app.generation.code, ui.code_editor, codeEditorStyle(ui.dark),
                   ImGui::GetContentRegionAvail(), true);
        ImGui::PopFont();
        return;
    }
    const bool edited = app::codeEdited(app);
    const float actions = edited ? ImGui::GetFrameHeightWithSpacing() : 0.0f;
    ImGui::PushFont(fonts.code);
    codeEditor("code", open.code, ui.code_editor, codeEditorStyle(ui.dark),
               ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y - actions), false);
    ImGui::PopFont();
    if (!edited) return;
    if (ImGui::Button("Save as new version") || (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_S, false))) {
        app::saveCodeEdit(app);
    }
    ImGui::SameLine();
    if (ImGui::Button("Discard changes")) {
        app::discardCodeEdit(app);
        markCodeEditorTextChanged(ui.code_editor);
    }
}

}  // namespace kiln::ui
