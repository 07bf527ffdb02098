// The Sync dialog: sync on or off, the server, its database, the user and password (kept for the
// server's origin), Test sync (with Create it when the database is missing), how the last pass
// went (its technical detail behind a Details toggle), Sync now, Save and Cancel.
#include "ui/panels.h"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <string>

#include "ui/widgets.h"

namespace kiln::ui {

using Outcome = app::SyncTest::Outcome;

namespace {

void drawTestResult(app::App& app, const app::SyncSettings& edit) {
    const app::SyncTest& test = app.sync.test;
    ImGui::BeginDisabled(test.outcome == Outcome::Running);
    if (ImGui::Button("Test sync")) app::testSync(app, edit);
    ImGui::EndDisabled();
    if (test.message.empty()) return;
    const bool failed = test.outcome == Outcome::Failed;
    if (failed) ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
    ImGui::TextWrapped("%s", test.message.c_str());
    if (failed) ImGui::PopStyleColor();
    if (test.outcome == Outcome::NoDatabase && ImGui::Button("Create it")) app::createSyncDatabase(app, edit);
}

// How the last pass went, while sync is on: the status line's words, and what the server said.
void drawLastPass(app::App& app) {
    const std::string status = app::syncStatusText(app);
    if (status.empty()) return;
    ImGui::Spacing();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(status.c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(app.sync.pass != nullptr);
    if (compactButton("Sync now")) app::syncNow(app);
    ImGui::EndDisabled();
    if (app.sync.last && !app.sync.last->detail.empty() && ImGui::TreeNode("Details")) {
        mutedWrapped(app.sync.last->detail.c_str());
        ImGui::TreePop();
    }
}

}  // namespace

void drawSyncPopup(app::App& app, UiState& ui) {
    if (opensNow(ui, Dialog::Sync)) {
        ImGui::OpenPopup("Sync");
        ui.sync_edit = app.sync.settings;
        ui.sync_edit_origin = ui.sync_edit.url;
        if (app.sync.test.outcome != Outcome::Running) {  // from another visit
            app.sync.test.outcome = Outcome::None;
            app.sync.test.message.clear();
        }
    }
    bool open = true;
    if (!beginDialog("Sync", 560, &open)) return;
    app::SyncSettings& edit = ui.sync_edit;
    beginDialogBody();
    mutedWrapped(
        "Keep this library on a CouchDB server (Apache CouchDB, Cloudant or PouchDB Server) and on "
        "every device that syncs with it. Settings and keys stay on this device.");
    ImGui::Spacing();
    ImGui::Checkbox("Sync this library", &edit.enabled);
    fieldLabel("Server");
    ImGui::InputTextWithHint("##sync_url", "https://couch.example.com:6984", &edit.url);
    fieldLabel("Database");
    ImGui::InputTextWithHint("##sync_database", "kiln", &edit.database);
    fieldLabel("User");
    ImGui::InputTextWithHint("##sync_user", "none", &edit.user);
    // The password field belongs to the server's origin, as an API key does: what was typed stays
    // with the origin it was typed for, and the field takes the one kept for the new origin.
    const std::string origin = app::originOf(app, edit.url);
    const std::string before = app::originOf(app, ui.sync_edit_origin);
    if (origin != before) {
        if (!before.empty() && !edit.password.empty()) edit.passwords[before] = edit.password;
        const auto saved = edit.passwords.find(origin);
        edit.password = saved == edit.passwords.end() ? std::string() : saved->second;
    }
    ui.sync_edit_origin = edit.url;
    fieldLabel("Password");
    ImGui::InputTextWithHint("##sync_password", "none", &edit.password, ImGuiInputTextFlags_Password);
    const std::string problem = app::syncSettingsProblem(app, edit);
    if (!problem.empty() && !edit.url.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s", problem.c_str());
        ImGui::PopStyleColor();
    } else if (!origin.empty()) {
        const std::string where = "The password is kept in this browser for " + origin + ", and sent only there.";
        mutedWrapped(where.c_str());
    }
    ImGui::Spacing();
    drawTestResult(app, edit);
    drawLastPass(app);
    endDialogBody();
    ImGui::Separator();
    ImGui::BeginDisabled(!app.store || (edit.enabled && !problem.empty()));
    if (primaryButton("Save")) {
        app::saveSyncSettings(app, edit);
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace kiln::ui
