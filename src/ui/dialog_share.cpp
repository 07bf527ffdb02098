// The Share link dialog (app/share.h): the link of a version while it is being made, then what
// it carries and who can read it, its size (with a warning past what some apps keep whole), the
// start of the link, Copy link and Close; or why there is no link.
#include "ui/panels.h"

#include <imgui.h>

#include <string>

#include "app/messages.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

constexpr char kTitle[] = "Share link";
// As much of the start of `link` as fits `width`, with "…" when it does not all fit. A link is
// ASCII: it can be cut anywhere.
std::string linkStart(const std::string& link, float width) {
    constexpr size_t kLongest = 160;  // more than any dialog shows
    if (link.size() <= kLongest && ImGui::CalcTextSize(link.c_str()).x <= width) return link;
    std::string start = link.substr(0, kLongest) + "…";
    while (start.size() > 4 && ImGui::CalcTextSize(start.c_str()).x > width) start.erase(start.size() - 4, 1);
    return start;
}

}  // namespace

void drawShareLinkPopup(app::App& app, UiState& ui, FrameOutput& out) {
    if (app.share_link && !ImGui::IsPopupOpen(kTitle)) {
        ImGui::OpenPopup(kTitle);
        ui.copied_at_ms = -1;
    }
    bool open = true;
    if (!beginDialog(kTitle, 480, &open)) {
        if (!open) app::closeShareLink(app);
        return;
    }
    if (!app.share_link) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    const app::ShareLink& share = *app.share_link;
    const std::string name = app.open ? app.open->project.name : "";
    if (!share.problem.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s", share.problem.c_str());
        ImGui::PopStyleColor();
    } else if (share.link.empty()) {
        ImGui::TextUnformatted("Making the link…");
    } else {
        ImGui::TextWrapped("A link to version %d of \"%s\".", share.version, name.c_str());
        mutedWrapped(
            "Anyone with the link can open this version: its code, prompt, model and project name travel inside the "
            "link itself, after the #, which browsers never send to a server. Nothing is uploaded.");
        if (share.edited) {
            mutedWrapped("Your unsaved edits in the code panel are not in it: save them as a version to share them.");
        }
        ImGui::Spacing();
        ImGui::TextDisabled("%s", linkStart(share.link, ImGui::GetContentRegionAvail().x).c_str());
        ImGui::Text("The link is %s long.", app::formatBytes(share.link.size()).c_str());
        if (share.link.size() > app::kShareLinkWarnBytes) {
            ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
            ImGui::TextWrapped(
                "This link is longer than 32 KB: some chat and mail apps cut long links. If it arrives cut, send "
                "the app as a file instead (Download, in the code panel).");
            ImGui::PopStyleColor();
        }
    }
    ImGui::Spacing();
    const int64_t now = app.clock_ms ? app.clock_ms() : 0;
    if (!share.link.empty()) {
        if (primaryButton("Copy link")) {
            ImGui::SetClipboardText(share.link.c_str());
            ui.copied_at_ms = now;
        }
        ImGui::SameLine();
    }
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        app::closeShareLink(app);
        ImGui::CloseCurrentPopup();
    } else {
        drawCopied(ui, now, out);
    }
    ImGui::EndPopup();
}

}  // namespace kiln::ui
