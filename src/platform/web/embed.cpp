#include "platform/web/embed.h"

#include <emscripten.h>

namespace kiln::web {

bool embedMode() {
    static const bool embed =
        EM_ASM_INT({ return new URLSearchParams(location.search).get('embed') === '1' ? 1 : 0; }) != 0;
    return embed;
}

}  // namespace kiln::web
