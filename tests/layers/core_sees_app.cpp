// Wrong arrow: core must not see app.
#include "app/app.h"
