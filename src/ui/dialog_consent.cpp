// The consent dialog: a page that embeds Kiln asks to generate with the user's endpoint; Allow
// once, Always or Deny.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <optional>
#include <string>

#include "app/embed_api.h"
#include "ui/widgets.h"

namespace kiln::ui {

// The embedding page asks to send a prompt with the user's endpoint: only a click here allows it.
// While the browser reports Kiln's frame hidden or covered, and for the first kConsentArmMs of the
// dialog (or of Kiln's frame seen again), the Allow buttons stay disabled; a frame is asked for
// when they arm, so they enable without any input.
void drawConsentPopup(app::App& app, FrameOutput& out) {
    constexpr const char* kTitle = "Generate with your endpoint?###consent";
    if (app.embed.pending && !ImGui::IsPopupOpen(kTitle)) ImGui::OpenPopup(kTitle);
    bool open = true;
    if (!beginDialog(kTitle, 480, &open)) {
        if (!open) app::answerConsent(app, app::ConsentChoice::Deny);  // the close control denies
        return;
    }
    if (!app.embed.pending) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    const app::ConsentRequest& asked = *app.embed.pending;
    ImGui::TextWrapped("%s wants to generate with your endpoint:", asked.origin.c_str());
    const std::string shown = asked.text.size() > 600 ? asked.text.substr(0, 600) + "…" : asked.text;
    ImGui::Indent();
    ImGui::TextWrapped("%s", shown.c_str());
    ImGui::Unindent();
    mutedWrapped(
        "Each prompt it sends uses your model endpoint and API key, as your own Send does. "
        "\"Always\" can be revoked in Settings.");
    const bool can_allow = app::consentCanAllow(app);
    const int64_t arms_in_ms = app::consentArmsInMs(app);
    out.redrawIn(static_cast<double>(arms_in_ms));
    if (arms_in_ms < 0) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("Kiln is hidden or covered on this page: scroll it fully into view to allow.");
        ImGui::PopStyleColor();
    }
    ImGui::Separator();
    std::optional<app::ConsentChoice> choice;
    // The Allow buttons take a click only: out of keyboard navigation, so that Space or Enter
    // typed into the prompt box as the dialog opens cannot allow. The keyboard's default is Deny.
    ImGui::BeginDisabled(!can_allow);
    ImGui::PushItemFlag(ImGuiItemFlags_NoNav, true);
    if (ImGui::Button("Allow once")) choice = app::ConsentChoice::AllowOnce;
    ImGui::SameLine();
    if (ImGui::Button("Always")) choice = app::ConsentChoice::Always;
    ImGui::PopItemFlag();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Deny") || ImGui::IsKeyPressed(ImGuiKey_Escape)) choice = app::ConsentChoice::Deny;
    ImGui::SetItemDefaultFocus();
    if (choice) {
        app::answerConsent(app, *choice);
        if (!app.embed.pending) ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace kiln::ui
