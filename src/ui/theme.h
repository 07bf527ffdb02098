// Kiln: fonts and colours.
#pragma once

struct ImFont;

namespace kiln::ui {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* title = nullptr;
    ImFont* code = nullptr;
};

// (Re)builds the font atlas for a device pixel ratio: glyphs are rasterized at ratio x their
// size and drawn at 1/ratio, so text stays as sharp as the browser's own. Fonts are read from
// `dir` (Noto Sans and JetBrains Mono, copied in from Debian's packages at build time); a
// missing file falls back to ImGui's built-in font. Returns the fonts to push.
Fonts loadFonts(const char* dir, float pixel_ratio);

void applyTheme(bool dark);

}  // namespace kiln::ui
