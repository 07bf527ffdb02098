// Kiln: running inside another site's page, in an iframe (README: "Embedding Kiln").
#pragma once

namespace kiln::web {

// Whether the page was opened with `?embed=1`: the compact layout for an iframe in another page.
// An embedded Kiln must not leave its frame: nothing may navigate the top page or open Kiln in a
// new window (links to Kiln itself stay inside the frame).
bool embedMode();

}  // namespace kiln::web
