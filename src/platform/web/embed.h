// Kiln: running inside another site's page, in an iframe (docs/EMBEDDING.md), and the
// postMessage API for that page (the JS half is web/js/embed.js; what the messages say is
// app/embed_api.h). An embedded Kiln lays itself out for its frame's width, like any window, and
// never leaves its frame: nothing navigates the top page or opens Kiln in a new window (links to
// Kiln itself stay inside the frame).
#pragma once

#include <functional>
#include <string>

namespace kiln::web {

// Whether Kiln has an embedding page to talk to: its frame is a child of the top page (the page
// whose site the browser partitions Kiln's storage by) and that page's origin is known: `?origin=`
// names it, or else the browser's ancestor origins or the document's referrer. Not true for a
// page of its own, nor for a frame inside a frame (the page in the middle would reach the top
// site's library).
bool hasEmbedder();

// The embedding page's origin; "" when hasEmbedder() is false.
std::string embedderOrigin();

// Calls `changed(visible)` whenever the browser finds Kiln's frame visible and unobstructed on
// the embedding page, or no longer (IntersectionObserver v2, `trackVisibility`: not covered by
// another element, not transparent, not transformed), then requests a frame. Returns false,
// calling nothing, without an embedder or where the browser has no such observer (Firefox,
// Safari): there Kiln cannot know whether it is seen.
bool watchVisibility(std::function<void(bool visible)> changed);

// From now on, calls `received` with each message (as JSON text) that the embedding page posts to
// Kiln: from window.parent, with the embedder's origin; any other message (from another frame,
// another origin, the live preview) is ignored, as are messages that are not JSON data. Then a
// frame is requested. Does nothing when there is no embedder. Call once.
void listenToEmbedder(std::function<void(const std::string& message)> received);

// Posts `message` (JSON text) to the embedding page, to its origin only. Does nothing when there
// is no embedder.
void postToEmbedder(const std::string& message);

}  // namespace kiln::web
