// The passing messages and their buttons: a notice (with Undo of a replaced library), a new
// version of Kiln (Reload), undo of a deleted project.
#include "ui/panels.h"

#include <imgui.h>

#include <string>

#include "ui/widgets.h"

namespace kiln::ui {

// The passing messages and their buttons: a notice, a new version of Kiln, undo of a delete. In
// the status bar each follows on its line; on a phone, where that line is too short, each wraps
// on lines of its own above the tabs.
void drawMessages(app::App& app, UiState& ui, FrameOutput& out, bool in_status_bar) {
    const auto message = [&](const std::string& text) {
        if (in_status_bar) {
            ImGui::SameLine(0, 24.0f);
            ImGui::TextUnformatted(text.c_str());
        } else {
            ImGui::TextWrapped("%s", text.c_str());
        }
    };
    const auto button = [&](const char* label) {
        if (in_status_bar) {
            ImGui::SameLine();
        } else {
            sameLineIfFits(buttonWidth(label));
        }
        return compactButton(label);
    };
    if (!app.notice.empty()) {
        message(app.notice);
        if (app.undo_replace && button("Undo##replace")) app::undoReplace(app);
        if (button("×##notice")) app::dismissNotice(app);
    }
    if (ui.update_waiting) {
        message("A new version of Kiln is available.");
        if (button("Reload")) out.apply_update = true;
    }
    if (app.undo_delete) {
        message("Deleted \"" + app.undo_delete->name + "\".");
        if (button("Undo")) app::undoDelete(app);
        if (button("×")) app.undo_delete.reset();
    }
}

}  // namespace kiln::ui
