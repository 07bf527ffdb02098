// The import confirmation: what a chosen or dropped library file holds, and Add to my library,
// Replace my library or Cancel.
#include "ui/panels.h"

#include <imgui.h>

#include "ui/widgets.h"

namespace kiln::ui {

void drawImportPopup(app::App& app) {
    if (app.pending_import && !ImGui::IsPopupOpen("Import a library?")) ImGui::OpenPopup("Import a library?");
    bool open = true;
    if (!beginDialog("Import a library?", 440, &open)) {
        if (!open) app::cancelImport(app);
        return;
    }
    if (!app.pending_import) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    // The file was checked when it was chosen (app::offerImport): the dialog says what it holds.
    ImGui::TextWrapped("%s holds %s.", app.pending_import->file_name.c_str(),
                       store::describeImport(app.pending_import->summary).c_str());
    ImGui::Spacing();
    mutedWrapped(
        "Add to my library: its projects are added as new projects; nothing already here changes. "
        "Replace my library: it takes the place of every project kept in this browser, in every Kiln "
        "tab (Undo is offered until the page is reloaded). Settings and keys are never taken from a "
        "file.");
    ImGui::Spacing();
    if (primaryButton("Add to my library") || ImGui::IsKeyPressed(ImGuiKey_Enter)) {
        app::confirmImport(app, app::ImportChoice::Add);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Replace my library")) {
        app::confirmImport(app, app::ImportChoice::Replace);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        app::cancelImport(app);
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace kiln::ui
