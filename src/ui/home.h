// Kiln: the home screen: what Kiln is, where projects are kept, and the project list.
#pragma once

#include "core/app/app.h"
#include "ui/theme.h"

namespace kiln::ui {

void drawHome(app::App& app, const Fonts& fonts);

}  // namespace kiln::ui
