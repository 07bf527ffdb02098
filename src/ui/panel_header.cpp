// The open project's header: its name in the title font, on one line, with Rename and Delete
// beside it.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>

#include "ui/widgets.h"

namespace kiln::ui {

void drawHeader(app::App& app, UiState& ui, const Fonts& fonts) {
    app::OpenProject& open = *app.open;
    // The name takes one line, leaving room for the buttons; a name cut short reads whole on hover.
    const float avail = ImGui::GetContentRegionAvail().x;
    const float buttons = buttonWidth("Rename") + buttonWidth("Delete") + ImGui::GetStyle().ItemSpacing.x * 2;
    const float width = std::max(avail - buttons, avail * 0.5f);
    const char* name = open.project.name.c_str();
    ImGui::PushFont(fonts.title);
    const ImVec2 text = ImGui::CalcTextSize(name);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(std::min(text.x, width), text.y));
    ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), at, ImVec2(at.x + width, at.y + text.y), at.x + width,
                              at.x + width, name, nullptr, &text);
    ImGui::PopFont();
    if (text.x > width && ImGui::IsItemHovered(ImGuiHoveredFlags_DelayNormal)) ImGui::SetTooltip("%s", name);
    // The small buttons sit centred on the title's line (SameLine puts each at its top).
    const float offset = (fonts.title->FontSize * fonts.title->Scale - ImGui::GetFontSize()) / 2;
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    if (compactButton("Rename")) beginRename(ui, open.project);
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    // Deleting closes the project the rest of this frame draws, so it waits for the frame's end.
    if (compactButton("Delete")) ui.deferred = [&app, id = open.project.id] { app::deleteProject(app, id); };
}

}  // namespace kiln::ui
