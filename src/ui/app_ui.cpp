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
#include "ui/icons.h"
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
    const char* labels[] = {
        KILN_ICON_PREVIEW " Preview",
        !shared && app::codeEdited(app) ? KILN_ICON_CODE " Code •###Code" : KILN_ICON_CODE " Code###Code",
        KILN_ICON_CHANGES " Changes", KILN_ICON_APP_DATA " App data"};
    if (shared && ui.view_tab != ViewTab::Code) ui.view_tab = ViewTab::Preview;
    ui.view_tab = tabRow(labels, shared ? 2 : 4, ui.view_tab);
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

// The width a side panel is drawn at: the user's (`wanted`), but no more than `share` of `total`
// (never under `least`), so that in a narrow window (a desktop at 150 % zoom) the preview keeps
// its room. Dragging its splitter sets the user's width.
float sidePanelWidth(float wanted, float total, float share, float least) {
    return std::min(wanted, std::max(least, total * share));
}

void drawDesktop(app::App& app, UiState& ui, const Fonts& fonts, float body_height, FrameOutput& out) {
    const float total = ImGui::GetContentRegionAvail().x;
    float sidebar = sidePanelWidth(ui.sidebar_width, total, 0.22f, 180.0f);
    ImGui::BeginChild("sidebar", ImVec2(sidebar, body_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    drawSidebar(app, ui, fonts, false);
    ImGui::EndChild();
    if (verticalSplitter("##sidebar splitter", sidebar, 180.0f, total * 0.4f, body_height)) ui.sidebar_width = sidebar;

    ImGui::BeginChild("main", ImVec2(0, body_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    drawErrorBanner(app);
    if (app.shared) {
        drawSharedHeader(app, ui, fonts, false);
    } else if (app.open) {
        drawHeader(app, ui, fonts, out);
    } else {
        drawWelcome(app, ui, fonts, false);
    }
    if (sharedReady(app) || (app.open && !app.shared)) {
        const float height = ImGui::GetContentRegionAvail().y;
        const float main_width = ImGui::GetContentRegionAvail().x;
        float prompt = sidePanelWidth(ui.prompt_width, main_width, 0.4f, 240.0f);
        ImGui::BeginChild("prompt and versions", ImVec2(prompt, height));
        if (app.shared) {
            drawSharedPrompt(app);
        } else {
            drawPromptBox(app, ui, out);
            ImGui::Spacing();
            drawVersions(app, ui);
        }
        ImGui::EndChild();
        if (verticalSplitter("##prompt splitter", prompt, 240.0f, main_width - 280.0f, height))
            ui.prompt_width = prompt;
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

// The phone's tabs, in a bar at the bottom of the screen where a thumb reaches: each an icon over
// its name, the chosen one in the accent colour. The bar is `height` tall.
PhoneTab drawPhoneTabBar(PhoneTab selected, float height) {
    static const struct {
        const char* icon;
        const char* name;
    } kTabs[] = {{KILN_ICON_PROJECTS, "Projects"},
                 {KILN_ICON_PROMPT, "Prompt"},
                 {KILN_ICON_CODE, "Code"},
                 {KILN_ICON_PREVIEW, "Preview"},
                 {KILN_ICON_VERSIONS, "Versions"}};
    constexpr float kNameScale = 0.75f;  // the name in a smaller size than the text
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x / 5;
    draw->AddLine(top, ImVec2(top.x + width * 5, top.y), ImGui::GetColorU32(ImGuiCol_Separator));
    for (int i = 0; i < 5; ++i) {
        const ImVec2 at(top.x + width * i, top.y);
        ImGui::SetCursorScreenPos(at);
        if (ImGui::InvisibleButton(kTabs[i].name, ImVec2(width, height))) selected = static_cast<PhoneTab>(i);
        const bool chosen = static_cast<int>(selected) == i;
        const ImU32 colour = ImGui::GetColorU32(chosen ? ImGuiCol_CheckMark : ImGuiCol_TextDisabled);
        if (ImGui::IsItemActive()) {
            draw->AddRectFilled(at, ImVec2(at.x + width, at.y + height), ImGui::GetColorU32(ImGuiCol_ButtonActive));
        }
        const float icon = ImGui::CalcTextSize(kTabs[i].icon).x;
        const float name_size = ImGui::GetFontSize() * kNameScale;
        const float name = ImGui::CalcTextSize(kTabs[i].name).x * kNameScale;
        const float content = ImGui::GetFontSize() + name_size;
        const float y = at.y + (height - content) / 2;
        draw->AddText(ImVec2(at.x + (width - icon) / 2, y - ImGui::GetFontSize() * 0.1f), colour, kTabs[i].icon);
        draw->AddText(ImGui::GetFont(), name_size, ImVec2(at.x + (width - name) / 2, y + ImGui::GetFontSize()), colour,
                      kTabs[i].name);
    }
    // What follows (the status bar) starts below the bar, as it would below a child window.
    ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + height));
    return selected;
}

void drawPhone(app::App& app, UiState& ui, const Fonts& fonts, float body_height, FrameOutput& out) {
    const float bar_height = kTouchTarget + 12.0f;
    ImGui::BeginChild("phone", ImVec2(0, body_height - bar_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    drawErrorBanner(app);
    drawMessages(app, ui, out, false);
    // A shared app's header stays above the tabs: Save and Close are at hand from each.
    if (app.shared) drawSharedHeader(app, ui, fonts, true);
    if (ui.phone_tab == PhoneTab::Projects) {
        drawSidebar(app, ui, fonts, true);
    } else if (app.shared) {
        if (sharedReady(app)) drawSharedPhoneTab(app, ui, fonts, out);  // else the header says it all
    } else if (!app.open) {
        drawWelcome(app, ui, fonts, true);
    } else if (ui.phone_tab == PhoneTab::Prompt) {
        drawHeader(app, ui, fonts, out);
        drawPromptBox(app, ui, out);
    } else if (ui.phone_tab == PhoneTab::Code) {
        const char* labels[] = {app::codeEdited(app) ? "Code •###Code" : "Code###Code", "Changes", "App data"};
        ui.phone_code_view = tabRow(labels, 3, ui.phone_code_view);
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
    ui.phone_tab = drawPhoneTabBar(ui.phone_tab, bar_height);
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
    drawSyncPopup(app, ui);
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
