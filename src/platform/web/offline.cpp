#include "platform/web/offline.h"

#include <emscripten.h>

namespace kiln::web {

bool updateWaiting() {
    return EM_ASM_INT({ return window.kilnOffline.updateWaiting() ? 1 : 0; }) != 0;
}

void applyUpdate() {
    EM_ASM({ window.kilnOffline.applyUpdate(); });
}

}  // namespace kiln::web
