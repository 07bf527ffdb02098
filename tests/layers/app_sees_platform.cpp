// Wrong arrow: app must not see the browser platform.
#include "platform/web/router.h"
