// The prompt box: the prompt, Send or Stop (with the countdown of a Retry-After), the keys that
// send, the endpoint that answers, and what the running or last generation is doing.
#include "ui/panels.h"

#include <imgui.h>
#include <imgui_internal.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <string>

#include "ui/code_editor.h"
#include "ui/icons.h"
#include "ui/test_locator.h"
#include "ui/widgets.h"
#include "ui/wrapped_text.h"

namespace kiln::ui {

namespace {

// Ctrl/Cmd+Enter sends too, also after a touch (a tablet with a keyboard).
bool sendShortcut() {
    const ImGuiIO& io = ImGui::GetIO();
    return (io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed(ImGuiKey_Enter, false);
}

// Whether the keys are a real keyboard's: not after a touch (a phone's on-screen keyboard, whose
// Enter adds a line, as people expect there; Send sends).
bool hasKeyboard() {
    return ImGui::GetIO().MouseSource != ImGuiMouseSource_TouchScreen;
}

// Enter in the prompt box sends it; Shift+Enter adds a line. Taken before the box sees it, which
// then lets go of the keys, as it does for Ctrl+Enter (a box still being edited would keep its
// text when its version clears it).
bool enterSends() {
    const ImGuiIO& io = ImGui::GetIO();
    if (!hasKeyboard() || io.KeyShift || ImGui::GetActiveID() != ImGui::GetID("##prompt")) return false;
    if (!takeKeyPress(ImGuiKey_Enter) && !takeKeyPress(ImGuiKey_KeypadEnter)) return false;
    ImGui::ClearActiveID();
    return true;
}

// Whether the draft of the open project's last generation can be continued: Continue is then the
// main action of the prompt panel.
bool continueOffered(const app::App& app) {
    return app.draft && app.draft->can_continue && (!app.open || app.generation.project_id == app.open->project.id);
}

// What the running or last generation of the open project is doing, its figures, and what to do
// with a draft; of another project's running generation, a line that says so.
void drawGeneration(app::App& app) {
    const app::Generation& generation = app.generation;
    if (app.open && generation.project_id != app.open->project.id) {
        if (generation.phase == app::GenerationPhase::Running) {
            mutedWrapped("Another project is writing its next version (marked in the project list).");
        }
        return;
    }
    const std::string stats = app::generationStatsLine(generation, app.clock_ms ? app.clock_ms() : 0);
    switch (generation.phase) {
        case app::GenerationPhase::Idle:
            return;
        case app::GenerationPhase::Running:
            if (generation.whole_file_retry) {
                ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
                ImGui::TextWrapped("The edits did not apply (%s) Asking for the whole file instead…",
                                   generation.retry_reason.c_str());
                ImGui::PopStyleColor();
            } else {
                ImGui::TextUnformatted(generation.earlier_answer.empty() ? "Writing the app…" : "Continuing…");
            }
            break;
        case app::GenerationPhase::Finished: {
            std::string done = "Made version " + std::to_string(generation.new_version) + ".";
            ImGui::TextUnformatted(done.c_str());
            break;
        }
        case app::GenerationPhase::Failed:
        case app::GenerationPhase::Stopped:
        case app::GenerationPhase::Truncated:
            ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
            ImGui::TextWrapped("%s", generation.message.c_str());
            ImGui::PopStyleColor();
            break;
    }
    if (!stats.empty()) mutedWrapped(stats.c_str());
    if (!app.draft) return;
    if (continueOffered(app)) {
        if (primaryButton("Continue")) app::continueDraft(app);
        sameLineIfFits(buttonWidth("Keep draft"));
    }
    if (ImGui::Button("Keep draft")) app::keepDraft(app);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Save what arrived as a new version, as it is.");
    sameLineIfFits(buttonWidth("Discard draft"));
    if (ImGui::Button("Discard draft")) app::discardDraft(app);
}

}  // namespace

// Under the prompt: Send (counting down while the endpoint asked to wait), the keys that send,
// and the endpoint that answers.
void drawPromptBox(app::App& app, UiState& ui, FrameOutput& out) {
    const bool running = app.generation.phase == app::GenerationPhase::Running;
    // Stop is offered where the generation runs; elsewhere Send waits for it to end.
    const bool running_here = running && (!app.open || app.generation.project_id == app.open->project.id);
    ImGui::TextUnformatted(app.open && app.open->selected > 0 ? "What should change?" : "What should it be?");
    // Three lines to start with, growing with what is typed up to nearly half the panel.
    const float padding_y = 2 * ImGui::GetStyle().FramePadding.y;
    const float min_height = ImGui::GetTextLineHeight() * 3 + padding_y;
    const float max_height =
        std::max(ImGui::GetTextLineHeight() * 6 + padding_y, ImGui::GetContentRegionAvail().y * 0.45f);
    ImVec2 top_left = ImGui::GetCursorScreenPos();
    bool send = enterSends();
    send = inputTextWrapped("##prompt", &app.prompt, ui.prompt_box, -1, min_height, max_height,
                            ImGuiInputTextFlags_EnterReturnsTrue) ||
           send;
    send = send || (ImGui::IsItemFocused() && sendShortcut());
    // What is typed is kept with its project as it is typed, and at once when the box is left.
    if (const int64_t due = app::keepPrompt(app, ImGui::IsItemDeactivatedAfterEdit()); due > 0) {
        out.redrawIn(static_cast<double>(due));
    }
    if (app.prompt.empty() && !ImGui::IsItemActive()) {
        // The example wraps inside the box, as what is typed there does.
        const ImVec2 padding = ImGui::GetStyle().FramePadding;
        const float wrap = ImGui::GetItemRectSize().x - 2 * padding.x - ImGui::GetStyle().ScrollbarSize;
        ImGui::GetWindowDrawList()->AddText(
            ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(top_left.x + padding.x, top_left.y + padding.y),
            ImGui::GetColorU32(ImGuiCol_TextDisabled), "A pomodoro timer with a dark theme…", nullptr, wrap);
    }
    if (running_here) {
        if (ImGui::Button(KILN_ICON_STOP " Stop")) app::stopGeneration(app);
    } else {
        const app::RetryWait wait = app::retryWait(app, app.clock_ms ? app.clock_ms() : 0);
        const std::string label = wait.seconds > 0
                                      ? KILN_ICON_SEND " Send (" + std::to_string(wait.seconds) + " s)###Send"
                                      : std::string(KILN_ICON_SEND " Send###Send");
        out.redrawIn(static_cast<double>(wait.next_change_ms));
        ImGui::BeginDisabled(app.prompt.empty() || wait.seconds > 0 || running);
        send = (continueOffered(app) ? ImGui::Button(label.c_str()) : primaryButton(label.c_str())) || send;
        ImGui::EndDisabled();
    }
    if (hasKeyboard()) {
        // Beside Send where it fits, else on lines of its own.
        const char* keys = "Enter sends, Shift+Enter adds a line";
        if (fitsBeside(ImGui::CalcTextSize(keys).x)) {
            ImGui::SameLine();
            ImGui::AlignTextToFramePadding();
            ImGui::TextDisabled("%s", keys);
        } else {
            mutedWrapped(keys);
        }
        locateLastItem("##send keys");
    }
    const std::string endpoint = app.settings.saved ? app.settings.endpoint.model + " · " + app.settings.endpoint.label
                                                    : std::string("Set up a model endpoint in Settings first.");
    mutedWrapped(endpoint.c_str());
    locateLastItem("##endpoint note");
    if (send && !running) app::sendPrompt(app);
    drawGeneration(app);
}

}  // namespace kiln::ui
