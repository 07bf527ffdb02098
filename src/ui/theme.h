// Kiln: fonts and colours.
#pragma once

struct ImFont;
struct ImVec4;

namespace kiln::ui {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* title = nullptr;
    ImFont* code = nullptr;
};

// Which characters a font atlas holds.
enum class Glyphs {
    // Latin-1 and general punctuation: Kiln's own words (labels, messages, starter prompts), a
    // tenth of the glyphs of All, for the first frame, drawn before the library is open.
    Start,
    // Every character Kiln draws (kGlyphRanges in theme.cpp), for everything the user wrote.
    All,
};

// (Re)builds the font atlas for a device pixel ratio: glyphs are rasterized at ratio x their
// size and drawn at 1/ratio, so text stays as sharp as the browser's own. Fonts are read from
// `dir` (Noto Sans and JetBrains Mono, copied in from Debian's packages at build time); a
// missing file falls back to ImGui's built-in font. Returns the fonts to push.
Fonts loadFonts(const char* dir, float pixel_ratio, Glyphs glyphs);

void applyTheme(bool dark);

// A button in Kiln's accent colour, for the one main action of a view (a view shows one at most:
// browser tests check it through the test locator).
bool primaryButton(const char* label, float width = 0.0f);

}  // namespace kiln::ui
