// The greeting of an empty library: what Kiln does, then the first steps (set up a model while
// none is, then start from a starter card or an empty project), and where projects are kept.
#include "ui/panels.h"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "ui/widgets.h"

namespace kiln::ui {

namespace {

// A starter prompt as a card that reads as a button: filled like one, with wrapped text and an
// arrow at its end. Its test label is "##" + the prompt.
bool starterCard(const std::string& prompt, float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 padding(style.FramePadding.x * 1.5f, style.FramePadding.y * 2.0f);
    const char* arrow = "›";
    const float arrow_width = ImGui::CalcTextSize(arrow).x;
    const float wrap = width - padding.x * 3 - arrow_width;
    const ImVec2 text = ImGui::CalcTextSize(prompt.c_str(), nullptr, false, wrap);
    const ImVec2 position = ImGui::GetCursorScreenPos();
    const ImVec2 size(width, text.y + padding.y * 2);
    const bool pressed = ImGui::InvisibleButton(("##" + prompt).c_str(), size);
    const ImGuiCol fill = ImGui::IsItemActive()    ? ImGuiCol_ButtonActive
                          : ImGui::IsItemHovered() ? ImGuiCol_ButtonHovered
                                                   : ImGuiCol_Button;
    const ImVec2 end(position.x + size.x, position.y + size.y);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(position, end, ImGui::GetColorU32(fill), style.FrameRounding);
    draw->AddRect(position, end, ImGui::GetColorU32(ImGuiCol_Border), style.FrameRounding);
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(position.x + padding.x, position.y + padding.y),
                  ImGui::GetColorU32(ImGuiCol_Text), prompt.c_str(), nullptr, wrap);
    draw->AddText(ImVec2(end.x - padding.x - arrow_width, position.y + (size.y - ImGui::GetFontSize()) * 0.5f),
                  ImGui::GetColorU32(ImGuiCol_TextDisabled), arrow);
    if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
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
    // (On a phone the first step stays on the first screen: the endpoints are listed in Settings.)
    if (!phone) {
        ImGui::Spacing();
        mutedWrapped(
            "Kiln writes code with a model endpoint you choose: OpenAI, Anthropic, Cerebras, Groq, "
            "OpenRouter, or a local Ollama or LM Studio.");
    }
    ImGui::Dummy(ImVec2(0, 12));
    // Without a model nothing can be written: setting one up is the first step, and this view's
    // one primary action.
    const bool needs_model = !app.settings.saved;
    if (needs_model) {
        ImGui::TextUnformatted("1.  Choose the model that writes the code");
        if (primaryButton("Set up a model")) ui.open_next = Dialog::Settings;
        ImGui::Dummy(ImVec2(0, 8));
    }
    ImGui::TextUnformatted(needs_model ? "2.  Start from an idea, or describe your own" : "Start from an idea");
    bool writable = app.store && !app.store->readOnly();
    ImGui::BeginDisabled(!writable);
    for (const std::string& prompt : app.starter_prompts) {
        if (starterCard(prompt, width)) {
            app::startFromPrompt(app, prompt);
            if (phone) ui.phone_tab = PhoneTab::Prompt;
        }
    }
    ImGui::Dummy(ImVec2(0, 8));
    if (ImGui::Button("Start an empty project")) {
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
