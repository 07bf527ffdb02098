// The Settings dialog: the endpoint preset, base URL, label, model (typed or from the list), the
// API key per origin, generation options, the sites allowed to generate from an embedding page,
// Test connection, Save and Cancel.
#include "ui/panels.h"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <optional>
#include <string>

#include "app/embed_api.h"
#include "ui/widgets.h"

namespace kiln::ui {

using Outcome = app::ConnectionTest::Outcome;

namespace {

void drawPresetChoice(app::EndpointSettings& edit) {
    fieldLabel("Endpoint");
    const codegen::Preset& current = codegen::presetFor(edit.endpoint.preset);
    if (!beginCombo("##preset", std::string(current.name).c_str())) return;
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
    endCombo();
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
        if (compactButton("Forget")) forget = key_origin;
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
        if (compactButton("Revoke")) revoke = origin;
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

}  // namespace

void drawSettingsPopup(app::App& app, UiState& ui) {
    if (opensNow(ui, Dialog::Settings)) {
        ImGui::OpenPopup("Settings");
        ui.settings_edit = app.settings;
        if (app.connection_test.outcome != Outcome::Running) app.connection_test = {};  // from another visit
    }
    bool open = true;
    if (!beginDialog("Settings", 560, &open)) return;
    app::EndpointSettings& edit = ui.settings_edit;
    beginDialogBody();
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
        if (beginCombo("##models", "From the list", ImGuiComboFlags_HeightLarge)) {
            for (const std::string& model : app.models) {
                if (ImGui::Selectable(model.c_str(), model == edit.endpoint.model)) edit.endpoint.model = model;
            }
            endCombo();
        }
    }
    drawKeyField(app, edit);
    ImGui::Spacing();
    drawOptions(edit);
    drawEmbedConsent(app);
    ImGui::Spacing();
    ImGui::BeginDisabled(app.connection_test.outcome == Outcome::Running);
    if (ImGui::Button("Test connection")) app::testConnection(app, edit);
    ImGui::EndDisabled();
    if (!app.connection_test.message.empty()) {
        const bool failed = app.connection_test.outcome == Outcome::Failed;
        if (failed) ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s", app.connection_test.message.c_str());
        if (failed) ImGui::PopStyleColor();
    }
    endDialogBody();
    ImGui::Separator();
    if (primaryButton("Save")) {
        app::saveEndpointSettings(app, edit);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace kiln::ui
