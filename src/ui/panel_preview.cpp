// The preview panel: the Network switch, Open in new tab, the preview guard's messages (Stop, Run
// it, Show the code), and the place where the page puts the app's frame.
#include "ui/panels.h"

#include <imgui.h>

#include "ui/widgets.h"

namespace kiln::ui {

// The preview panel: the Network switch, Open in new tab, the guard's messages (preview_guard.h),
// and the place of the app's frame below them.
PreviewPlacement drawPreview(app::App& app, UiState& ui, FrameOutput& out) {
    PreviewPlacement placement;
    const app::OpenProject& open = *app.open;
    if (open.code.empty() || open.selected == 0) {
        mutedWrapped("Nothing to preview yet: send a prompt to make the first version.");
        return placement;
    }
    const app::PreviewRun run = app::syncPreview(app);
    bool network = app::previewNetwork(app);
    if (ImGui::Checkbox("Network", &network)) app::setPreviewNetwork(app, network);
    // Said beside the switch, not in a tooltip: the app's frame would cover a tooltip.
    ImGui::SameLine();
    ImGui::TextDisabled("%s", network ? "The app may use the network."
                                      : "Offline: the app can send, load or open nothing outside itself.");
    // Not for an app the guard holds back: a tab would run it anyway.
    const bool held = run == app::PreviewRun::Held || run == app::PreviewRun::Stopped;
    if (!held) {
        sameLineIfFits(buttonWidth("Open in new tab"));
        if (ImGui::SmallButton("Open in new tab")) out.open_app_tab = true;
    }
    if (run == app::PreviewRun::Unresponsive) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("The app is not responding.");
        ImGui::SameLine();
        if (ImGui::Button("Stop")) app::stopPreview(app);
    }
    if (held) {
        placement.stop = true;
        ImGui::Spacing();
        ImGui::TextWrapped("%s", run == app::PreviewRun::Held
                                     ? "This app stopped responding last time, so Kiln did not start it."
                                     : "The app was stopped: it did not respond.");
        mutedWrapped("Running it again may make this tab slow until you stop it; the code can be fixed first.");
        if (ImGui::Button("Run it")) app::runHeldPreview(app);
        ImGui::SameLine();
        if (ImGui::Button("Show the code")) {
            ui.view_tab = ViewTab::Code;
            ui.phone_tab = PhoneTab::Code;
            ui.phone_code_view = CodeView::Code;
        }
        return placement;
    }
    ImVec2 position = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::GetContentRegionAvail();
    ImGui::Dummy(size);
    placement.visible = size.x > 1 && size.y > 1;
    placement.x = position.x;
    placement.y = position.y;
    placement.w = size.x;
    placement.h = size.y;
    placement.revision = app.preview.serial;
    placement.code = &open.stored_code;
    placement.network = network;
    return placement;
}

}  // namespace kiln::ui
