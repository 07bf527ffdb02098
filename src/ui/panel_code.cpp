// The code panel: the selected version's code in the editor with Copy code and Download below it
// (and Save as new version, Discard changes once edited), or the code as a generation streams
// it, read-only; in the shared view, the shared app's code, read-only, with Copy code and Download.
#include "ui/panels.h"

#include <imgui.h>

namespace kiln::ui {

// How long "Copied" shows beside Copy code or Copy link.
constexpr int64_t kCopiedShownMs = 2000;

void drawCopied(UiState& ui, int64_t now, FrameOutput& out) {
    if (ui.copied_at_ms < 0 || now - ui.copied_at_ms >= kCopiedShownMs) return;
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("Copied");
    out.redrawIn(static_cast<double>(ui.copied_at_ms + kCopiedShownMs - now));
}

namespace {

// Copy code and Download for `code`, saved as the file name of project `name`, and "Copied" for a
// while after a copy.
void fileActions(app::App& app, UiState& ui, FrameOutput& out, const std::string& code, const std::string& name) {
    const int64_t now = app.clock_ms ? app.clock_ms() : 0;
    if (ImGui::Button("Copy code")) {
        ImGui::SetClipboardText(code.c_str());
        ui.copied_at_ms = now;
    }
    ImGui::SameLine();
    const std::string file_name = app::appFileName(name);
    if (ImGui::Button("Download")) {
        out.download_code = &code;
        out.download_name = file_name;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Saves %s", file_name.c_str());
    drawCopied(ui, now, out);
}

// The editor, read-only or not, over the panel's height less the actions' line (when `actions`).
void editor(const char* id, std::string& text, UiState& ui, const Fonts& fonts, bool read_only, bool actions) {
    ImGui::PushFont(fonts.code);
    codeEditor(id, text, ui.code_editor, codeEditorStyle(ui.dark),
               ImVec2(ImGui::GetContentRegionAvail().x,
                      ImGui::GetContentRegionAvail().y - (actions ? ImGui::GetFrameHeightWithSpacing() : 0.0f)),
               read_only);
    ImGui::PopFont();
}

// Another text replaced the editor's: it re-colours and drops its undo. A console entry asked
// for a line of `text`: the editor shows it, over the next frames.
void follow(UiState& ui, uint64_t revision, const std::string& text, FrameOutput& out) {
    if (ui.code_editor_revision != revision) {
        ui.code_editor_revision = revision;
        markCodeEditorTextChanged(ui.code_editor);
    }
    if (ui.code_jump_line > 0) {
        revealLineInCodeEditor(ui.code_editor, text, ui.code_jump_line, ui.code_jump_column);
        ui.code_jump_line = 0;
    }
    if (ui.code_editor.select_pending) out.redrawIn(1);
}

}  // namespace

void drawCode(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out) {
    if (app.shared) {
        app::SharedView& shared = *app.shared;
        follow(ui, shared.revision, shared.app.code, out);
        editor("shared code", shared.app.code, ui, fonts, true, true);
        fileActions(app, ui, out, shared.app.code, shared.app.name);
        return;
    }
    app::OpenProject& open = *app.open;
    follow(ui, open.preview_revision, open.code, out);
    if (app.generation.phase == app::GenerationPhase::Running) {
        // The code as it arrives, read-only; the editor re-colours only what was added.
        if (ui.streamed_bytes != app.generation.code.size()) {
            ui.streamed_bytes = app.generation.code.size();
            markCodeEditorTextChanged(ui.code_editor);
        }
        editor("streamed code", app.generation.code, ui, fonts, true, false);
        return;
    }
    // An empty project (no version yet, nothing typed) has no actions to offer.
    const bool edited = app::codeEdited(app);
    const bool actions = edited || !open.code.empty();
    editor("code", open.code, ui, fonts, false, actions);
    if (!actions) return;
    // What the editor shows leaves Kiln as it is, edits included.
    fileActions(app, ui, out, open.code, open.project.name);
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
