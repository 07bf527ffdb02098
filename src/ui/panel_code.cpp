// The code panel: the selected version's code in the editor with Copy code and Download below it
// (and Save as new version, Discard changes once edited), or the code as a generation streams
// it, read-only.
#include "ui/panels.h"

#include <imgui.h>

namespace kiln::ui {

// How long "Copied" shows beside Copy code.
constexpr int64_t kCopiedShownMs = 2000;

void drawCode(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out) {
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
    // An empty project (no version yet, nothing typed) has no actions to offer.
    const bool edited = app::codeEdited(app);
    const bool actions = edited || !open.code.empty();
    ImGui::PushFont(fonts.code);
    codeEditor("code", open.code, ui.code_editor, codeEditorStyle(ui.dark),
               ImVec2(ImGui::GetContentRegionAvail().x,
                      ImGui::GetContentRegionAvail().y - (actions ? ImGui::GetFrameHeightWithSpacing() : 0.0f)),
               false);
    ImGui::PopFont();
    if (!actions) return;
    // What the editor shows leaves Kiln as it is, edits included.
    const int64_t now = app.clock_ms ? app.clock_ms() : 0;
    if (ImGui::Button("Copy code")) {
        ImGui::SetClipboardText(open.code.c_str());
        ui.copied_at_ms = now;
    }
    ImGui::SameLine();
    if (ImGui::Button("Download")) out.download_app = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Saves %s", app::appFileName(open.project.name).c_str());
    if (ui.copied_at_ms >= 0 && now - ui.copied_at_ms < kCopiedShownMs) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("Copied");
        out.redrawIn(static_cast<double>(ui.copied_at_ms + kCopiedShownMs - now));
    }
    if (!edited) return;
    ImGui::SameLine();
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
