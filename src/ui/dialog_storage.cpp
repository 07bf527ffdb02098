// The Storage dialog: where projects are kept, the saved state, how sync goes (and Sync settings),
// the space used, Export database (with or without API keys), Import database, and some projects
// chosen to export as a file.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <string>

#include "app/messages.h"
#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

// The live projects as rows to tick, and a button that
// exports the chosen ones as one file (exportProjects). Shown when opened: closed, it is one line.
void drawProjectChoice(app::App& app, UiState& ui, FrameOutput& out) {
    if (app.projects.empty() || !ImGui::CollapsingHeader("Export some projects")) return;
    // Chosen by public id: row ids change when the library is replaced (here or in another tab).
    std::vector<std::string>& chosen = ui.export_chosen;
    const auto listed = [&app](const std::string& public_id) {
        return std::any_of(app.projects.begin(), app.projects.end(), [&](const store::ProjectSummary& summary) {
            return summary.project.public_id == public_id;
        });
    };
    // A project that went away (deleted, or another tab's change) is no longer chosen.
    chosen.erase(std::remove_if(chosen.begin(), chosen.end(), [&](const std::string& id) { return !listed(id); }),
                 chosen.end());
    // A row: a box to tick and the name beside it, which ticks it too.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float row_height = ImGui::GetFrameHeight();
    const float rows = static_cast<float>(std::min<size_t>(app.projects.size(), 6));
    ImGui::BeginChild("##projects to export", ImVec2(0, rows * (row_height + style.ItemSpacing.y)));
    std::vector<int64_t> export_ids;
    for (const store::ProjectSummary& summary : app.projects) {
        const store::Project& project = summary.project;
        const auto at = std::find(chosen.begin(), chosen.end(), project.public_id);
        bool is_chosen = at != chosen.end();
        if (is_chosen) export_ids.push_back(project.id);
        ImGui::PushID(project.public_id.c_str());
        const float top = ImGui::GetCursorPosY();
        bool toggled = ImGui::Checkbox("##chosen", &is_chosen);
        ImGui::SameLine();
        // Level with the box: on the line of a framed item, ImGui puts text one frame padding lower.
        ImGui::SetCursorPosY(top - style.FramePadding.y);
        // The selectable keeps the name as its label (for the test locator) but shows nothing: the
        // name is drawn whole below ("##" in it is text), cut short where the row ends.
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
        toggled |=
            ImGui::Selectable(project.name.c_str(), false, ImGuiSelectableFlags_DontClosePopups, ImVec2(0, row_height));
        ImGui::PopStyleColor();
        const ImVec2 min = ImGui::GetItemRectMin();
        const ImVec2 max = ImGui::GetItemRectMax();
        // (The selectable reaches past the list's edge: the name ends where the list shows it.)
        const float right = std::min(max.x, ImGui::GetWindowDrawList()->GetClipRectMax().x);
        const float text_y = (min.y + max.y - ImGui::GetTextLineHeight()) / 2;
        const char* name = project.name.c_str();
        ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), ImVec2(min.x + style.ItemSpacing.x / 2, text_y),
                                  ImVec2(right, text_y + ImGui::GetTextLineHeight()), right, right, name,
                                  name + project.name.size(), nullptr);
        ImGui::PopID();
        if (!toggled) continue;
        if (at != chosen.end()) {
            chosen.erase(at);
        } else {
            chosen.push_back(project.public_id);
        }
    }
    ImGui::EndChild();
    const std::string button =
        chosen.size() == 1 ? std::string("Export 1 project") : "Export " + std::to_string(chosen.size()) + " projects";
    ImGui::BeginDisabled(chosen.empty());
    if (ImGui::Button((button + "###Export chosen").c_str())) out.export_projects = export_ids;
    ImGui::EndDisabled();
    mutedWrapped(
        "A file of projects holds them with their versions and App data, and no settings or keys. "
        "Importing it adds them to a library.");
}

}  // namespace

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
    // Sync: how it goes, and its dialog (which, on a phone, only this reaches).
    const std::string sync = app::syncStatusText(app);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(sync.empty() ? "Sync is off." : sync.c_str());
    sameLineIfFits(buttonWidth(KILN_ICON_SYNC " Sync settings"));
    if (ImGui::Button(KILN_ICON_SYNC " Sync settings")) {
        ImGui::CloseCurrentPopup();
        ui.open_next = Dialog::Sync;
    }
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
    drawProjectChoice(app, ui, out);
    ImGui::Spacing();
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace kiln::ui
