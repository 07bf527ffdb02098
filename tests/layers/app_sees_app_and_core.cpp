// Right arrow, the control: app includes app and core.
#include "app/app.h"
#include "core/codegen/request.h"
