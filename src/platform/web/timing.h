// Kiln: marks on the browser's performance timeline.
#pragma once

namespace kiln::web {

// Adds a mark named `name` at the current time (performance.mark): DevTools shows it in its
// Timings track, and the app benchmark reads the kiln:... marks of a start.
void markTime(const char* name);

}  // namespace kiln::web
