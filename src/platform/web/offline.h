// Kiln: working offline. A service worker (web/sw.js) precaches the app shell, one cache per
// build version, so after one visit Kiln starts without the network. A new version is downloaded
// in the background and waits, complete, until the user chooses to switch to it.
#pragma once

namespace kiln::web {

// Whether a new version of Kiln is downloaded completely and waits to take over, so the app can
// say "A new version of Kiln is available: Reload". A frame is requested when it becomes true.
bool updateWaiting();

// Switches to the waiting version and reloads the page, as the user asked with "Reload": save
// whatever must survive (a typed prompt) before calling it. Does nothing when none waits.
void applyUpdate();

}  // namespace kiln::web
