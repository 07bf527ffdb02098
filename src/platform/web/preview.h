// Kiln: the live preview. Generated code runs in a real DOM <iframe> placed exactly over the
// ImGui preview panel, sandboxed without allow-same-origin ("allow-scripts allow-forms
// allow-modals allow-popups allow-downloads"): it gets an opaque origin, so it can never read
// Kiln's IndexedDB, localStorage, cookies or DOM. web/js/preview.js explains the frame layout.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::web {

// Shows the preview over the rectangle (x, y, w, h), in CSS pixels of the page (ImGui's
// coordinates), running `html` as a complete document. Call it every frame the panel is drawn:
// when nothing changed it costs a few comparisons and no call into the page. The frame moves only
// when the rectangle changes, and the document is reloaded only when `revision` differs from the
// previous call's (the caller picks revisions: a new one for new code, or to run the same code
// afresh); `html` is read only then.
void showPreview(float x, float y, float w, float h, std::uint64_t revision, const std::string& html);

// Hides the preview (its panel is hidden, or a popup or modal covers it). The document keeps its
// state and goes on running, so showing it again with the same revision does not reload it.
void hidePreview();

}  // namespace kiln::web
