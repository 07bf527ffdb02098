#include "ui/input_probe.h"

#include <imgui.h>

#include <cstdio>

namespace kiln::ui {

void drawInputProbe(InputProbe& probe) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const ImVec2 size(420.0f, 520.0f);
    ImGui::SetNextWindowPos(
        ImVec2(viewport->WorkPos.x + viewport->WorkSize.x - size.x - 16.0f, viewport->WorkPos.y + 16.0f));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("Input probe", nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
    ImGui::InputTextMultiline("Probe text", probe.text, sizeof probe.text, ImVec2(280.0f, 160.0f));
    if (ImGui::Button("Probe button")) ++probe.clicks;
    ImGui::BeginChild("Probe list", ImVec2(-1.0f, 0.0f), ImGuiChildFlags_Border);
    for (int line = 1; line <= 100; ++line) {
        char label[16];
        snprintf(label, sizeof label, "Line %d", line);
        if (ImGui::Selectable(label, probe.selected_line == line)) probe.selected_line = line;
    }
    probe.scroll_y = ImGui::GetScrollY();
    ImGui::EndChild();
    ImGui::End();
}

nlohmann::json inputProbeState(const InputProbe& probe) {
    return {{"text", probe.text},
            {"clicks", probe.clicks},
            {"selected_line", probe.selected_line},
            {"scroll_y", probe.scroll_y}};
}

}  // namespace kiln::ui
