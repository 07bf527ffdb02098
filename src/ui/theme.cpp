#include "ui/theme.h"

#include "ui/test_locator.h"

#include <imgui.h>

#include <string>

namespace kiln::ui {

namespace {

ImVec4 g_accent, g_accent_hover;

// Latin (with Extended-A/B and Vietnamese), Greek, Cyrillic, and the punctuation, currency,
// arrow, symbol and dingbat blocks that code and prompts use. The build cuts the fonts down to
// these (kiln_font_unicodes in cmake/web.cmake): keep the two lists the same.
const ImWchar kGlyphRanges[] = {
    0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x1E00, 0x1EFF, 0x2000, 0x206F, 0x20A0, 0x20CF,
    0x2100, 0x214F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2500, 0x25FF, 0x2700, 0x27BF, 0,
};
// Noto Sans has no arrows, maths or dingbats: the code font lends its own to the UI fonts.
const ImWchar kBorrowedRanges[] = {0x2190, 0x21FF, 0x2200, 0x22FF, 0x2500, 0x25FF, 0x2700, 0x27BF, 0};
// Glyphs::Start: Basic Latin, Latin-1 and general punctuation (the ellipsis, the bullet, dashes).
const ImWchar kStartRanges[] = {0x0020, 0x00FF, 0x2000, 0x206F, 0};
// The icons of ui/icons.h, each a range of one (keep the lists the same).
const ImWchar kIconRanges[] = {
    0xE145, 0xE145, 0xE163, 0xE163, 0xE047, 0xE047, 0xE8B8, 0xE8B8, 0xE1DB, 0xE1DB, 0xE3C9,
    0xE3C9, 0xE872, 0xE872, 0xE8B3, 0xE8B3, 0xE0B6, 0xE0B6, 0xE89E, 0xE89E, 0xE157, 0xE157,
    0xE037, 0xE037, 0xE86F, 0xE86F, 0xEB7D, 0xEB7D, 0xEAD3, 0xEAD3, 0xE2C7, 0xE2C7, 0xE0B7,
    0xE0B7, 0xE889, 0xE889, 0xE14D, 0xE14D, 0xF090, 0xF090, 0xE627, 0xE627, 0,
};

// Adds the font at `path`, `size` CSS pixels, with the glyphs of `glyphs`; `lender` lends the
// glyphs it lacks (arrows, maths, dingbats), `icons` the icons of ui/icons.h.
ImFont* addFont(const std::string& path, float size, float pixel_ratio, Glyphs glyphs, const std::string& lender = {},
                const std::string& icons = {}) {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    ImFontConfig config;
    config.OversampleH = 1;  // rasterized at the device's own resolution: no oversampling needed
    config.OversampleV = 1;
    config.PixelSnapH = true;
    const bool all = glyphs == Glyphs::All;
    ImFont* font =
        atlas->AddFontFromFileTTF(path.c_str(), size * pixel_ratio, &config, all ? kGlyphRanges : kStartRanges);
    if (!font) {
        ImFontConfig fallback;
        fallback.SizePixels = size * pixel_ratio;
        font = atlas->AddFontDefault(&fallback);
    } else if (all && !lender.empty()) {
        config.MergeMode = true;  // adds only the glyphs the font above lacks
        atlas->AddFontFromFileTTF(lender.c_str(), size * pixel_ratio, &config, kBorrowedRanges);
    }
    if (font && !icons.empty()) {
        // An icon is drawn a little larger than the text, centred on its line, and as wide as it is tall.
        ImFontConfig merge = config;
        merge.MergeMode = true;
        merge.GlyphMinAdvanceX = size * pixel_ratio * 1.1f;
        merge.GlyphOffset = ImVec2(0, size * pixel_ratio * 0.18f);
        atlas->AddFontFromFileTTF(icons.c_str(), size * pixel_ratio * 1.1f, &merge, kIconRanges);
    }
    font->Scale = 1.0f / pixel_ratio;
    return font;
}

}  // namespace

Fonts loadFonts(const char* dir, float pixel_ratio, Glyphs glyphs) {
    ImGui::GetIO().Fonts->Clear();
    const std::string base = dir;
    Fonts fonts;
    const std::string code = base + "/JetBrainsMono-Regular.ttf";
    fonts.body =
        addFont(base + "/NotoSans-Regular.ttf", 20.0f, pixel_ratio, glyphs, code, base + "/MaterialIcons-Regular.ttf");
    fonts.title = addFont(base + "/NotoSans-Bold.ttf", 34.0f, pixel_ratio, glyphs, code);
    fonts.code = addFont(code, 18.0f, pixel_ratio, glyphs);
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
    g_accent = dark ? ImVec4(0.89f, 0.42f, 0.17f, 1.00f) : ImVec4(0.82f, 0.33f, 0.08f, 1.00f);
    g_accent_hover = dark ? ImVec4(0.96f, 0.52f, 0.27f, 1.00f) : ImVec4(0.90f, 0.42f, 0.15f, 1.00f);
    ImVec4* colors = style.Colors;
    colors[ImGuiCol_WindowBg] = dark ? ImVec4(0.10f, 0.10f, 0.11f, 1.00f) : ImVec4(0.97f, 0.97f, 0.96f, 1.00f);
    colors[ImGuiCol_ChildBg] = dark ? ImVec4(0.14f, 0.14f, 0.15f, 1.00f) : ImVec4(1.00f, 1.00f, 1.00f, 1.00f);
    colors[ImGuiCol_Text] = dark ? ImVec4(0.92f, 0.92f, 0.90f, 1.00f) : ImVec4(0.12f, 0.12f, 0.12f, 1.00f);
    colors[ImGuiCol_TextDisabled] = dark ? ImVec4(0.58f, 0.58f, 0.56f, 1.00f) : ImVec4(0.42f, 0.42f, 0.40f, 1.00f);
    colors[ImGuiCol_Button] = dark ? ImVec4(0.22f, 0.22f, 0.23f, 1.00f) : ImVec4(0.90f, 0.89f, 0.87f, 1.00f);
    colors[ImGuiCol_ButtonHovered] = dark ? ImVec4(0.29f, 0.29f, 0.30f, 1.00f) : ImVec4(0.84f, 0.83f, 0.80f, 1.00f);
    colors[ImGuiCol_ButtonActive] = dark ? ImVec4(0.34f, 0.34f, 0.35f, 1.00f) : ImVec4(0.79f, 0.78f, 0.75f, 1.00f);
    colors[ImGuiCol_CheckMark] = g_accent;
    colors[ImGuiCol_SliderGrab] = g_accent;
    colors[ImGuiCol_TextSelectedBg] = ImVec4(g_accent.x, g_accent.y, g_accent.z, 0.35f);
    colors[ImGuiCol_NavHighlight] = g_accent;
    colors[ImGuiCol_Tab] = colors[ImGuiCol_WindowBg];
    colors[ImGuiCol_TabHovered] = dark ? ImVec4(0.29f, 0.29f, 0.30f, 1.00f) : ImVec4(0.86f, 0.85f, 0.82f, 1.00f);
    colors[ImGuiCol_TabActive] = dark ? ImVec4(0.22f, 0.22f, 0.23f, 1.00f) : ImVec4(0.90f, 0.89f, 0.87f, 1.00f);
    colors[ImGuiCol_SeparatorHovered] = g_accent_hover;
    colors[ImGuiCol_SeparatorActive] = g_accent;
    colors[ImGuiCol_Header] = dark ? ImVec4(0.22f, 0.22f, 0.23f, 1.00f) : ImVec4(0.90f, 0.89f, 0.87f, 1.00f);
    colors[ImGuiCol_HeaderHovered] = dark ? ImVec4(0.28f, 0.28f, 0.29f, 1.00f) : ImVec4(0.86f, 0.85f, 0.82f, 1.00f);
    colors[ImGuiCol_HeaderActive] = colors[ImGuiCol_HeaderHovered];
    colors[ImGuiCol_Separator] = dark ? ImVec4(0.25f, 0.25f, 0.26f, 1.00f) : ImVec4(0.85f, 0.84f, 0.82f, 1.00f);
    colors[ImGuiCol_FrameBg] = dark ? ImVec4(0.18f, 0.18f, 0.19f, 1.00f) : ImVec4(0.93f, 0.92f, 0.90f, 1.00f);
}

bool primaryButton(const char* label, float width) {
    ImGui::PushStyleColor(ImGuiCol_Button, g_accent);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, g_accent_hover);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, g_accent);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    bool pressed = ImGui::Button(label, ImVec2(width, 0));
    ImGui::PopStyleColor(4);
    locatePrimary(label);
    return pressed;
}

}  // namespace kiln::ui
