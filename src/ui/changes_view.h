// Kiln: the Changes view. What the selected version changed from an earlier one (the version it
// was made from, unless another is chosen): removed lines on red, added lines on green, each
// with its line numbers, and the unchanged stretches between changes folded into one row.
#pragma once

#include "app/app.h"

namespace kiln::ui {

struct Fonts;

// Draws the view into the rest of the current window. `dark` picks the palette.
void drawChanges(app::App& app, const Fonts& fonts, bool dark);

}  // namespace kiln::ui
