// Wrong arrow: app must not see ui.
#include "ui/app_ui.h"
