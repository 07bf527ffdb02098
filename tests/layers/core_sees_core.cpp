// Right arrow, the control: core includes core.
#include "core/diff/line_diff.h"
#include "core/store/store.h"
