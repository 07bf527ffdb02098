// The code panel: the selected version's code in the editor with Copy code and Download below it
// (and Save as new version, Discard changes once edited; the edit is kept with its version as it
// is typed), or the code as a generation streams it, read-only, or what a failed first prompt
// left as a draft, read-only; in the shared view, the shared app's code, read-only, with Copy code
// and Download.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>

#include "ui/icons.h"
#include "ui/test_locator.h"
#include "ui/widgets.h"

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
    if (ImGui::Button(KILN_ICON_COPY " Copy code")) {
        ImGui::SetClipboardText(code.c_str());
        ui.copied_at_ms = now;
    }
    ImGui::SameLine();
    const std::string file_name = app::appFileName(name);
    if (ImGui::Button(KILN_ICON_DOWNLOAD " Download")) {
        out.download_code = &code;
        out.download_name = file_name;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Saves %s", file_name.c_str());
    drawCopied(ui, now, out);
}

// The editor, read-only or not, over the panel's height less the actions' line (when `actions`).
// Returns true when the user changed the text this frame.
bool editor(const char* id, std::string& text, UiState& ui, const Fonts& fonts, bool read_only, bool actions) {
    ImGui::PushFont(fonts.code);
    const bool changed =
        codeEditor(id, text, ui.code_editor, codeEditorStyle(ui.dark),
                   ImVec2(ImGui::GetContentRegionAvail().x,
                          ImGui::GetContentRegionAvail().y - (actions ? ImGui::GetFrameHeightWithSpacing() : 0.0f)),
                   read_only);
    ImGui::PopFont();
    return changed;
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

// The streamed code follows its end until the user scrolls it up (the wheel over it, or its
// scroll bar held), and again once they scroll back to the end or choose Jump to end. Called
// before the editor is drawn: the scroll set here applies this frame.
void followStreamEnd(UiState& ui) {
    ImGuiWindow* window = ImGui::FindWindowByID(ui.code_editor.scroll_window_id);
    if (!window) return;
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    const bool wheeled_up = ImGui::GetIO().MouseWheel > 0 && g.HoveredWindow && window->ParentWindow &&
                            ImGui::IsWindowChildOf(g.HoveredWindow, window->ParentWindow, false);
    if (wheeled_up || g.ActiveId == ImGui::GetWindowScrollbarID(window, ImGuiAxis_Y)) {
        ui.follow_stream = false;
    } else if (window->Scroll.y >= window->ScrollMax.y - 1.0f) {
        ui.follow_stream = true;
    }
    if (ui.follow_stream) ImGui::SetScrollY(window, window->ScrollMax.y + 1e6f);  // clamped to the end
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
    if (app.generation.phase == app::GenerationPhase::Running && app.generation.project_id == open.project.id) {
        // The code as it arrives, read-only; the editor re-colours only what was added.
        if (ui.streamed_bytes != app.generation.code.size()) {
            ui.streamed_bytes = app.generation.code.size();
            markCodeEditorTextChanged(ui.code_editor);
        }
        followStreamEnd(ui);
        editor("streamed code", app.generation.code, ui, fonts, true, !ui.follow_stream);
        if (!ui.follow_stream && ImGui::Button("Jump to end")) ui.follow_stream = true;
        return;
    }
    if (open.selected == 0 && app.draft && app.generation.project_id == open.project.id) {
        // A first prompt that failed: what arrived, to read and copy; the prompt panel keeps it.
        mutedWrapped("What arrived before the answer stopped. Keep draft (beside the prompt) saves it as version 1.");
        locateLastItem("##draft note");
        if (ui.streamed_bytes != app.draft->code.size()) {
            ui.streamed_bytes = app.draft->code.size();
            markCodeEditorTextChanged(ui.code_editor);
        }
        editor("draft code", app.draft->code, ui, fonts, true, true);
        fileActions(app, ui, out, app.draft->code, open.project.name);
        return;
    }
    // An empty project (no version yet, nothing typed) has no actions to offer.
    const bool edited = app::codeEdited(app);
    const bool actions = edited || !open.code.empty();
    // An edit is kept with its version as it is typed (at most every kKeepTypedMs), and a frame
    // comes when what waits is due.
    editor("code", open.code, ui, fonts, false, actions);
    if (const int64_t due = app::keepCodeEdit(app, false); due > 0) out.redrawIn(static_cast<double>(due));
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
