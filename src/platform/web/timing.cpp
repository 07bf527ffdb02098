#include "platform/web/timing.h"

#include <emscripten.h>

namespace kiln::web {

void markTime(const char* name) {
    EM_ASM({ performance.mark(UTF8ToString($0)); }, name);
}

}  // namespace kiln::web
