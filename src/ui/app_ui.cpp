// Index
//   Views        which view follows a generation; Preview, Code, Changes and App data as tabs
//   Layouts      desktop (sidebar | prompt and versions | preview and code), phone (tabs); the
//                shared view in either, in place of the open project
//   Caret        the field being typed into stays in view when the window gets shorter
//   drawApp      the frame: the layout, the status bar, the dialogs, the deferred action
// Each panel, dialog and banner is drawn by its own file (ui/panels.h says which).
#include "ui/app_ui.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "ui/changes_view.h"
#include "ui/panels.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

// Shows the code while a generation of the open project streams it, and the preview once it made
// a version (on a phone too, from the Prompt or Code tab).
void followGeneration(app::App& app, UiState& ui) {
    const app::GenerationPhase phase = app.generation.phase;
    if (phase == ui.shown_phase) return;
    const bool shown = app.open && app.open->project.id == app.generation.project_id;
    if (phase == app::GenerationPhase::Running && shown) {
        ui.view_tab = ViewTab::Code;
        ui.phone_code_view = CodeView::Code;
        ui.follow_stream = true;
        if (ui.phone_tab == PhoneTab::Preview) ui.phone_tab = PhoneTab::Code;
    } else if (ui.shown_phase == app::GenerationPhase::Running) {
        markCodeEditorTextChanged(ui.code_editor);
        if (phase == app::GenerationPhase::Finished && shown) {
            ui.view_tab = ViewTab::Preview;
            if (ui.phone_tab == PhoneTab::Prompt || ui.phone_tab == PhoneTab::Code) ui.phone_tab = PhoneTab::Preview;
        }
    }
    ui.shown_phase = phase;
}

// A shared view whose link's app is shown (not one being opened or refused).
bool sharedReady(const app::App& app) {
    return app.shared && app.shared->phase == app::SharedView::Phase::Ready;
}

// A shared app has no versions to compare and no data of the user's: no Changes or App data tab.
void drawPreviewAndCode(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out) {
    const bool shared = app.shared.has_value();
    const char* labels[] = {"Preview", !shared && app::codeEdited(app) ? "Code •###Code" : "Code###Code", "Changes",
                            "App data"};
    if (shared && ui.view_tab != ViewTab::Code) ui.view_tab = ViewTab::Preview;
    ui.view_tab = tabRow(labels, shared ? 2 : 4, ui.view_tab, false);
    if (ui.view_tab == ViewTab::Preview) {
        out.preview = drawPreview(app, ui, out);
    } else if (ui.view_tab == ViewTab::Code) {
        drawCode(app, ui, fonts, out);
    } else if (ui.view_tab == ViewTab::Changes) {
        drawChanges(app, fonts, ui.dark);
    } else {
        drawAppData(app);
    }
}

// ---------------------------------------------------------------------------------------------
// Layouts
// ---------------------------------------------------------------------------------------------

void drawDesktop(app::App& app, UiState& ui, const Fonts& fonts, float body_height, FrameOutput& out) {
    const float total = ImGui::GetContentRegionAvail().x;
    ImGui::BeginChild("sidebar", ImVec2(ui.sidebar_width, body_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    drawSidebar(app, ui, fonts, false);
    ImGui::EndChild();
    verticalSplitter("##sidebar splitter", ui.sidebar_width, 180.0f, total * 0.4f, body_height);

    ImGui::BeginChild("main", ImVec2(0, body_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    drawErrorBanner(app);
    if (app.shared) {
        drawSharedHeader(app, ui, fonts, false);
    } else if (app.open) {
        drawHeader(app, ui, fonts);
    } else {
        drawWelcome(app, ui, fonts, false);
    }
    if (sharedReady(app) || (app.open && !app.shared)) {
        const float height = ImGui::GetContentRegionAvail().y;
        const float main_width = ImGui::GetContentRegionAvail().x;
        ImGui::BeginChild("prompt and versions", ImVec2(ui.prompt_width, height));
        if (app.shared) {
            drawSharedPrompt(app);
        } else {
            drawPromptBox(app, ui, out);
            ImGui::Spacing();
            drawVersions(app, ui);
        }
        ImGui::EndChild();
        verticalSplitter("##prompt splitter", ui.prompt_width, 240.0f, main_width - 280.0f, height);
        ImGui::BeginChild("views", ImVec2(0, height));
        drawPreviewAndCode(app, ui, fonts, out);
        ImGui::EndChild();
    }
    ImGui::EndChild();
}

// A tab of the phone layout in the shared view.
void drawSharedPhoneTab(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out) {
    if (ui.phone_tab == PhoneTab::Prompt) {
        drawSharedPrompt(app);
    } else if (ui.phone_tab == PhoneTab::Code) {
        drawCode(app, ui, fonts, out);
    } else if (ui.phone_tab == PhoneTab::Preview) {
        out.preview = drawPreview(app, ui, out);
    } else {
        mutedWrapped(
            "A shared app has no versions here: saved to your library, it becomes version 1 of a new project.");
    }
}

void drawPhone(app::App& app, UiState& ui, const Fonts& fonts, float body_height, FrameOutput& out) {
    ImGui::BeginChild("phone", ImVec2(0, body_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    drawErrorBanner(app);
    drawMessages(app, ui, out, false);
    // A shared app's header stays above the tabs: Save and Close are at hand from each.
    if (app.shared) drawSharedHeader(app, ui, fonts, true);
    static const char* kTabs[] = {"Projects", "Prompt", "Code", "Preview", "Versions"};
    ui.phone_tab = tabRow(kTabs, 5, ui.phone_tab, true);
    if (ui.phone_tab == PhoneTab::Projects) {
        drawSidebar(app, ui, fonts, true);
    } else if (app.shared) {
        if (sharedReady(app)) drawSharedPhoneTab(app, ui, fonts, out);  // else the header says it all
    } else if (!app.open) {
        drawWelcome(app, ui, fonts, true);
    } else if (ui.phone_tab == PhoneTab::Prompt) {
        drawHeader(app, ui, fonts);
        drawPromptBox(app, ui, out);
    } else if (ui.phone_tab == PhoneTab::Code) {
        const char* labels[] = {app::codeEdited(app) ? "Code •###Code" : "Code###Code", "Changes", "App data"};
        ui.phone_code_view = tabRow(labels, 3, ui.phone_code_view, false);
        if (ui.phone_code_view == CodeView::Code) {
            drawCode(app, ui, fonts, out);
        } else if (ui.phone_code_view == CodeView::Changes) {
            drawChanges(app, fonts, ui.dark);
        } else {
            drawAppData(app);
        }
    } else if (ui.phone_tab == PhoneTab::Preview) {
        out.preview = drawPreview(app, ui, out);
    } else {
        drawVersions(app, ui);
    }
    ImGui::EndChild();
}

bool anyPopupOpen() {
    return ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
}

// ---------------------------------------------------------------------------------------------
// Caret
// ---------------------------------------------------------------------------------------------

// When the window got shorter (a phone's on-screen keyboard opened over the page, web/js/input.js)
// and the text caret is now below what a window shows, that window scrolls to show it again.
void keepCaretInView(UiState& ui, FrameOutput& out) {
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    const float height = ImGui::GetMainViewport()->WorkSize.y;
    const bool shorter = height < ui.window_height;
    ui.window_height = height;
    const ImGuiPlatformImeData& caret = g.PlatformImeData;
    if (!shorter || !caret.WantVisible) return;
    const float bottom = caret.InputPos.y + caret.InputLineHeight + ImGui::GetStyle().ItemSpacing.y;
    for (ImGuiWindow* window = g.ActiveIdWindow; window; window = window->ParentWindow) {
        const float hidden = bottom - window->InnerClipRect.Max.y;
        if (hidden <= 0 || window->ScrollMax.y <= window->Scroll.y) continue;
        ImGui::SetScrollY(window, std::min(window->ScrollMax.y, window->Scroll.y + hidden));
        out.redrawIn(1);  // the scroll applies in the next frame
        return;
    }
}

}  // namespace

FrameOutput drawApp(app::App& app, UiState& ui, const Fonts& fonts) {
    FrameOutput out;
    app::syncPrompt(app);  // the box shows the text of what is open
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("Kiln", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PopStyleVar();

    // On a phone every button, field and tab is a touch target: kTouchTarget tall.
    const bool phone = phoneLayout();
    if (phone) {
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                            ImVec2(ImGui::GetStyle().FramePadding.x, (kTouchTarget - ImGui::GetFontSize()) / 2));
    }
    const float status_height = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y * 2;
    const float body_height = ImGui::GetContentRegionAvail().y - status_height;
    followGeneration(app, ui);
    if (phone) {
        drawPhone(app, ui, fonts, body_height, out);
    } else {
        drawDesktop(app, ui, fonts, body_height, out);
    }
    drawStatusBar(app, ui, out, phone);

    drawRenamePopup(app, ui);
    drawStoragePopup(app, ui, out);
    drawSettingsPopup(app, ui);
    drawConsentPopup(app, out);
    drawImportPopup(app);
    drawShareLinkPopup(app, ui, out);
    if (anyPopupOpen()) out.preview.visible = false;
    keepCaretInView(ui, out);
    if (phone) ImGui::PopStyleVar();
    ImGui::End();
    if (ui.deferred) {
        std::function<void()> action = std::move(ui.deferred);
        ui.deferred = nullptr;
        action();
    }
    return out;
}

}  // namespace kiln::ui
