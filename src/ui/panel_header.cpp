// The open project's header: its name in the title font, on one line, with Rename, Export and
// Delete beside it.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>

#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

// On a phone the buttons are their icons alone, leaving the name its room.
const char* renameLabel(bool phone) {
    return phone ? KILN_ICON_EDIT "##Rename" : KILN_ICON_EDIT " Rename";
}
const char* exportLabel(bool phone) {
    return phone ? KILN_ICON_DOWNLOAD "##Export" : KILN_ICON_DOWNLOAD " Export";
}
const char* deleteLabel(bool phone) {
    return phone ? KILN_ICON_DELETE "##Delete" : KILN_ICON_DELETE " Delete";
}

}  // namespace

void drawHeader(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out) {
    app::OpenProject& open = *app.open;
    // The name takes one line, leaving room for the buttons; a name cut short reads whole on hover.
    const bool phone = phoneLayout();
    const float avail = ImGui::GetContentRegionAvail().x;
    const float buttons = buttonWidth(renameLabel(phone)) + buttonWidth(exportLabel(phone)) +
                          buttonWidth(deleteLabel(phone)) + ImGui::GetStyle().ItemSpacing.x * 3;
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
    // The buttons sit centred on the title's line (SameLine puts each at its top).
    const float button_height = phone ? ImGui::GetFrameHeight() : ImGui::GetFontSize();
    const float offset = (text.y - button_height) / 2;
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    if (compactButton(renameLabel(phone))) beginRename(ui, open.project);
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    if (compactButton(exportLabel(phone))) out.export_projects = {open.project.id};
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    // Deleting closes the project the rest of this frame draws, so it waits for the frame's end.
    if (compactButton(deleteLabel(phone))) ui.deferred = [&app, id = open.project.id] { app::deleteProject(app, id); };
}

}  // namespace kiln::ui
