#include "ui/home.h"

#include <imgui.h>

#include <algorithm>

namespace kiln::ui {

namespace {

constexpr float kColumnWidth = 640.0f;

void labelValue(const char* label, const std::string& value) {
    ImGui::TextDisabled("%s", label);
    ImGui::SameLine(140.0f);
    ImGui::TextUnformatted(value.c_str());
}

void drawError(app::App& app) {
    if (app.error.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.55f, 0.12f, 0.10f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.95f, 0.93f, 1.0f));
    ImGui::BeginChild("error", ImVec2(0, 0), ImGuiChildFlags_AutoResizeY | ImGuiChildFlags_AlwaysUseWindowPadding);
    ImGui::TextWrapped("%s", app.error.c_str());
    if (ImGui::SmallButton("Dismiss")) app::dismissError(app);
    ImGui::EndChild();
    ImGui::PopStyleColor(2);
}

void drawProjects(app::App& app) {
    if (app.projects.empty()) {
        ImGui::TextDisabled("No projects yet. Start one with New project.");
        return;
    }
    for (const store::ProjectSummary& item : app.projects) {
        ImGui::PushID(item.project.public_id.c_str());
        ImGui::Selectable(item.project.name.c_str(), false, ImGuiSelectableFlags_AllowOverlap);
        char count[32];
        snprintf(count, sizeof count, "%d version%s", item.version_count, item.version_count == 1 ? "" : "s");
        ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::CalcTextSize(count).x);
        ImGui::TextDisabled("%s", count);
        ImGui::PopID();
    }
}

}  // namespace

void drawHome(app::App& app, const Fonts& fonts) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("Kiln", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);

    // One centred column, as wide as a comfortable line of text.
    const float width = std::min(kColumnWidth, ImGui::GetContentRegionAvail().x);
    ImGui::SetCursorPosX((ImGui::GetWindowWidth() - width) * 0.5f);
    ImGui::BeginChild("column", ImVec2(width, 0), ImGuiChildFlags_None, ImGuiWindowFlags_NoBackground);
    ImGui::Dummy(ImVec2(0, 24.0f));

    ImGui::PushFont(fonts.title);
    ImGui::TextUnformatted("Kiln");
    ImGui::PopFont();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Describe an app; get a working single-file web app beside your prompt, kept version by version.");
    ImGui::PopStyleColor();
    ImGui::Dummy(ImVec2(0, 8));
    drawError(app);

    const store::SchemaStatus* status = app.store ? &app.store->schemaStatus() : nullptr;
    labelValue("SQLite", store::Database::libraryVersion());
    labelValue("Schema", status ? "version " + std::to_string(status->schema_version) : "not open");
    labelValue("Storage", app.storage_label);
    if (status && status->read_only) ImGui::TextWrapped("%s", status->message.c_str());

    ImGui::Dummy(ImVec2(0, 8));
    ImGui::Separator();
    ImGui::Dummy(ImVec2(0, 4));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Projects");
    const float button_width = ImGui::CalcTextSize("New project").x + ImGui::GetStyle().FramePadding.x * 4;
    ImGui::SameLine(ImGui::GetContentRegionMax().x - button_width);
    ImGui::BeginDisabled(!app.store || app.store->readOnly());
    if (ImGui::Button("New project", ImVec2(button_width, 0))) app::newProject(app);
    ImGui::EndDisabled();
    ImGui::Dummy(ImVec2(0, 4));
    drawProjects(app);

    ImGui::EndChild();
    ImGui::End();
}

}  // namespace kiln::ui
