// Wrong arrow: core must not see ui.
#include "ui/theme.h"
