#include "ui/theme.h"

#include <imgui.h>

#include <string>

namespace kiln::ui {

namespace {

// Latin (with Extended-A/B and Vietnamese), Greek, Cyrillic, and the punctuation, currency,
// arrow and symbol blocks that code and prompts use.
const ImWchar kGlyphRanges[] = {
    0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x1E00, 0x1EFF, 0x2000, 0x206F,
    0x20A0, 0x20CF, 0x2100, 0x214F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0,
};

ImFont* addFont(const std::string& path, float size, float pixel_ratio) {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    ImFontConfig config;
    config.OversampleH = 1;  // rasterized at the device's own resolution: no oversampling needed
    config.OversampleV = 1;
    config.PixelSnapH = true;
    ImFont* font = atlas->AddFontFromFileTTF(path.c_str(), size * pixel_ratio, &config, kGlyphRanges);
    if (!font) {
        ImFontConfig fallback;
        fallback.SizePixels = size * pixel_ratio;
        font = atlas->AddFontDefault(&fallback);
    }
    font->Scale = 1.0f / pixel_ratio;
    return font;
}

}  // namespace

Fonts loadFonts(const char* dir, float pixel_ratio) {
    ImGui::GetIO().Fonts->Clear();
    const std::string base = dir;
    Fonts fonts;
    fonts.body = addFont(base + "/NotoSans-Regular.ttf", 20.0f, pixel_ratio);
    fonts.title = addFont(base + "/NotoSans-Bold.ttf", 34.0f, pixel_ratio);
    fonts.code = addFont(base + "/JetBrainsMono-Regular.ttf", 18.0f, pixel_ratio);
    ImGui::GetIO().Fonts->Build();
    return fonts;
}

void applyTheme(bool dark) {
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    if (dark) {
        ImGui::StyleColorsDark(&style);
    } else {
        ImGui::StyleColorsLight(&style);
    }
    style.WindowPadding = ImVec2(16, 16);
    style.FramePadding = ImVec2(10, 6);
    style.ItemSpacing = ImVec2(10, 8);
    style.WindowRounding = 8;
    style.FrameRounding = 6;
    style.GrabRounding = 6;
    style.ChildRounding = 6;
    style.PopupRounding = 6;
    style.ScrollbarRounding = 6;
    style.WindowBorderSize = 0;

    // Kiln's accent: a warm ember orange on neutral greys.
    const ImVec4 accent = dark ? ImVec4(0.93f, 0.45f, 0.20f, 1.00f) : ImVec4(0.85f, 0.36f, 0.10f, 1.00f);
    const ImVec4 accent_hover = dark ? ImVec4(0.98f, 0.55f, 0.30f, 1.00f) : ImVec4(0.92f, 0.45f, 0.18f, 1.00f);
    ImVec4* colors = style.Colors;
    colors[ImGuiCol_WindowBg] = dark ? ImVec4(0.10f, 0.10f, 0.11f, 1.00f) : ImVec4(0.97f, 0.97f, 0.96f, 1.00f);
    colors[ImGuiCol_ChildBg] = dark ? ImVec4(0.14f, 0.14f, 0.15f, 1.00f) : ImVec4(1.00f, 1.00f, 1.00f, 1.00f);
    colors[ImGuiCol_Text] = dark ? ImVec4(0.92f, 0.92f, 0.90f, 1.00f) : ImVec4(0.12f, 0.12f, 0.12f, 1.00f);
    colors[ImGuiCol_TextDisabled] = dark ? ImVec4(0.58f, 0.58f, 0.56f, 1.00f) : ImVec4(0.42f, 0.42f, 0.40f, 1.00f);
    colors[ImGuiCol_Button] = accent;
    colors[ImGuiCol_ButtonHovered] = accent_hover;
    colors[ImGuiCol_ButtonActive] = accent;
    colors[ImGuiCol_Header] = dark ? ImVec4(0.22f, 0.22f, 0.23f, 1.00f) : ImVec4(0.90f, 0.89f, 0.87f, 1.00f);
    colors[ImGuiCol_HeaderHovered] = dark ? ImVec4(0.28f, 0.28f, 0.29f, 1.00f) : ImVec4(0.86f, 0.85f, 0.82f, 1.00f);
    colors[ImGuiCol_HeaderActive] = colors[ImGuiCol_HeaderHovered];
    colors[ImGuiCol_Separator] = dark ? ImVec4(0.25f, 0.25f, 0.26f, 1.00f) : ImVec4(0.85f, 0.84f, 0.82f, 1.00f);
    colors[ImGuiCol_FrameBg] = dark ? ImVec4(0.18f, 0.18f, 0.19f, 1.00f) : ImVec4(0.93f, 0.92f, 0.90f, 1.00f);
}

}  // namespace kiln::ui
