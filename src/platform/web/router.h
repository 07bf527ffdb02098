// Kiln: the URL's hash as the address of what is open (`#/p/<id>/v/<n>`), so a reload restores
// it, Back and Forward move between what was opened, and a pasted link opens it. This is the
// browser's half only: the app parses and formats the routes.
#pragma once

#include <functional>
#include <string>

namespace kiln::web {

// The hash of the page's URL, with its leading '#', or "" when it has none.
std::string currentHash();

// The page's URL without its hash, and without the embedding parameters (?embed=1, origin): what
// a link to something in Kiln starts with.
std::string pageUrl();

// Makes `hash` ("#/p/…", the '#' optional; "" for none) the hash of the page's URL, keeping its path and query.
// With `push`, a new history entry (Back returns to the previous hash); without, the current
// entry is replaced (for corrections that must not be a step of their own). Does nothing when the
// hash is already `hash`. Never triggers onHashChange callbacks.
void setHash(const std::string& hash, bool push);

// Calls `callback` with the new hash (as currentHash() gives it) whenever it changes other than
// through setHash: Back, Forward, a link, the user editing the address bar. Callbacks run in the
// order they were added, then a frame is requested.
void onHashChange(std::function<void(const std::string&)> callback);

}  // namespace kiln::web
