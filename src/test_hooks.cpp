// Kiln's test build only (kiln_test, build/web-test): the C++ half of window.kilnTest. On ?test=1
// pages the item locator records where each labelled item is drawn, and the test bridge answers
// kilnTest.state(), itemRect(), act() and query() with what is defined here; ?test=1&probe=input
// also draws the input probe. The build that users get links no_test_hooks.cpp instead.
#include "test_hooks.h"

#include <imgui.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "app/app.h"
#include "core/store/sqlite.h"
#include "platform/web/imgui_backend.h"
#include "platform/web/test_bridge.h"
#include "platform/web/webgl_renderer.h"
#include "ui/input_probe.h"
#include "ui/test_locator.h"

namespace kiln::test_hooks {

namespace {

struct Hooks {
    Host host;
    std::optional<ui::InputProbe> input_probe;  // ?test=1&probe=input pages only
};

Hooks& hooks() {
    static Hooks instance;
    return instance;
}

// kilnTest.state(): the app's snapshot, and what only this build knows (frames, scroll offsets
// and how far each window is from its end, the labels cut off, the probe).
std::string testState() {
    const Hooks& h = hooks();
    nlohmann::json state = app::stateSnapshot(*h.host.app);
    state["ready"] = state["ready"].get<bool>() && *h.host.frames_drawn > 0;
    state["frames_drawn"] = *h.host.frames_drawn;
    state["frames_pending"] = web::framesPending();
    state["frames_shown"] = web::framesShown();
    state["scroll"] = ui::scrollPositions();
    state["scroll_below"] = ui::scrollBelow();
    state["cut_off"] = ui::cutOffLabels();
    state["primary"] = ui::primaryLabels();
    state["small_targets"] = ui::smallTargets();
    if (h.input_probe) state["probe"] = ui::inputProbeState(*h.input_probe);
    return state.dump();
}

// kilnTest.act(): the actions tests drive without clicking, called as the UI calls them.
std::string testAct(const std::string& name, const std::string& argument) {
    app::App& app = *hooks().host.app;
    if (name == "newProject") {
        app::newProject(app, argument);
    } else if (name == "addVersion") {
        if (!app.open) return R"({"error":"no project is open"})";
        app.open->code = argument;
        app::saveCodeEdit(app);
    } else if (name == "setEndpoint") {
        // {"base_url", "model", "api_key", "stall_seconds"}: the Settings popup's fields, typed in
        // this order (the key field follows the base URL's origin), saved.
        const nlohmann::json fields = nlohmann::json::parse(argument, nullptr, false);
        if (!fields.is_object()) return R"({"error":"setEndpoint takes a JSON object"})";
        app::EndpointSettings settings = app.settings;
        settings.endpoint.base_url = fields.value("base_url", settings.endpoint.base_url);
        app::followKeyOrigin(app, settings);
        settings.endpoint.model = fields.value("model", settings.endpoint.model);
        settings.endpoint.api_key = fields.value("api_key", settings.endpoint.api_key);
        settings.stall_seconds = fields.value("stall_seconds", settings.stall_seconds);
        app::saveEndpointSettings(app, settings);
    } else if (name == "testConnection") {
        app::testConnection(app, app.settings);
    } else if (name == "send") {
        app.prompt = argument;
        app::sendPrompt(app);
    } else {
        return nlohmann::json{{"error", "unknown action " + name}}.dump();
    }
    if (hooks().host.wake) hooks().host.wake();
    return "{}";
}

// kilnTest.query(): one statement, on a connection of its own that refuses to write.
std::string testQuery(const std::string& sql) {
    app::App& app = *hooks().host.app;
    if (!app.database) return R"({"error":"the library is not open yet"})";
    try {
        store::Database db = app.database->connect();
        db.exec("PRAGMA query_only = 1");
        store::Statement statement(db, sql);
        nlohmann::json rows = nlohmann::json::array();
        while (statement.step()) {
            nlohmann::json row = nlohmann::json::array();
            for (int column = 0; column < statement.columnCount(); ++column) {
                row.push_back(statement.isNull(column) ? nlohmann::json(nullptr)
                                                       : nlohmann::json(statement.columnText(column)));
            }
            rows.push_back(std::move(row));
        }
        return nlohmann::json{{"rows", rows}}.dump();
    } catch (const std::exception& error) {
        return nlohmann::json{{"error", error.what()}}.dump();
    }
}

}  // namespace

void install(Host host) {
    hooks().host = std::move(host);
    if (!web::testModeRequested()) return;  // the page as users get it, only bigger
    ui::enableTestLocator();
    if (web::inputProbeRequested()) hooks().input_probe.emplace();
    web::installTestHandlers({
        testState,
        [](const std::string& label) { return ui::itemRectJson(label); },
        testAct,
        testQuery,
    });
}

void beginFrame() {
    ui::beginLocatorFrame();
}

void drawExtras() {
    if (hooks().input_probe) ui::drawInputProbe(*hooks().input_probe);
}

void endFrame() {
    ui::endLocatorFrame();
}

}  // namespace kiln::test_hooks
