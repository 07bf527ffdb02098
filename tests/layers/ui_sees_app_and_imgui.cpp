// Right arrow, the control: ui includes ui, app, core and Dear ImGui.
#include <imgui.h>

#include "app/app.h"
#include "core/syntax/html_tokenizer.h"
#include "ui/theme.h"
