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

}  // namespace kiln::test
