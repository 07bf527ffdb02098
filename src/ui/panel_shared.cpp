// The shared view (app/share.h): the app a share link carries, before anything of it is saved.
// Its header (the name, Save to my library, Close), its prompt and model; the preview and code
// panels show its app. While the link is being opened, or when it is refused, only that is said.
#include "ui/panels.h"

#include <imgui.h>

#include <algorithm>

#include "ui/widgets.h"

namespace kiln::ui {

void drawSharedHeader(app::App& app, UiState& ui, const Fonts& fonts, bool phone) {
    const app::SharedView& shared = *app.shared;
    // A new link shows its app: the preview, on a phone as on a desk.
    if (ui.shown_shared != shared.revision && shared.phase == app::SharedView::Phase::Ready) {
        ui.shown_shared = shared.revision;
        ui.view_tab = ViewTab::Preview;
        ui.phone_tab = PhoneTab::Preview;
    }
    const bool ready = shared.phase == app::SharedView::Phase::Ready;
    const char* title = ready                                             ? shared.app.name.c_str()
                        : shared.phase == app::SharedView::Phase::Opening ? "Opening a shared app…"
                                                                          : "This share link cannot be opened";
    if (!phone) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x);
        ImGui::PushFont(fonts.title);
        ImGui::TextUnformatted(title);
        ImGui::PopFont();
        ImGui::PopTextWrapPos();
    } else {
        ImGui::TextWrapped("%s", title);
    }
    if (shared.phase == app::SharedView::Phase::Refused) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s", shared.problem.c_str());
        ImGui::PopStyleColor();
    } else if (ready) {
        mutedWrapped(phone ? "Shared with you through a link: not in your library until you save it."
                           : "Shared with you through a link. It runs in the preview's sandbox, as your own apps "
                             "do; nothing of it is in your library until you save it.");
    }
    // Saving opens the new project the rest of this frame would draw: it waits for the frame's end.
    if (ready) {
        const bool writable = app.store && !app.store->readOnly();
        ImGui::BeginDisabled(!writable);
        if (primaryButton("Save to my library")) ui.deferred = [&app] { app::saveShared(app); };
        ImGui::EndDisabled();
        ImGui::SameLine();
    }
    if (ImGui::Button("Close")) ui.deferred = [&app] { app::closeShared(app); };
    ImGui::Spacing();
}

void drawSharedPrompt(const app::App& app) {
    const app::SharedApp& shared = app.shared->app;
    ImGui::TextUnformatted("Prompt");
    if (shared.prompt.empty()) {
        mutedWrapped("The link carries no prompt: this version was not written from one.");
    } else {
        ImGui::TextWrapped("%s", shared.prompt.c_str());
    }
    ImGui::Spacing();
    if (!shared.model.empty()) {
        ImGui::TextDisabled("Written by");
        ImGui::SameLine();
        ImGui::TextWrapped("%s", shared.model.c_str());
    }
}

}  // namespace kiln::ui
