// The red banner over the open project (or the welcome) that shows app.error, its details and
// Dismiss.
#include "ui/panels.h"

#include <imgui.h>

#include "ui/widgets.h"

namespace kiln::ui {

void drawErrorBanner(app::App& app) {
    if (app.error.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.62f, 0.16f, 0.12f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.96f, 0.94f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1.0f, 1.0f, 1.0f, 0.18f));
    // The Details toggle, hovered or held: the theme's light header colours would hide its white
    // label on the red banner.
    ImGui::PushStyleColor(ImGuiCol_HeaderHovered, ImVec4(1.0f, 1.0f, 1.0f, 0.18f));
    ImGui::PushStyleColor(ImGuiCol_HeaderActive, ImVec4(1.0f, 1.0f, 1.0f, 0.28f));
    ImGui::BeginChild("error", ImVec2(0, 0), ImGuiChildFlags_AutoResizeY | ImGuiChildFlags_AlwaysUseWindowPadding);
    ImGui::TextWrapped("%s", app.error.c_str());
    if (!app.error_detail.empty() && ImGui::TreeNode("Details")) {
        ImGui::TextWrapped("%s", app.error_detail.c_str());
        ImGui::TreePop();
    }
    if (compactButton("Dismiss")) app::dismissError(app);
    ImGui::EndChild();
    ImGui::PopStyleColor(5);
}

}  // namespace kiln::ui
