// The greeting of an empty library: what Kiln does, starter prompts as cards, Start an empty
// project, and where projects are kept.
#include "ui/panels.h"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "ui/widgets.h"

namespace kiln::ui {

namespace {

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

}  // namespace

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
            if (phone) ui.phone_tab = PhoneTab::Prompt;
        }
    }
    ImGui::Dummy(ImVec2(0, 8));
    if (primaryButton("Start an empty project")) {
        app::newProject(app);
        if (phone) ui.phone_tab = PhoneTab::Prompt;
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

}  // namespace kiln::ui
