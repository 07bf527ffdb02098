// Wrong arrow: core must not see Dear ImGui.
#include <imgui.h>
