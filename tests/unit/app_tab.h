// A tab of Kiln for the app's tests: an app over a shared fake backend and fake peers (the other
// tabs), as the page opens one. Apps hold callbacks to themselves, so a Tab stays where it was made.
#pragma once

#include "app/app.h"
#include "storage_test_support.h"

namespace kiln::test {

struct Tab {
    Tab(FakeBackend& backend, FakePeers& peers) : link(peers) {
        app::openStorage(app, backend, link, "this browser", [this] { opened = true; });
    }
    FakePeers::Link link;
    app::App app;
    bool opened = false;
};

// Leaves in `backend` a library that a newer Kiln wrote (its schema one step ahead), holding one
// project, "Old", with one version: the next Tab opens it read-only.
inline void writeNewerLibrary(FakeBackend& backend, FakePeers& peers) {
    Tab tab(backend, peers);
    app::newProject(tab.app, "Old", "<p>v1</p>");
    tab.app.store->database().exec("PRAGMA user_version = " + std::to_string(store::currentSchemaVersion() + 1));
}

}  // namespace kiln::test
