// The preview panel: the Network switch, Open in new tab, Share link, the preview guard's messages
// (Stop, Run it, Show the code), how a Fix went, what a blank app with errors shows, the place
// where the page puts the app's frame, and the console below it. It shows the open project's
// selected version, or the shared app of the shared view (app::previewSubject).
#include "ui/panels.h"

#include <imgui.h>

#include <optional>
#include <string>

#include "ui/icons.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

constexpr char kOpenTab[] = KILN_ICON_OPEN_TAB " Open in new tab";
constexpr char kShareLink[] = KILN_ICON_LINK " Share link";

}  // namespace

PreviewPlacement drawPreview(app::App& app, UiState& ui, FrameOutput& out) {
    PreviewPlacement placement;
    const app::PreviewSubject subject = app::previewSubject(app);
    if (!subject.code) {
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
        sameLineIfFits(buttonWidth(kOpenTab));
        if (compactButton(kOpenTab)) {
            out.tab_code = subject.code;
            out.tab_network = network;
            out.tab_title = app.shared ? app.shared->app.name : app.open->project.name;
            out.tab_data = app::previewAppData(app);
        }
    }
    // A shared app is shared already; a project's version gets its link in the Share link dialog.
    if (!app.shared) {
        sameLineIfFits(buttonWidth(kShareLink));
        if (compactButton(kShareLink)) app::shareVersion(app);
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
        // What it reported (a Held version's last run) may say why it stopped, and where.
        ImGui::Spacing();
        const float available = ImGui::GetContentRegionAvail().y;
        if (consoleHeight(app, ui, available) > 0) drawConsole(app, ui, available);
        return placement;
    }
    // Said above the app's frame, which would cover anything drawn behind it.
    if (const std::optional<app::FixReport> fix = app::fixReport(app)) {
        ImGui::PushStyleColor(ImGuiCol_Text, fix->still.empty() ? ImGui::GetStyle().Colors[ImGuiCol_Text] : kWarning);
        ImGui::TextWrapped("%s", app::fixReportMessage(*fix).c_str());
        ImGui::PopStyleColor();
    }
    if (!app.auto_fix_note.empty() && app.fix && app.open && app.fix->project_id == app.open->project.id) {
        mutedWrapped(app.auto_fix_note.c_str());
    }
    if (const std::string blank = app::blankAppMessage(app.console); !blank.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s", blank.c_str());
        ImGui::PopStyleColor();
        drawFixButton(app);
        sameLineIfFits(buttonWidth("Show the console"));
        if (!ui.console_open && compactButton("Show the console")) ui.console_open = true;
        for (const app::ConsoleEntry& entry : app.console.entries) {
            if (entry.level != app::ConsoleLevel::Error) continue;
            if (entry.line > 0) {
                const std::string label = "Show line " + std::to_string(entry.line);
                sameLineIfFits(buttonWidth(label.c_str()));
                if (compactButton(label.c_str())) showCodeAt(ui, entry);
            }
            break;
        }
    }
    ImVec2 position = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::GetContentRegionAvail();
    const float console = consoleHeight(app, ui, size.y);
    size.y -= console;
    ImGui::Dummy(size);
    if (console > 0) drawConsole(app, ui, console);
    placement.visible = size.x > 1 && size.y > 1;
    placement.x = position.x;
    placement.y = position.y;
    placement.w = size.x;
    placement.h = size.y;
    placement.revision = app.preview.serial;
    placement.code = subject.code;
    placement.data = &app.app_data.run_data;
    placement.network = network;
    return placement;
}

}  // namespace kiln::ui
