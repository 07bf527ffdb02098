// The console below the preview (app/preview_console.h): a header with the counts that opens and
// closes it, then what the app reported, newest last, coloured by level. An entry with a line
// shows the code panel there.
#include "ui/panels.h"

#include <imgui.h>

#include <string>

#include "ui/widgets.h"

namespace kiln::ui {

namespace {

ImVec4 levelColour(app::ConsoleLevel level) {
    switch (level) {
        case app::ConsoleLevel::Error:
            return kError;
        case app::ConsoleLevel::Warn:
            return kWarning;
        case app::ConsoleLevel::Debug:
            return ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
        case app::ConsoleLevel::Log:
        case app::ConsoleLevel::Info:
            break;
    }
    return ImGui::GetStyle().Colors[ImGuiCol_Text];
}

// The header's words: "Console: 12 messages, 2 errors", or "Last run: …" for a Held version's.
std::string summary(const app::PreviewConsole& console) {
    std::string text = (console.last_run ? "Last run: " : "Console: ") + std::to_string(console.entries.size()) +
                       (console.entries.size() == 1 ? " message" : " messages");
    if (console.errors > 0)
        text += ", " + std::to_string(console.errors) + (console.errors == 1 ? " error" : " errors");
    return text;
}

}  // namespace

void drawFixButton(app::App& app) {
    // The shared view's app is not the user's to change; a running generation must finish first.
    const bool can = !app.shared && app.generation.phase != app::GenerationPhase::Running;
    ImGui::BeginDisabled(!can);
    if (compactButton("Fix errors")) app::fixErrors(app);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        ImGui::SetTooltip("%s", can          ? "Asks the model for a version without the errors the app reported."
                                : app.shared ? "Save the app to your library to change it."
                                             : "Wait for the generation to finish.");
    }
    if (app.shared) return;
    sameLineIfFits(ImGui::GetFrameHeight() + buttonWidth("Auto-fix"));
    bool auto_fix = app.auto_fix;
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ImGui::GetStyle().FramePadding.x, 0));
    if (ImGui::Checkbox("Auto-fix", &auto_fix)) app::setAutoFix(app, auto_fix);
    ImGui::PopStyleVar();
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("After a Fix, fixes again by itself while the errors go down: up to %d rounds in all.",
                          app::kAutoFixRounds);
    }
}

void showCodeAt(UiState& ui, const app::ConsoleEntry& entry) {
    ui.code_jump_line = entry.line;
    ui.code_jump_column = entry.column;
    ui.view_tab = ViewTab::Code;
    ui.phone_tab = PhoneTab::Code;
    ui.phone_code_view = CodeView::Code;
}

float consoleHeight(const app::App& app, const UiState& ui, float available) {
    if (app.console.entries.empty() && app.console.dropped == 0) return 0;
    return ImGui::GetFrameHeightWithSpacing() + (ui.console_open ? std::max(120.0f, available * 0.35f) : 0.0f);
}

void drawConsole(app::App& app, UiState& ui, float height) {
    const app::PreviewConsole& console = app.console;
    const std::string label = summary(console) + (ui.console_open ? "  ▾###console" : "  ▸###console");
    if (console.errors > 0) ImGui::PushStyleColor(ImGuiCol_Text, levelColour(app::ConsoleLevel::Error));
    if (compactButton(label.c_str())) ui.console_open = !ui.console_open;
    if (console.errors > 0) ImGui::PopStyleColor();
    if (console.errors > 0) {
        sameLineIfFits(buttonWidth("Fix errors"));
        drawFixButton(app);
    }
    if (!ui.console_open) return;
    ImGui::BeginChild("console list", ImVec2(0, height - ImGui::GetFrameHeightWithSpacing()), ImGuiChildFlags_Border);
    const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
    if (console.last_run) {
        mutedWrapped("What this version reported the last time it ran, before it stopped answering.");
    }
    if (console.dropped > 0) {
        ImGui::TextDisabled("%llu earlier or flooding messages not kept",
                            static_cast<unsigned long long>(console.dropped));
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(console.entries.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const app::ConsoleEntry& entry = console.entries[static_cast<size_t>(i)];
            // One line each: the first line of the text, the whole of it in a tooltip.
            std::string line = entry.line > 0 ? "line " + std::to_string(entry.line) + ": " : "";
            line += entry.text.substr(0, entry.text.find('\n'));
            ImGui::PushID(i);
            ImGui::PushStyleColor(ImGuiCol_Text, levelColour(entry.level));
            const bool clicked = ImGui::Selectable(line.c_str());
            ImGui::PopStyleColor();
            ImGui::PopID();
            if (ImGui::IsItemHovered() && (entry.line > 0 || line.size() < entry.text.size())) {
                ImGui::SetTooltip("%s%s", entry.text.c_str(),
                                  entry.line > 0 ? "\n\nClick to show this line in the code." : "");
            }
            if (clicked && entry.line > 0) showCodeAt(ui, entry);
        }
    }
    if (at_bottom) ImGui::SetScrollHereY(1.0f);  // follows new messages unless scrolled up
    ImGui::EndChild();
}

}  // namespace kiln::ui
