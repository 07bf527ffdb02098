// Wrong arrow: app must not see Dear ImGui.
#include <imgui.h>
