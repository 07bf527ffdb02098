// The Storage dialog: where projects are kept, the saved state, the space used, Export database
// (with or without API keys) and Import database.
#include "ui/panels.h"

#include <imgui.h>

#include <string>

#include "app/messages.h"
#include "ui/widgets.h"

namespace kiln::ui {

void drawStoragePopup(app::App& app, UiState& ui, FrameOutput& out) {
    if (opensNow(ui, Dialog::Storage)) {
        ImGui::OpenPopup("Storage");
    }
    bool open = true;
    if (!beginDialog("Storage", 440, &open)) return;
    out.storage_shown = true;
    const app::StorageInfo& storage = app.storage;
    const app::SaveView save = app::saveView(app);
    ImGui::TextWrapped("Projects are kept in %s.", storage.where.c_str());
    if (save.state == app::SaveView::State::NotSaved) {
        ImGui::TextColored(kWarning, "%s", save.label.c_str());
    } else {
        ImGui::TextUnformatted(save.label.c_str());
    }
    if (!save.detail.empty()) mutedWrapped(save.detail.c_str());
    if (storage.durable) {
        ImGui::Spacing();
        if (storage.used_bytes && storage.quota_bytes) {
            ImGui::Text("Used: %s of %s", app::formatBytes(*storage.used_bytes).c_str(),
                        app::formatBytes(*storage.quota_bytes).c_str());
        } else {
            mutedWrapped("The browser does not say how much space is left.");
        }
        if (storage.persisted) {
            mutedWrapped(*storage.persisted ? "The browser keeps this storage even when space runs low."
                                            : "The browser may clear this storage when space runs low: export "
                                              "the library now and then to keep a copy.");
        }
    }
    ImGui::Spacing();
    if (ImGui::Button("Export database")) {
        out.export_database = true;
        out.export_keys = ui.export_keys;
    }
    // On one line where they fit; each goes to the next line where it would be cut off.
    sameLineIfFits(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
                   ImGui::CalcTextSize("Include API keys").x);
    ImGui::Checkbox("Include API keys", &ui.export_keys);
    sameLineIfFits(buttonWidth("Import database…"));
    ImGui::BeginDisabled(!app.store || app.store->readOnly());
    if (ImGui::Button("Import database…")) out.pick_import_file = true;
    ImGui::EndDisabled();
    mutedWrapped(
        "Exports are SQLite files (sql.js and the sqlite3 tool open them), with what your apps saved (their App "
        "data). To import one, choose it here or drop it on the window.");
    ImGui::Spacing();
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace kiln::ui
