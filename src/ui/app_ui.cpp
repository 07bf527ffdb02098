// Index
//   Helpers          time format, splitters, lines that fit, hints
//   Sidebar          search, new project, the list, rename and delete, theme
//   Welcome          the greeting of an empty library, starter prompts
//   Project panels   header, prompt box and generation, versions timeline, code, preview, changes
//   Status bar       saved state, generation figures, messages (undo of a delete), version position
//   Settings         the Settings popup: endpoint, model, key, options, test connection
//   Storage          the Storage popup (where, space, export, import), the import confirmation
//   Layouts          desktop (sidebar | prompt and versions | preview and code), phone (tabs)
#include "ui/app_ui.h"

#include "ui/changes_view.h"

#include <imgui.h>
#include <imgui_internal.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <ctime>

#include "app/embed_api.h"
#include "ui/test_locator.h"

namespace kiln::ui {

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

constexpr float kSplitterWidth = 6.0f;

std::string formatTime(int64_t ms) {
    std::time_t when = static_cast<std::time_t>(ms / 1000);
    std::time_t now = std::time(nullptr);
    std::tm local{}, today{};
    localtime_r(&when, &local);
    localtime_r(&now, &today);
    char buffer[32];
    bool same_day = local.tm_year == today.tm_year && local.tm_yday == today.tm_yday;
    std::strftime(buffer, sizeof buffer, same_day ? "%H:%M" : "%d %b %H:%M", &local);
    return buffer;
}

// A draggable vertical bar between two panels; drags change `width` within [min, max].
void verticalSplitter(const char* id, float& width, float min_width, float max_width, float height) {
    ImGui::SameLine(0, 0);
    ImGui::InvisibleButton(id, ImVec2(kSplitterWidth, height));
    bool active = ImGui::IsItemActive();
    if (active || ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
    if (active) width = std::clamp(width + ImGui::GetIO().MouseDelta.x, min_width, std::max(min_width, max_width));
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    float x = (min.x + max.x) * 0.5f;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(x, min.y), ImVec2(x, max.y),
                                        ImGui::GetColorU32(active ? ImGuiCol_SeparatorActive : ImGuiCol_Separator));
    ImGui::SameLine(0, 0);
}

// Whether `width` more fits on the line of the last item, after the usual spacing.
bool fitsBeside(float width) {
    const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
    return right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
}

// Puts the next item, `width` wide, on the line of the last one when it fits there; else it
// starts a line of its own.
void sameLineIfFits(float width) {
    if (fitsBeside(width)) ImGui::SameLine();
}

float buttonWidth(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

void mutedWrapped(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

// A row of tabs drawn as buttons; the chosen one is highlighted. Returns the chosen index.
// With `fill`, the tabs share the whole width (the phone layout).
int tabRow(const char* const* labels, int count, int selected, bool fill) {
    constexpr float kGap = 4.0f;
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(kGap, kGap));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(fill ? 2.0f : 10.0f, ImGui::GetStyle().FramePadding.y));
    const float width = fill ? (ImGui::GetContentRegionAvail().x - kGap * (count - 1)) / count : 0.0f;
    for (int i = 0; i < count; ++i) {
        if (i > 0) ImGui::SameLine();
        const bool chosen = i == selected;
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(chosen ? ImGuiCol_TabActive : ImGuiCol_Tab));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(chosen ? ImGuiCol_Text : ImGuiCol_TextDisabled));
        if (ImGui::Button(labels[i], ImVec2(width, 0))) selected = i;
        ImGui::PopStyleColor(2);
    }
    ImGui::PopStyleVar(2);
    ImGui::Separator();
    return selected;
}

bool anyPopupOpen() {
    return ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
}

void errorBanner(app::App& app) {
    if (app.error.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.62f, 0.16f, 0.12f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.96f, 0.94f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1.0f, 1.0f, 1.0f, 0.18f));
    // The Details toggle, hovered or held: the theme's light header colours would hide its white
    // label on the red banner.
    ImGui::PushStyleColor(ImGuiCol_HeaderHovered, ImVec4(1.0f, 1.0f, 1.0f, 0.18f));
    ImGui::PushStyleColor(ImGuiCol_HeaderActive, ImVec4(1.0f, 1.0f, 1.0f, 0.28f));
    ImGui::BeginChild("error", ImVec2(0, 0), ImGuiChildFlags_AutoResizeY | ImGuiChildFlags_AlwaysUseWindowPadding);
    ImGui::TextWrapped("%s", app.error.c_str());
    if (!app.error_detail.empty() && ImGui::TreeNode("Details")) {
        ImGui::TextWrapped("%s", app.error_detail.c_str());
        ImGui::TreePop();
    }
    if (ImGui::SmallButton("Dismiss")) app::dismissError(app);
    ImGui::EndChild();
    ImGui::PopStyleColor(5);
}

// ---------------------------------------------------------------------------------------------
// Sidebar
// ---------------------------------------------------------------------------------------------

void beginRename(UiState& ui, const store::Project& project) {
    ui.rename_project = project.id;
    ui.rename_text = project.name;
    ui.open_rename = true;
}

void drawRenamePopup(app::App& app, UiState& ui) {
    if (ui.open_rename) {
        ImGui::OpenPopup("Rename project");
        ui.open_rename = false;
    }
    ImGui::SetNextWindowSize(ImVec2(360, 0));
    if (!ImGui::BeginPopupModal("Rename project", nullptr, ImGuiWindowFlags_NoResize)) return;
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    bool enter = ImGui::InputText("##name", &ui.rename_text, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Save") || enter) {
        app::renameProject(app, ui.rename_project, ui.rename_text);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void drawWelcome(app::App& app, UiState& ui, const Fonts& fonts, bool phone);

void drawProjectList(app::App& app, UiState& ui, const Fonts& fonts, bool phone) {
    std::vector<const store::ProjectSummary*> visible = app::visibleProjects(app);
    if (app.projects.empty()) {
        // On a phone the project list is the first screen: an empty library greets there.
        if (phone) {
            drawWelcome(app, ui, fonts, true);
        } else {
            mutedWrapped("No projects yet.");
        }
        return;
    }
    if (visible.empty()) mutedWrapped("No project matches the search.");
    // Actions change the list and the open project, so they run once the frame is drawn.
    std::function<void()>& action = ui.deferred;
    for (const store::ProjectSummary* item : visible) {
        const store::Project& project = item->project;
        ImGui::PushID(project.public_id.c_str());
        bool selected = app.open && app.open->project.id == project.id;
        const ImVec2 top = ImGui::GetCursorScreenPos();
        // The name is drawn below, cut short before the version count; the selectable keeps it as
        // its label (for the test locator) but shows nothing itself.
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
        const bool clicked = ImGui::Selectable(project.name.c_str(), selected);
        ImGui::PopStyleColor();
        if (clicked) {
            action = [&app, &ui, phone, id = project.public_id] {
                app::openProject(app, id);
                if (phone) ui.phone_tab = 1;
            };
        }
        if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) beginRename(ui, project);
        if (ImGui::BeginPopupContextItem("project menu")) {
            if (ImGui::MenuItem("Rename")) beginRename(ui, project);
            if (ImGui::MenuItem("Delete")) action = [&app, id = project.id] { app::deleteProject(app, id); };
            ImGui::EndPopup();
        }
        // The name and version count are drawn on the row, not as items, so nothing overlaps the
        // click target.
        char count[24];
        std::snprintf(count, sizeof count, "%d", item->version_count);
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        const float count_x = right - ImGui::CalcTextSize(count).x;
        ImDrawList* draw = ImGui::GetWindowDrawList();
        draw->AddText(ImVec2(count_x, top.y), ImGui::GetColorU32(ImGuiCol_TextDisabled), count);
        const float name_end = count_x - ImGui::GetStyle().ItemSpacing.x;
        ImGui::RenderTextEllipsis(draw, top, ImVec2(name_end, ImGui::GetItemRectMax().y), name_end, name_end,
                                  project.name.c_str(), nullptr, nullptr);
        ImGui::PopID();
    }
}

void drawThemeChoice(app::App& app) {
    static const char* kThemes[] = {"system", "light", "dark"};
    static const char* kNames[] = {"Theme: system", "Theme: light", "Theme: dark"};
    int current = 0;
    for (int i = 0; i < 3; ++i) {
        if (app.theme == kThemes[i]) current = i;
    }
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##theme", kNames[current])) {
        for (int i = 0; i < 3; ++i) {
            if (ImGui::Selectable(kNames[i], i == current)) app::setTheme(app, kThemes[i]);
        }
        ImGui::EndCombo();
    }
}

void drawSidebar(app::App& app, UiState& ui, const Fonts& fonts, bool phone) {
    if (!phone) {
        ImGui::PushFont(fonts.title);
        ImGui::TextUnformatted("Kiln");
        ImGui::PopFont();
    }
    bool writable = app.store && !app.store->readOnly();
    ImGui::BeginDisabled(!writable);
    if (primaryButton("New project", -1)) {
        app::newProject(app);
        if (phone) ui.phone_tab = 1;
    }
    ImGui::EndDisabled();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##search", "Search projects", &app.search);
    ImGui::Spacing();
    const float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
    ImGui::BeginChild("projects", ImVec2(0, -footer));
    drawProjectList(app, ui, fonts, phone);
    ImGui::EndChild();
    drawThemeChoice(app);
}

// ---------------------------------------------------------------------------------------------
// Welcome
// ---------------------------------------------------------------------------------------------

// A starter prompt as a clickable card with wrapped text. Its test label is "##" + the prompt.
bool starterCard(const std::string& prompt, float width) {
    const ImVec2 padding = ImGui::GetStyle().FramePadding;
    const float wrap = width - padding.x * 2;
    const ImVec2 text = ImGui::CalcTextSize(prompt.c_str(), nullptr, false, wrap);
    const ImVec2 position = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::Selectable(("##" + prompt).c_str(), false, 0, ImVec2(width, text.y + padding.y * 2));
    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (!ImGui::IsItemHovered()) {
        draw->AddRect(position, ImVec2(position.x + width, position.y + text.y + padding.y * 2),
                      ImGui::GetColorU32(ImGuiCol_Separator), ImGui::GetStyle().FrameRounding);
    }
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(position.x + padding.x, position.y + padding.y),
                  ImGui::GetColorU32(ImGuiCol_Text), prompt.c_str(), nullptr, wrap);
    return pressed;
}

void drawWelcome(app::App& app, UiState& ui, const Fonts& fonts, bool phone) {
    const float width = std::min(560.0f, ImGui::GetContentRegionAvail().x);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (ImGui::GetContentRegionAvail().x - width) * 0.5f);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::Dummy(ImVec2(width, phone ? 8.0f : 40.0f));
    ImGui::PushFont(fonts.title);
    ImGui::TextWrapped("Describe an app. Kiln builds it.");
    ImGui::PopFont();
    mutedWrapped(
        "Type what you want and a working single-file web app appears beside your prompt. Refine it "
        "with follow-ups; every result is kept as a numbered version you can compare, restore or fork.");
    ImGui::Spacing();
    mutedWrapped(
        "Kiln writes code with a model endpoint you choose: OpenAI, Anthropic, Cerebras, Groq, "
        "OpenRouter, or a local Ollama or LM Studio.");
    ImGui::Dummy(ImVec2(0, 12));
    ImGui::TextUnformatted("Start from an idea");
    bool writable = app.store && !app.store->readOnly();
    ImGui::BeginDisabled(!writable);
    for (const std::string& prompt : app.starter_prompts) {
        if (starterCard(prompt, width)) {
            app::startFromPrompt(app, prompt);
            if (phone) ui.phone_tab = 1;
        }
    }
    ImGui::Dummy(ImVec2(0, 8));
    if (primaryButton("Start an empty project")) {
        app::newProject(app);
        if (phone) ui.phone_tab = 1;
    }
    ImGui::EndDisabled();
    ImGui::Dummy(ImVec2(0, 16));
    const store::SchemaStatus* status = app.store ? &app.store->schemaStatus() : nullptr;
    std::string about = "Projects are kept by SQLite " + store::Database::libraryVersion() + " (schema version " +
                        std::to_string(status ? status->schema_version : 0) + ") in " + app.storage.where + ".";
    mutedWrapped(about.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
}

// ---------------------------------------------------------------------------------------------
// Project panels
// ---------------------------------------------------------------------------------------------

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

constexpr ImVec4 kWarning(0.92f, 0.42f, 0.16f, 1.0f);

bool sendShortcut() {
    const ImGuiIO& io = ImGui::GetIO();
    return (io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed(ImGuiKey_Enter, false);
}

// The keys that send the prompt, where there are keys: not after a touch (a phone has none).
const char* sendKeys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseSource == ImGuiMouseSource_TouchScreen) return nullptr;
    return io.ConfigMacOSXBehaviors ? "or Cmd+Enter" : "or Ctrl+Enter";
}

// What the running or last generation is doing, its figures, and what to do with a draft.
void drawGeneration(app::App& app) {
    const app::Generation& generation = app.generation;
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
    if (app.draft->can_continue) {
        if (primaryButton("Continue")) app::continueDraft(app);
        sameLineIfFits(buttonWidth("Keep draft"));
    }
    if (ImGui::Button("Keep draft")) app::keepDraft(app);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Save what arrived as a new version, as it is.");
    sameLineIfFits(buttonWidth("Discard draft"));
    if (ImGui::Button("Discard draft")) app::discardDraft(app);
}

// Under the prompt: Send (counting down while the endpoint asked to wait), the keys that send,
// and the endpoint that answers.
void drawPromptBox(app::App& app, FrameOutput& out) {
    const bool running = app.generation.phase == app::GenerationPhase::Running;
    ImGui::TextUnformatted(app.open && app.open->selected > 0 ? "What should change?" : "What should it be?");
    const float height = std::max(ImGui::GetTextLineHeight() * 5, ImGui::GetContentRegionAvail().y * 0.3f);
    ImVec2 top_left = ImGui::GetCursorScreenPos();
    bool send =
        ImGui::InputTextMultiline("##prompt", &app.prompt, ImVec2(-1, height), ImGuiInputTextFlags_EnterReturnsTrue);
    send = send || (ImGui::IsItemFocused() && sendShortcut());
    if (app.prompt.empty() && !ImGui::IsItemActive()) {
        const ImVec2 padding = ImGui::GetStyle().FramePadding;
        ImGui::GetWindowDrawList()->AddText(ImVec2(top_left.x + padding.x, top_left.y + padding.y),
                                            ImGui::GetColorU32(ImGuiCol_TextDisabled),
                                            "A pomodoro timer with a dark theme…");
    }
    if (running) {
        if (ImGui::Button("Stop")) app::stopGeneration(app);
    } else {
        const app::RetryWait wait = app::retryWait(app, app.clock_ms ? app.clock_ms() : 0);
        const std::string label =
            wait.seconds > 0 ? "Send (" + std::to_string(wait.seconds) + " s)###Send" : std::string("Send###Send");
        out.redraw_in_ms = static_cast<double>(wait.next_change_ms);
        ImGui::BeginDisabled(app.prompt.empty() || wait.seconds > 0);
        send = primaryButton(label.c_str()) || send;
        ImGui::EndDisabled();
    }
    if (const char* keys = sendKeys()) {
        sameLineIfFits(ImGui::CalcTextSize(keys).x);
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", keys);
        locateLastItem("##send keys");
    }
    const std::string endpoint = app.settings.saved ? app.settings.endpoint.model + " · " + app.settings.endpoint.label
                                                    : std::string("Set up a model endpoint in Settings first.");
    mutedWrapped(endpoint.c_str());
    locateLastItem("##endpoint note");
    if (send && !running) app::sendPrompt(app);
    drawGeneration(app);
}

void drawVersions(app::App& app) {
    app::OpenProject& open = *app.open;
    ImGui::TextUnformatted("Versions");
    if (open.versions.empty()) {
        mutedWrapped("No versions yet: the first prompt makes version 1.");
        return;
    }
    const float actions = ImGui::GetFrameHeightWithSpacing();
    int clicked = 0;  // selecting reloads the version list, so it happens after the loop
    ImGui::BeginChild("timeline", ImVec2(0, -actions), ImGuiChildFlags_Border);
    for (auto it = open.versions.rbegin(); it != open.versions.rend(); ++it) {
        const store::VersionSummary& version = *it;
        ImGui::PushID(version.number);
        char label[16];
        std::snprintf(label, sizeof label, "v%d", version.number);
        // The row is one selectable; its prompt and details are drawn on it, not as items, so
        // nothing overlaps the click target.
        const float line = ImGui::GetTextLineHeightWithSpacing();
        const ImVec2 top = ImGui::GetCursorScreenPos();
        if (ImGui::Selectable(label, version.number == open.selected, 0, ImVec2(0, line * 2))) clicked = version.number;
        const float text_x = top.x + 40.0f;
        const float clip_x = ImGui::GetItemRectMax().x;
        ImDrawList* draw = ImGui::GetWindowDrawList();
        const char* prompt = version.prompt.empty() ? "(no prompt)" : version.prompt.c_str();
        draw->PushClipRect(ImVec2(text_x, top.y), ImVec2(clip_x, top.y + line * 2), true);
        draw->AddText(ImVec2(text_x, top.y), ImGui::GetColorU32(ImGuiCol_Text), prompt);
        std::string meta = formatTime(version.created_at);
        if (!version.model.empty()) meta += "  ·  " + version.model;
        draw->AddText(ImVec2(text_x, top.y + line), ImGui::GetColorU32(ImGuiCol_TextDisabled), meta.c_str());
        draw->PopClipRect();
        ImGui::PopID();
    }
    ImGui::EndChild();
    if (clicked != 0) app::selectVersion(app, clicked);
    bool latest = open.selected == open.versions.back().number;
    ImGui::BeginDisabled(latest);
    if (ImGui::Button("Restore")) app::restoreVersion(app, open.selected);
    ImGui::EndDisabled();
    if (latest && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        ImGui::SetTooltip("This is already the latest version.");
    }
    ImGui::SameLine();
    if (ImGui::Button("Fork")) app::forkVersion(app, open.selected);
}

void drawCode(app::App& app, UiState& ui, const Fonts& fonts) {
    app::OpenProject& open = *app.open;
    // Another version (or project) replaced the text: the editor re-colours and drops its undo.
    if (ui.code_editor_revision != open.preview_revision) {
        ui.code_editor_revision = open.preview_revision;
        markCodeEditorTextChanged(ui.code_editor);
    }
    if (app.generation.phase == app::GenerationPhase::Running) {
        // The code as it arrives, read-only; the editor re-colours only what was added.
        if (ui.streamed_bytes != app.generation.code.size()) {
            ui.streamed_bytes = app.generation.code.size();
            markCodeEditorTextChanged(ui.code_editor);
        }
        ImGui::PushFont(fonts.code);
        codeEditor("streamed code", app.generation.code, ui.code_editor, codeEditorStyle(ui.dark),
                   ImGui::GetContentRegionAvail(), true);
        ImGui::PopFont();
        return;
    }
    const bool edited = app::codeEdited(app);
    const float actions = edited ? ImGui::GetFrameHeightWithSpacing() : 0.0f;
    ImGui::PushFont(fonts.code);
    codeEditor("code", open.code, ui.code_editor, codeEditorStyle(ui.dark),
               ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y - actions), false);
    ImGui::PopFont();
    if (!edited) return;
    if (ImGui::Button("Save as new version") || (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_S, false))) {
        app::saveCodeEdit(app);
    }
    ImGui::SameLine();
    if (ImGui::Button("Discard changes")) {
        app::discardCodeEdit(app);
        markCodeEditorTextChanged(ui.code_editor);
    }
}

// The preview panel: the Network switch, the guard's messages (preview_guard.h), and the place
// of the app's frame below them.
PreviewPlacement drawPreview(app::App& app, UiState& ui) {
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
    if (run == app::PreviewRun::Unresponsive) {
        ImGui::SameLine(0, 16.0f);
        ImGui::TextUnformatted("The app is not responding.");
        ImGui::SameLine();
        if (ImGui::Button("Stop")) app::stopPreview(app);
    }
    if (run == app::PreviewRun::Held || run == app::PreviewRun::Stopped) {
        placement.stop = true;
        ImGui::Spacing();
        ImGui::TextWrapped("%s", run == app::PreviewRun::Held
                                     ? "This app stopped responding last time, so Kiln did not start it."
                                     : "The app was stopped: it did not respond.");
        mutedWrapped("Running it again may make this tab slow until you stop it; the code can be fixed first.");
        if (ImGui::Button("Run it")) app::runHeldPreview(app);
        ImGui::SameLine();
        if (ImGui::Button("Show the code")) {
            ui.view_tab = 1;
            ui.phone_tab = 2;
            ui.phone_code_view = 0;
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

// Shows the code while a generation streams it, and the preview once it made a version.
void followGeneration(app::App& app, UiState& ui) {
    const app::GenerationPhase phase = app.generation.phase;
    if (phase == ui.shown_phase) return;
    if (phase == app::GenerationPhase::Running) {
        ui.view_tab = 1;
        ui.phone_code_view = 0;
        ui.phone_tab = ui.phone_tab == 3 ? 2 : ui.phone_tab;
    } else if (ui.shown_phase == app::GenerationPhase::Running) {
        markCodeEditorTextChanged(ui.code_editor);
        if (phase == app::GenerationPhase::Finished) ui.view_tab = 0;
    }
    ui.shown_phase = phase;
}

void drawPreviewAndCode(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out) {
    const char* labels[] = {"Preview", app::codeEdited(app) ? "Code •###Code" : "Code###Code", "Changes"};
    ui.view_tab = tabRow(labels, 3, ui.view_tab, false);
    if (ui.view_tab == 0) {
        out.preview = drawPreview(app, ui);
    } else if (ui.view_tab == 1) {
        drawCode(app, ui, fonts);
    } else {
        drawChanges(app, fonts, ui.dark);
    }
}

// ---------------------------------------------------------------------------------------------
// Status bar
// ---------------------------------------------------------------------------------------------

// The passing messages and their buttons: a notice, a new version of Kiln, undo of a delete. In
// the status bar each follows on its line; on a phone, where that line is too short, each wraps
// on lines of its own above the tabs.
void drawMessages(app::App& app, UiState& ui, FrameOutput& out, bool in_status_bar) {
    const auto message = [&](const std::string& text) {
        if (in_status_bar) {
            ImGui::SameLine(0, 24.0f);
            ImGui::TextUnformatted(text.c_str());
        } else {
            ImGui::TextWrapped("%s", text.c_str());
        }
    };
    const auto button = [&](const char* label) {
        if (in_status_bar) {
            ImGui::SameLine();
        } else {
            sameLineIfFits(buttonWidth(label));
        }
        return ImGui::SmallButton(label);
    };
    if (!app.notice.empty()) {
        message(app.notice);
        if (app.undo_replace && button("Undo##replace")) app::undoReplace(app);
        if (button("×##notice")) app::dismissNotice(app);
    }
    if (ui.update_waiting) {
        message("A new version of Kiln is available.");
        if (button("Reload")) out.apply_update = true;
    }
    if (app.undo_delete) {
        message("Deleted \"" + app.undo_delete->name + "\".");
        if (button("Undo")) app::undoDelete(app);
        if (button("×")) app.undo_delete.reset();
    }
}

// One line. The generation figures (also shown under the prompt) and the version shown (also
// in the timeline) are left out where they do not fit; on a phone the messages are above the tabs.
void drawStatusBar(app::App& app, UiState& ui, FrameOutput& out, bool phone) {
    char position[48] = "";
    if (app.open && app.open->selected > 0) {
        std::snprintf(position, sizeof position, "Version %d of %d", app.open->selected,
                      app.open->versions.empty() ? 0 : app.open->versions.back().number);
    }
    const float position_width = ImGui::CalcTextSize(position).x + ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::Separator();
    ImGui::SetCursorPosX(ImGui::GetStyle().ItemSpacing.x * 2);
    ImGui::AlignTextToFramePadding();
    const bool read_only = app.store && app.store->readOnly();
    const app::SaveView save = app::saveView(app);
    if (read_only) {
        ImGui::TextDisabled("Read-only: made by a newer Kiln");
    } else if (save.warning) {
        ImGui::TextColored(kWarning, "%s", save.label.c_str());
    } else {
        ImGui::TextDisabled("%s", save.label.c_str());
    }
    if (!save.detail.empty() && ImGui::IsItemHovered()) {
        ImGui::SetNextWindowSize(ImVec2(420, 0));
        ImGui::BeginTooltip();
        ImGui::TextWrapped("%s", save.detail.c_str());
        ImGui::EndTooltip();
    }
    if (save.state == "not_saved") {
        ImGui::SameLine();
        if (ImGui::SmallButton("Export")) out.export_database = true;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Storage")) ui.open_storage = true;
    ImGui::SameLine();
    if (ImGui::SmallButton("Settings")) ui.open_settings = true;
    const std::string stats = app::generationStatsLine(app.generation, app.clock_ms ? app.clock_ms() : 0);
    if (!stats.empty() && fitsBeside(24.0f + ImGui::CalcTextSize(stats.c_str()).x + position_width)) {
        ImGui::SameLine(0, 24.0f);
        ImGui::TextDisabled("%s", stats.c_str());
    }
    if (!phone) drawMessages(app, ui, out, true);
    if (position[0] != '\0' && fitsBeside(position_width)) {
        ImGui::SameLine(ImGui::GetWindowWidth() - position_width);
        ImGui::TextDisabled("%s", position);
    }
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

std::string formatBytes(uint64_t bytes) {
    char text[32];
    if (bytes >= (uint64_t{1} << 30)) {
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1 << 30));
    } else if (bytes >= (uint64_t{1} << 20)) {
        std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
    } else {
        std::snprintf(text, sizeof text, "%.0f KB", static_cast<double>(bytes) / 1024);
    }
    return text;
}

void drawStoragePopup(app::App& app, UiState& ui, FrameOutput& out) {
    if (ui.open_storage) {
        ImGui::OpenPopup("Storage");
        ui.open_storage = false;
    }
    ImGui::SetNextWindowSize(ImVec2(440, 0));
    if (!ImGui::BeginPopupModal("Storage", nullptr, ImGuiWindowFlags_NoResize)) return;
    out.storage_shown = true;
    const app::StorageInfo& storage = app.storage;
    const app::SaveView save = app::saveView(app);
    ImGui::TextWrapped("Projects are kept in %s.", storage.where.c_str());
    if (save.warning) {
        ImGui::TextColored(kWarning, "%s", save.label.c_str());
    } else {
        ImGui::TextUnformatted(save.label.c_str());
    }
    if (!save.detail.empty()) mutedWrapped(save.detail.c_str());
    if (storage.durable) {
        ImGui::Spacing();
        if (storage.used_bytes && storage.quota_bytes) {
            ImGui::Text("Used: %s of %s", formatBytes(*storage.used_bytes).c_str(),
                        formatBytes(*storage.quota_bytes).c_str());
        } else {
            mutedWrapped("The browser does not say how much space is left.");
        }
        if (storage.persisted) {
            mutedWrapped(*storage.persisted ? "The browser keeps this storage even when space runs low."
                                            : "The browser may clear this storage when space runs low: export "
                                              "the library now and then to keep a copy.");
        }
    }
    ImGui::Spacing();
    if (ImGui::Button("Export database")) {
        out.export_database = true;
        out.export_keys = ui.export_keys;
    }
    ImGui::SameLine();
    ImGui::Checkbox("Include API keys", &ui.export_keys);
    ImGui::SameLine();
    ImGui::BeginDisabled(!app.store || app.store->readOnly());
    if (ImGui::Button("Import database…")) out.pick_import_file = true;
    ImGui::EndDisabled();
    mutedWrapped(
        "Exports are SQLite files (sql.js and the sqlite3 tool open them). To import one, choose it "
        "here or drop it on the window.");
    ImGui::Spacing();
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void drawImportPopup(app::App& app) {
    if (app.pending_import && !ImGui::IsPopupOpen("Import a library?")) ImGui::OpenPopup("Import a library?");
    ImGui::SetNextWindowSize(ImVec2(440, 0));
    if (!ImGui::BeginPopupModal("Import a library?", nullptr, ImGuiWindowFlags_NoResize)) return;
    if (!app.pending_import) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    // The file was checked when it was chosen (app::offerImport): the dialog says what it holds.
    ImGui::TextWrapped("%s holds %s.", app.pending_import->file_name.c_str(),
                       store::describeImport(app.pending_import->summary).c_str());
    ImGui::Spacing();
    mutedWrapped(
        "Add to my library: its projects are added as new projects; nothing already here changes. "
        "Replace my library: it takes the place of every project kept in this browser, in every Kiln "
        "tab (Undo is offered until the page is reloaded). Settings and keys are never taken from a "
        "file.");
    ImGui::Spacing();
    if (primaryButton("Add to my library") || ImGui::IsKeyPressed(ImGuiKey_Enter)) {
        app::confirmImport(app, app::ImportChoice::Add);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Replace my library")) {
        app::confirmImport(app, app::ImportChoice::Replace);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        app::cancelImport(app);
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

void fieldLabel(const char* label) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(130.0f);
    ImGui::SetNextItemWidth(-1);
}

void drawPresetChoice(app::EndpointSettings& edit) {
    fieldLabel("Endpoint");
    const codegen::Preset& current = codegen::presetFor(edit.endpoint.preset);
    if (!ImGui::BeginCombo("##preset", std::string(current.name).c_str())) return;
    for (const codegen::Preset& preset : codegen::presets()) {
        if (ImGui::Selectable(std::string(preset.name).c_str(), preset.kind == current.kind) &&
            preset.kind != current.kind) {
            // A preset fills in its address and model; the key field then follows the new
            // address's origin (drawKeyField): a key saved for it, or none.
            std::string key = edit.endpoint.api_key;
            edit.endpoint = codegen::endpointFromPreset(preset.kind);
            edit.endpoint.api_key = std::move(key);
        }
    }
    ImGui::EndCombo();
}

// The key field, for the base URL's origin as the browser reads it, and where the key goes.
void drawKeyField(app::App& app, app::EndpointSettings& edit) {
    app::followKeyOrigin(app, edit);
    fieldLabel("API key");
    ImGui::InputTextWithHint("##api_key", "none", &edit.endpoint.api_key, ImGuiInputTextFlags_Password);
    const codegen::Preset& preset = codegen::presetFor(edit.endpoint.preset);
    if (!preset.key_page.empty() && edit.endpoint.api_key.empty()) {
        const std::string where = "Create a key at " + std::string(preset.key_page);
        mutedWrapped(where.c_str());
    }
    const std::string origin = app::originOf(app, codegen::normalizeBaseUrl(edit.endpoint.base_url));
    if (origin.empty()) {
        if (!edit.endpoint.base_url.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
            ImGui::TextWrapped("The base URL is not an http:// or https:// address: Kiln sends no key to it.");
            ImGui::PopStyleColor();
        }
    } else {
        const std::string where = "Kept in this browser for " + origin + ", and sent only there.";
        mutedWrapped(where.c_str());
    }
    // Keys saved for other addresses stay with them; each can be forgotten.
    std::string forget;
    for (const auto& [key_origin, key] : edit.keys) {
        if (key_origin == origin) continue;
        ImGui::PushID(key_origin.c_str());
        ImGui::TextDisabled("A key is saved for %s", key_origin.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Forget")) forget = key_origin;
        ImGui::PopID();
    }
    if (!forget.empty()) {
        edit.keys.erase(forget);
        app::forgetKey(app, forget);
    }
}

// The sites allowed to generate with the user's endpoint from a page that embeds Kiln.
void drawEmbedConsent(app::App& app) {
    if (app.embed.always.empty()) return;
    ImGui::Spacing();
    ImGui::TextUnformatted("Sites that may generate with your endpoint");
    mutedWrapped("Pages that embed Kiln and were allowed always to send prompts.");
    std::string revoke;
    for (const std::string& origin : app.embed.always) {
        ImGui::PushID(origin.c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(origin.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Revoke")) revoke = origin;
        ImGui::PopID();
    }
    if (!revoke.empty()) app::revokeConsent(app, revoke);
}

// A setting that is the model's default or the user's value: a box to choose, then the value.
template <typename T, typename EditValue>
void optionalSetting(const char* label, std::optional<T>& value, T initial, EditValue edit_value) {
    bool set = value.has_value();
    fieldLabel(label);
    ImGui::PushID(label);
    if (ImGui::Checkbox("##set", &set)) value = set ? std::optional<T>(initial) : std::nullopt;
    ImGui::PopID();
    ImGui::SameLine();
    if (set) {
        ImGui::SetNextItemWidth(-1);
        edit_value(*value);
    } else {
        ImGui::TextDisabled("the model's default");
    }
}

void drawOptions(app::EndpointSettings& edit) {
    optionalSetting("Temperature", edit.temperature, 0.7, [](double& temperature) {
        float value = static_cast<float>(temperature);
        if (ImGui::SliderFloat("##temperature", &value, 0.0f, 2.0f, "%.2f")) temperature = value;
    });
    optionalSetting("Max tokens", edit.max_tokens, int64_t{16000}, [](int64_t& max_tokens) {
        int value = static_cast<int>(max_tokens);
        if (ImGui::InputInt("##max tokens", &value, 1000, 8000)) max_tokens = std::max(1, value);
    });
    int stall = static_cast<int>(edit.stall_seconds);
    fieldLabel("Stall timeout");
    if (ImGui::InputInt("##stall seconds", &stall, 5, 30)) edit.stall_seconds = std::max(1, stall);
    mutedWrapped("Seconds without a byte from the endpoint before Kiln gives up on an answer.");
}

void drawSettingsPopup(app::App& app, UiState& ui) {
    if (ui.open_settings) {
        ImGui::OpenPopup("Settings");
        ui.open_settings = false;
        ui.settings_edit = app.settings;
        if (!app.connection_test.running) app.connection_test.message.clear();  // from another visit
    }
    ImGui::SetNextWindowSize(ImVec2(560, 0));
    if (!ImGui::BeginPopupModal("Settings", nullptr, ImGuiWindowFlags_NoResize)) return;
    app::EndpointSettings& edit = ui.settings_edit;
    mutedWrapped("Kiln writes code with an OpenAI-compatible endpoint you choose.");
    ImGui::Spacing();
    drawPresetChoice(edit);
    fieldLabel("Base URL");
    ImGui::InputTextWithHint("##base_url", "https://…/v1", &edit.endpoint.base_url);
    fieldLabel("Label");
    ImGui::InputTextWithHint("##label", "shown with each version", &edit.endpoint.label);
    fieldLabel("Model");
    if (!app.models.empty()) ImGui::SetNextItemWidth(-150.0f);
    ImGui::InputText("##model", &edit.endpoint.model);
    if (!app.models.empty()) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        if (ImGui::BeginCombo("##models", "From the list", ImGuiComboFlags_HeightLarge)) {
            for (const std::string& model : app.models) {
                if (ImGui::Selectable(model.c_str(), model == edit.endpoint.model)) edit.endpoint.model = model;
            }
            ImGui::EndCombo();
        }
    }
    drawKeyField(app, edit);
    ImGui::Spacing();
    drawOptions(edit);
    drawEmbedConsent(app);
    ImGui::Spacing();
    ImGui::BeginDisabled(app.connection_test.running);
    if (ImGui::Button("Test connection")) app::testConnection(app, edit);
    ImGui::EndDisabled();
    if (!app.connection_test.message.empty()) {
        const bool failed = !app.connection_test.running && !app.connection_test.ok;
        if (failed) ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s", app.connection_test.message.c_str());
        if (failed) ImGui::PopStyleColor();
    }
    ImGui::Separator();
    if (primaryButton("Save")) {
        app::saveEndpointSettings(app, edit);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

// The embedding page asks to send a prompt with the user's endpoint: only a click here allows it.
// While the browser reports Kiln's frame hidden or covered, and for the first kConsentArmMs of the
// dialog (or of Kiln's frame seen again), the Allow buttons stay disabled; a frame is asked for
// when they arm, so they enable without any input.
void drawConsentPopup(app::App& app, FrameOutput& out) {
    constexpr const char* kTitle = "Generate with your endpoint?###consent";
    if (app.embed.pending && !ImGui::IsPopupOpen(kTitle)) ImGui::OpenPopup(kTitle);
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(480.0f, viewport->WorkSize.x - 16.0f), 0));
    if (!ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) return;
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
    if (arms_in_ms > 0) {
        const double at = static_cast<double>(arms_in_ms);
        out.redraw_in_ms = out.redraw_in_ms > 0 ? std::min(out.redraw_in_ms, at) : at;
    }
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
    errorBanner(app);
    if (!app.open) {
        drawWelcome(app, ui, fonts, false);
    } else {
        drawHeader(app, ui, fonts);
        const float height = ImGui::GetContentRegionAvail().y;
        const float main_width = ImGui::GetContentRegionAvail().x;
        ImGui::BeginChild("prompt and versions", ImVec2(ui.prompt_width, height));
        drawPromptBox(app, out);
        ImGui::Spacing();
        drawVersions(app);
        ImGui::EndChild();
        verticalSplitter("##prompt splitter", ui.prompt_width, 240.0f, main_width - 280.0f, height);
        ImGui::BeginChild("views", ImVec2(0, height));
        drawPreviewAndCode(app, ui, fonts, out);
        ImGui::EndChild();
    }
    ImGui::EndChild();
}

void drawPhone(app::App& app, UiState& ui, const Fonts& fonts, float body_height, FrameOutput& out) {
    ImGui::BeginChild("phone", ImVec2(0, body_height), ImGuiChildFlags_AlwaysUseWindowPadding);
    errorBanner(app);
    drawMessages(app, ui, out, false);
    static const char* kTabs[] = {"Projects", "Prompt", "Code", "Preview", "Versions"};
    ui.phone_tab = tabRow(kTabs, 5, ui.phone_tab, true);
    if (ui.phone_tab == 0) {
        drawSidebar(app, ui, fonts, true);
    } else if (!app.open) {
        drawWelcome(app, ui, fonts, true);
    } else if (ui.phone_tab == 1) {
        drawHeader(app, ui, fonts);
        drawPromptBox(app, out);
    } else if (ui.phone_tab == 2) {
        const char* labels[] = {app::codeEdited(app) ? "Code •###Code" : "Code###Code", "Changes"};
        ui.phone_code_view = tabRow(labels, 2, ui.phone_code_view, false);
        if (ui.phone_code_view == 0) {
            drawCode(app, ui, fonts);
        } else {
            drawChanges(app, fonts, ui.dark);
        }
    } else if (ui.phone_tab == 3) {
        out.preview = drawPreview(app, ui);
    } else {
        drawVersions(app);
    }
    ImGui::EndChild();
}

}  // namespace

FrameOutput drawApp(app::App& app, UiState& ui, const Fonts& fonts) {
    FrameOutput out;
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("Kiln", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PopStyleVar();

    const float status_height = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y * 2;
    const float body_height = ImGui::GetContentRegionAvail().y - status_height;
    followGeneration(app, ui);
    const bool phone = ui.compact || viewport->WorkSize.x < kPhoneWidth;
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
    if (anyPopupOpen()) out.preview.visible = false;
    ImGui::End();
    if (ui.deferred) {
        std::function<void()> action = std::move(ui.deferred);
        ui.deferred = nullptr;
        action();
    }
    return out;
}

}  // namespace kiln::ui
