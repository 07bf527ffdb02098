// The open project's header: its name in the title font, with Rename and Delete beside it.
#include "ui/panels.h"

#include <imgui.h>

#include <algorithm>

#include "ui/widgets.h"

namespace kiln::ui {

void drawHeader(app::App& app, UiState& ui, const Fonts& fonts) {
    app::OpenProject& open = *app.open;
    // A long name wraps, leaving room for the buttons on its first line.
    const float buttons = buttonWidth("Rename") + buttonWidth("Delete") + ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::PushTextWrapPos(std::max(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - buttons,
                                    ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x * 0.5f));
    ImGui::PushFont(fonts.title);
    ImGui::TextUnformatted(open.project.name.c_str());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    // The small buttons sit centred on the title's first line (SameLine puts each at its top).
    const float offset = (fonts.title->FontSize * fonts.title->Scale - ImGui::GetFontSize()) / 2;
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    if (ImGui::SmallButton("Rename")) beginRename(ui, open.project);
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + offset);
    // Deleting closes the project the rest of this frame draws, so it waits for the frame's end.
    if (ImGui::SmallButton("Delete")) ui.deferred = [&app, id = open.project.id] { app::deleteProject(app, id); };
}

}  // namespace kiln::ui
