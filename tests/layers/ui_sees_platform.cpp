// Wrong arrow: ui must not see the browser platform.
#include "platform/web/imgui_backend.h"
