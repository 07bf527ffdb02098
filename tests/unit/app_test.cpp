// The app's actions, as the panels use them.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "app/app.h"
#include "app/app_internal.h"
#include "app/embed_api.h"
#include "app_tab.h"
#include "core/codegen/request.h"
#include "core/store/library_import.h"
#include "fake_origin.h"
#include "storage_test_support.h"

using namespace kiln;
using app::App;

namespace {

App openApp() {
    App app;
    app::openInMemory(app);
    return app;
}

// Adds a version to the open project the way a generation will.
void generate(App& app, const std::string& prompt, const std::string& code) {
    app.store->insertVersion({app.open->project.id, {}, prompt, code, "model", "Loopback", {}});
    app::openProject(app, app.open->project.public_id);
}

}  // namespace

TEST(App, OpensAnEmptyLibraryInMemory) {
    App app = openApp();
    nlohmann::json state = app::stateSnapshot(app);
    EXPECT_TRUE(state["ready"].get<bool>());
    EXPECT_EQ(state["schema_version"], store::currentSchemaVersion());
    EXPECT_EQ(state["sqlite_version"], "3.50.4");
    EXPECT_TRUE(state["projects"].empty());
    EXPECT_TRUE(state["open"].is_null());
    EXPECT_EQ(state["route"], "#/");
    EXPECT_TRUE(state["errors"].empty());
}

TEST(App, NewProjectIsListedFirstAndOpened) {
    App app = openApp();
    app::newProject(app);
    app::newProject(app);
    ASSERT_EQ(app.projects.size(), 2u);
    EXPECT_EQ(app.projects[0].project.name, "Untitled 2");
    ASSERT_TRUE(app.open);
    EXPECT_EQ(app.open->project.name, "Untitled 2");
    EXPECT_EQ(app.open->selected, 0);
    EXPECT_EQ(app::stateSnapshot(app)["open"]["name"], "Untitled 2");
}

TEST(App, StarterPromptNamesTheProjectAndFillsThePromptBox) {
    App app = openApp();
    app::startFromPrompt(app, "a pomodoro timer with a dark theme and a very long description that goes on");
    ASSERT_TRUE(app.open);
    EXPECT_EQ(app.open->project.name, "A pomodoro timer with a dark theme and a…");
    EXPECT_EQ(app.prompt, "a pomodoro timer with a dark theme and a very long description that goes on");
    // Cut at a word, without the comma before it.
    app::startFromPrompt(app, "A pomodoro timer with a dark theme, start/pause/reset, and a soft chime");
    EXPECT_EQ(app.open->project.name, "A pomodoro timer with a dark theme…");
}

TEST(App, ANameFromAPromptWithoutSpacesIsCutBetweenCharactersKeepingAllThatFit) {
    App app = openApp();
    std::string prompt;
    for (int i = 0; i < 30; ++i) prompt += "\xE6\x97\xA5";  // 日, three bytes: 13 fit in 40 bytes
    app::startFromPrompt(app, prompt);
    ASSERT_TRUE(app.open);
    EXPECT_EQ(app.open->project.name, prompt.substr(0, 39) + "…");
}

TEST(App, SearchFiltersByNameIgnoringCase) {
    App app = openApp();
    app::startFromPrompt(app, "Pomodoro timer");
    app::startFromPrompt(app, "Snake game");
    app.search = "TIMER";
    std::vector<const store::ProjectSummary*> visible = app::visibleProjects(app);
    ASSERT_EQ(visible.size(), 1u);
    EXPECT_EQ(visible[0]->project.name, "Pomodoro timer");
    app.search.clear();
    EXPECT_EQ(app::visibleProjects(app).size(), 2u);
}

TEST(App, SearchFindsProjectsByWhatTheirVersionsSayAndDo) {
    App app = openApp();
    app::startFromPrompt(app, "Pomodoro timer");
    generate(app, "make the digits bigger", "<p>25:00</p><script>startCountdown()</script>");
    app::startFromPrompt(app, "Snake game");
    app.search = "digits";
    ASSERT_EQ(app::visibleProjects(app).size(), 1u);
    EXPECT_EQ(app::visibleProjects(app)[0]->project.name, "Pomodoro timer");
    app.search = "countdown";  // a word of the code, found from its start only
    EXPECT_EQ(app::visibleProjects(app).size(), 0u);
    app.search = "startcount";
    ASSERT_EQ(app::visibleProjects(app).size(), 1u);
    // A version made while the search is shown is found by it.
    app.search = "glows";
    EXPECT_EQ(app::visibleProjects(app).size(), 0u);
    app::internal::addVersion(app, {app.open->project.id, {}, "a snake that glows", "<canvas></canvas>", "", "", {}});
    ASSERT_EQ(app::visibleProjects(app).size(), 1u);
    EXPECT_EQ(app::visibleProjects(app)[0]->project.name, "Snake game");
}

TEST(App, VersionsCanBeSelectedRestoredAndForked) {
    App app = openApp();
    app::newProject(app);
    generate(app, "first", "<p>one</p>");
    generate(app, "second", "<p>two</p>");
    EXPECT_EQ(app.open->selected, 2);
    EXPECT_EQ(app.open->code, "<p>two</p>");

    uint64_t revision = app.open->preview_revision;
    app::selectVersion(app, 1);
    EXPECT_EQ(app.open->code, "<p>one</p>");
    EXPECT_GT(app.open->preview_revision, revision) << "the preview reloads";
    EXPECT_EQ(app::formatRoute(app::currentRoute(app)), "#/p/" + app.open->project.public_id + "/v/1");

    app::restoreVersion(app, 1);
    EXPECT_EQ(app.open->selected, 3);
    EXPECT_EQ(app.open->code, "<p>one</p>");
    EXPECT_EQ(app.open->versions.back().prompt, "Restored version 1");
    EXPECT_EQ(app.open->versions.back().parent_id, app.open->versions.front().id);

    const std::string source = app.open->project.public_id;
    app::forkVersion(app, 2);
    EXPECT_NE(app.open->project.public_id, source);
    EXPECT_EQ(app.open->project.name, "Untitled 1 (fork)");
    ASSERT_EQ(app.open->versions.size(), 1u);
    EXPECT_EQ(app.open->code, "<p>two</p>");
    EXPECT_EQ(app.projects.size(), 2u);
}

TEST(App, AManualEditIsSavedAsANewVersionOrDiscarded) {
    App app = openApp();
    app::newProject(app);
    generate(app, "first", "<p>one</p>");
    app.open->code = "<p>edited</p>";
    EXPECT_TRUE(app::codeEdited(app));
    app::discardCodeEdit(app);
    EXPECT_FALSE(app::codeEdited(app));
    EXPECT_EQ(app.open->code, "<p>one</p>");

    app.open->code = "<p>edited</p>";
    app::saveCodeEdit(app);
    EXPECT_FALSE(app::codeEdited(app));
    EXPECT_EQ(app.open->selected, 2);
    EXPECT_EQ(app.store->getCode(app.open->project.id), "<p>edited</p>");
    EXPECT_EQ(app.open->versions.back().prompt, "Edited by hand");
}

TEST(App, DeleteCanBeUndone) {
    App app = openApp();
    app::newProject(app);
    generate(app, "first", "<p>kept</p>");
    int64_t id = app.open->project.id;
    app::deleteProject(app, id);
    EXPECT_FALSE(app.open);
    EXPECT_TRUE(app.projects.empty());
    EXPECT_EQ(app::stateSnapshot(app)["undo_delete"], "Untitled 1");
    app::undoDelete(app);
    ASSERT_EQ(app.projects.size(), 1u);
    ASSERT_TRUE(app.open);
    EXPECT_EQ(app.open->code, "<p>kept</p>");
    EXPECT_FALSE(app.undo_delete);
}

TEST(App, RenameShowsAtOnceAndRefusesAnEmptyName) {
    App app = openApp();
    app::newProject(app);
    app::renameProject(app, app.open->project.id, "Timer");
    EXPECT_EQ(app.open->project.name, "Timer");
    EXPECT_EQ(app.projects[0].project.name, "Timer");
    app::renameProject(app, app.open->project.id, "   ");
    EXPECT_FALSE(app.error.empty());
    EXPECT_EQ(app.open->project.name, "Timer");
}

TEST(App, RoutesRoundTripAndRejectOtherHashes) {
    EXPECT_EQ(app::formatRoute({}), "#/");
    EXPECT_EQ(app::formatRoute({"ab12", 0}), "#/p/ab12");
    EXPECT_EQ(app::formatRoute({"ab12", 3}), "#/p/ab12/v/3");
    EXPECT_EQ(app::parseRoute("#/p/ab12/v/3"), (app::Route{"ab12", 3}));
    EXPECT_EQ(app::parseRoute("#/p/ab12"), (app::Route{"ab12", 0}));
    EXPECT_EQ(app::parseRoute(""), app::Route{});
    EXPECT_EQ(app::parseRoute("#/"), app::Route{});
    for (const char* bad :
         {"#/p/", "#/p/zz", "#/p/ab12/v/0", "#/p/ab12/v/x", "#/p/ab12/x/1", "#/p/ab12/v/3x", "#settings"}) {
        EXPECT_EQ(app::parseRoute(bad), std::nullopt) << bad;
    }
}

TEST(App, NavigateOpensWhatALinkNames) {
    App app = openApp();
    app::newProject(app);
    generate(app, "first", "<p>one</p>");
    generate(app, "second", "<p>two</p>");
    const std::string id = app.open->project.public_id;
    app::navigate(app, {});
    EXPECT_FALSE(app.open);
    app::navigate(app, {id, 1});
    ASSERT_TRUE(app.open);
    EXPECT_EQ(app.open->code, "<p>one</p>");
    app::navigate(app, {id, 9});
    EXPECT_NE(app.error.find("no version 9"), std::string::npos) << app.error;
    app::dismissError(app);
    app::navigate(app, {"0123456789abcdef", 0});
    EXPECT_NE(app.error.find("not in this library"), std::string::npos) << app.error;
}

TEST(App, TheUrlHashFollowsWhatIsOpenAndOpensWhatItNames) {
    App unopened;
    EXPECT_EQ(app::routeToPush(unopened), std::nullopt) << "the hash still names what to open";
    EXPECT_EQ(app::openHash(unopened, "#/p/ab12"), std::nullopt);

    App app = openApp();
    EXPECT_EQ(app::followRoutes(app, ""), "#/") << "an empty hash opens the library";
    EXPECT_EQ(app::routeToPush(app), std::nullopt);
    app::newProject(app);
    generate(app, "first", "<p>one</p>");
    generate(app, "second", "<p>two</p>");
    const std::string project = "#/p/" + app.open->project.public_id;
    EXPECT_EQ(app::routeToPush(app), project + "/v/2") << "what the user opened is a new history entry";
    EXPECT_EQ(app::routeToPush(app), std::nullopt) << "once";

    EXPECT_EQ(app::openHash(app, project + "/v/1"), std::nullopt) << "the URL already shows it";
    EXPECT_EQ(app.open->code, "<p>one</p>");
    EXPECT_EQ(app::routeToPush(app), std::nullopt);
    EXPECT_EQ(app::openHash(app, project + "/v/9"), project + "/v/1") << "shows what is open instead";
    EXPECT_NE(app.error.find("no version 9"), std::string::npos) << app.error;
    app::dismissError(app);
    EXPECT_EQ(app::openHash(app, "#settings"), std::nullopt);
    EXPECT_EQ(app.error, "That link does not name a project or version of Kiln: #settings");
    EXPECT_EQ(app.open->code, "<p>one</p>") << "nothing else changed";

    App reloaded = openApp();
    EXPECT_EQ(app::followRoutes(reloaded, "#/p/0123456789abcdef"), "#/") << "not in this library";
    EXPECT_FALSE(reloaded.error.empty());
}

TEST(App, AStoreFailureBecomesAVisibleErrorAndCanBeDismissed) {
    App app = openApp();
    app.store->database().exec("DROP TABLE versions");
    app::newProject(app);
    ASSERT_FALSE(app.error.empty());
    EXPECT_EQ(app::stateSnapshot(app)["errors"].size(), 1u);
    app::dismissError(app);
    EXPECT_TRUE(app::stateSnapshot(app)["errors"].empty());
}

TEST(App, WithoutAStoreActionsDoNothing) {
    App app;
    app::newProject(app);
    app::openProject(app, "ab12");
    EXPECT_FALSE(app::stateSnapshot(app)["ready"].get<bool>());
    EXPECT_TRUE(app.projects.empty());
}

TEST(App, StarterPromptsAreOnePerLine) {
    App app = openApp();
    app::setStarterPrompts(app, "a pomodoro timer\r\n\n  \nsnake game  \n");
    EXPECT_EQ(app.starter_prompts, (std::vector<std::string>{"a pomodoro timer", "snake game"}));
}

TEST(App, ThemeChoiceIsKeptInTheSettings) {
    App app = openApp();
    EXPECT_EQ(app.theme, app::Theme::System);
    app::setTheme(app, app::Theme::Dark);
    EXPECT_EQ(app.store->getSetting("theme"), "dark");
    for (app::Theme theme : app::kThemes) EXPECT_EQ(app::parseTheme(app::themeName(theme)), theme);
    EXPECT_EQ(app::parseTheme("purple"), app::Theme::System) << "a name Kiln does not know";
}

TEST(App, ChangesCompareAVersionWithTheOneItWasMadeFrom) {
    App app = openApp();
    app::newProject(app, "");
    generate(app, "a list", "<ul>\n<li>a</li>\n</ul>\n");
    app::compareVersions(app);
    EXPECT_EQ(app.open->changes.base, 0) << "the first version is compared with nothing";
    EXPECT_EQ(app.open->changes.comparison->diff().added, 3);

    app.open->code = "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n";
    app::saveCodeEdit(app);
    app::compareVersions(app);
    nlohmann::json changes = app::stateSnapshot(app)["open"]["changes"];
    EXPECT_EQ(changes, (nlohmann::json{{"base", 1}, {"target", 2}, {"added", 1}, {"removed", 0}}));

    app::restoreVersion(app, 1);  // version 3 is made from version 1
    EXPECT_EQ(app::stateSnapshot(app)["open"].count("changes"), 0u) << "a new selection drops the old comparison";
    EXPECT_EQ(app::defaultBase(*app.open, 3), 1);
    app::compareVersions(app);
    EXPECT_EQ(app.open->changes.comparison->diff().added, 0);
    EXPECT_EQ(app.open->changes.comparison->diff().removed, 0);
    app::compareVersions(app, 2);
    EXPECT_EQ(app.open->changes.base, 2);
    EXPECT_EQ(app.open->changes.comparison->diff().removed, 1);
    const std::shared_ptr<const diff::Comparison> kept = app.open->changes.comparison;
    app::compareVersions(app, 2);
    EXPECT_EQ(app.open->changes.comparison, kept) << "asked again, nothing is recomputed";
}

// ---------------------------------------------------------------------------------------------
// Storage: the library kept in a key-value store, shared by tabs, exported and imported
// ---------------------------------------------------------------------------------------------

namespace {

using test::Tab;

std::vector<std::string> projectNames(const App& app) {
    std::vector<std::string> names;
    for (const auto& item : app.projects) names.push_back(item.project.name);
    return names;
}

}  // namespace

TEST(AppStorage, OpensTheStoredLibraryAndSavesEveryChange) {
    test::FakeBackend backend;
    test::FakePeers peers;
    {
        Tab tab(backend, peers);
        ASSERT_TRUE(tab.opened);
        EXPECT_TRUE(app::stateSnapshot(tab.app)["ready"].get<bool>());
        EXPECT_EQ(app::saveView(tab.app).state, app::SaveView::State::Saved);
        app::newProject(tab.app, "Kept");
        app::setTheme(tab.app, app::Theme::Dark);
        nlohmann::json state = app::stateSnapshot(tab.app);
        EXPECT_EQ(state["saved"], "saved");
        EXPECT_EQ(state["storage"]["durable"], true);
        EXPECT_EQ(state["storage"]["lock"], "none");
    }
    Tab reopened(backend, peers);
    EXPECT_EQ(projectNames(reopened.app), (std::vector<std::string>{"Kept"}));
    EXPECT_EQ(reopened.app.theme, app::Theme::Dark);
}

// What is typed and kept as it is typed: tabs over one library, one after another, whose apps
// read a clock the test moves.
class AppTyping : public ::testing::Test {
protected:
    // A tab on the library, reading the test's clock. (Tabs stay where they are made.)
    std::unique_ptr<Tab> openTab() {
        auto tab = std::make_unique<Tab>(backend, peers);
        tab->app.clock_ms = [this] { return clock; };
        return tab;
    }
    test::FakeBackend backend;
    test::FakePeers peers;
    int64_t clock = 0;
};

TEST_F(AppTyping, EachProjectKeepsWhatIsTypedInItsPromptBoxAlsoAfterAReload) {
    std::string a, b;
    {
        const std::unique_ptr<Tab> tab = openTab();
        App& app = tab->app;
        app::syncPrompt(app);
        app.prompt = "an idea for later";  // on the start page
        app::newProject(app, "A");
        a = app.open->project.public_id;
        EXPECT_EQ(app.prompt, "") << "a project's box is its own";
        app.prompt = "make it blue";
        clock += app::kKeepTypedMs;
        app::keepPrompt(app, false);  // as it is typed: at most every kKeepTypedMs
        EXPECT_EQ(app.store->getSetting(app::promptKey(a)), "make it blue");
        app.prompt = "make it blue and round";
        clock += 300;
        // Not due yet: the panel is told when it is, so that the last keys typed are kept even
        // if nothing else draws a frame (a frame a millisecond early would otherwise keep nothing).
        EXPECT_EQ(app::keepPrompt(app, false), app::kKeepTypedMs - 300);
        EXPECT_EQ(app.store->getSetting(app::promptKey(a)), "make it blue") << "not due yet";
        clock += app::kKeepTypedMs - 301;
        EXPECT_EQ(app::keepPrompt(app, false), 1);
        clock += 1;
        EXPECT_EQ(app::keepPrompt(app, false), 0);
        EXPECT_EQ(app.store->getSetting(app::promptKey(a)), "make it blue and round");
        clock += app::kKeepTypedMs;
        EXPECT_EQ(app.store->getSetting(app::promptKey(a)), "make it blue and round");
        app::newProject(app, "B");
        b = app.open->project.public_id;
        app.prompt = "a header";  // kept as B is left, whenever it was typed
        app::openProject(app, a);
        EXPECT_EQ(app.prompt, "make it blue and round");
        app::closeProject(app);
        app::syncPrompt(app);
        EXPECT_EQ(app.prompt, "an idea for later");
    }
    backend.hold();  // the library is still being read as the first frames are drawn
    Tab reopened(backend, peers);
    app::syncPrompt(reopened.app);
    EXPECT_EQ(reopened.app.prompt, "");
    backend.releaseAll();
    ASSERT_TRUE(reopened.opened);
    app::syncPrompt(reopened.app);
    EXPECT_EQ(reopened.app.prompt, "an idea for later");
    app::openProject(reopened.app, b);
    EXPECT_EQ(reopened.app.prompt, "a header");
    app::openProject(reopened.app, a);
    EXPECT_EQ(reopened.app.prompt, "make it blue and round");
}

TEST(AppStorage, AProjectsErrorLeavesWithItButNotWithItsVersions) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab tab(backend, peers);
    App& app = tab.app;
    app::newProject(app, "A");
    const std::string a = app.open->project.public_id;
    generate(app, "first", "<p>one</p>");
    generate(app, "second", "<p>two</p>");
    app.error = "The browser blocked the app's new tab.";
    app.error_detail = "detail";
    app::selectVersion(app, 1);
    EXPECT_EQ(app.error, "The browser blocked the app's new tab.") << "the same project";
    app::newProject(app, "B");
    EXPECT_EQ(app.error, "");
    EXPECT_EQ(app.error_detail, "");
    app::openProject(app, "no-such-project");  // an error of opening stays
    EXPECT_NE(app.error, "");
    EXPECT_EQ(app.open->project.name, "B");
    app::openProject(app, a, 2);
    EXPECT_EQ(app.error, "");
}

TEST_F(AppTyping, AHandEditStaysWithItsVersionAcrossSwitchesAndReloads) {
    std::string a, b;
    {
        const std::unique_ptr<Tab> tab = openTab();
        App& app = tab->app;
        app::newProject(app, "A");
        a = app.open->project.public_id;
        generate(app, "first", "<p>one</p>");
        generate(app, "second", "<p>two</p>");
        app.open->code = "<p>two, edited</p>";
        app::keepCodeEdit(app, false);  // as it is typed: at most every kKeepTypedMs
        EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "<p>two, edited</p>");
        app.open->code = "<p>two, edited again</p>";
        EXPECT_EQ(app::keepCodeEdit(app, false), app::kKeepTypedMs);  // due then: the panel draws again then
        EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "<p>two, edited</p>") << "not due yet";
        app::selectVersion(app, 1);  // kept as its version is left, whenever it was typed
        EXPECT_EQ(app.open->code, "<p>one</p>");
        EXPECT_FALSE(app::codeEdited(app));
        EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "<p>two, edited again</p>");
        app::selectVersion(app, 2);
        EXPECT_EQ(app.open->code, "<p>two, edited again</p>");
        EXPECT_TRUE(app::codeEdited(app));

        app::newProject(app, "B");  // code typed into a project with no version yet
        b = app.open->project.public_id;
        app.open->code = "<p>by hand</p>";
        app::closeProject(app);
        EXPECT_EQ(app.store->getSetting(app::editKey(b, 0)), "<p>by hand</p>");
    }
    Tab reopened(backend, peers);
    App& app = reopened.app;
    app::openProject(app, a, 2);
    EXPECT_EQ(app.open->code, "<p>two, edited again</p>");
    EXPECT_EQ(app.open->stored_code, "<p>two</p>");
    app::openProject(app, b);
    EXPECT_EQ(app.open->code, "<p>by hand</p>");
    app::openProject(app, a, 1);
    EXPECT_EQ(app.open->code, "<p>one</p>") << "an edit is its version's";

    // Saved as a version: the edit is in it, and no longer kept.
    app::selectVersion(app, 2);
    app::saveCodeEdit(app);
    EXPECT_EQ(app.open->selected, 3);
    EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "");
    app::selectVersion(app, 2);
    EXPECT_EQ(app.open->code, "<p>two</p>");
    // Discarded, or undone back to the stored code: no longer kept either.
    app.open->code = "<p>two, once more</p>";
    app::keepCodeEdit(app, true);
    EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "<p>two, once more</p>");
    app::discardCodeEdit(app);
    EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "");
    app.open->code = "<p>two, for a moment</p>";
    app::keepCodeEdit(app, true);
    app.open->code = "<p>two</p>";
    app::selectVersion(app, 1);
    EXPECT_EQ(app.store->getSetting(app::editKey(a, 2)), "");
    // A deleted project's edit comes back with it.
    app::openProject(app, b);
    app.open->code = "<p>by hand, more</p>";
    app::deleteProject(app, app.open->project.id);
    app::undoDelete(app);
    EXPECT_EQ(app.open->code, "<p>by hand, more</p>");
}

TEST(AppStorage, SaveStateFollowsStorageNotSqlite) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab tab(backend, peers);
    backend.hold();
    app::newProject(tab.app, "Slow");
    while (app::saveView(tab.app).state != app::SaveView::State::Saving) ASSERT_TRUE(backend.releaseOne());
    EXPECT_EQ(projectNames(tab.app), (std::vector<std::string>{"Slow"})) << "shown before it is saved";
    backend.releaseAll();
    EXPECT_EQ(app::saveView(tab.app).state, app::SaveView::State::Saved);

    backend.failWrites(storage::KvCode::QuotaExceeded, -1);
    app::newProject(tab.app, "Too big");
    app::SaveView view = app::saveView(tab.app);
    EXPECT_EQ(view.state, app::SaveView::State::NotSaved);
    EXPECT_EQ(view.label, "Not saved: storage is full");
    EXPECT_NE(view.detail.find("full"), std::string::npos);
    EXPECT_TRUE(app::savingWantsRetry(tab.app)) << "a full storage may have room later";
    backend.failWrites(storage::KvCode::Ok, 0);
    app::retrySaving(tab.app);
    EXPECT_EQ(app::saveView(tab.app).state, app::SaveView::State::Saved);
    EXPECT_FALSE(app::savingWantsRetry(tab.app));
}

TEST(AppStorage, WithoutStorageTheAppWorksInMemoryAndSaysWhy) {
    test::FakeBackend backend;
    backend.failReads(storage::KvCode::Unavailable);
    test::FakePeers peers;
    Tab tab(backend, peers);
    ASSERT_TRUE(tab.opened);
    EXPECT_FALSE(tab.app.storage.durable);
    EXPECT_FALSE(peers.holdsAny(tab.link));
    app::newProject(tab.app, "Only here");
    EXPECT_EQ(projectNames(tab.app), (std::vector<std::string>{"Only here"}));
    const app::SaveView view = app::saveView(tab.app);
    EXPECT_EQ(view.state, app::SaveView::State::NotSaved);
    EXPECT_EQ(view.label, "Not saved: no storage here");
    EXPECT_NE(view.detail.find("Export"), std::string::npos) << view.detail;
    EXPECT_EQ(tab.app.error, view.detail) << "said once where it cannot be missed";
    EXPECT_TRUE(app::exportDatabase(tab.app).has_value());
}

TEST(AppStorage, EachTabSeesTheOthersChangesAndKeepsAnUnsavedEdit) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    app::newProject(first.app, "Shared");
    EXPECT_EQ(projectNames(second.app), (std::vector<std::string>{"Shared"}));
    app::openProject(second.app, second.app.projects[0].project.public_id);
    first.app.open->code = "<p>from the first</p>";
    app::saveCodeEdit(first.app);
    second.app.open->code = "<p>typing in the second</p>";
    app::newProject(first.app, "Another");
    ASSERT_TRUE(second.app.open);
    EXPECT_EQ(second.app.open->versions.size(), 1u);
    EXPECT_EQ(second.app.open->code, "<p>typing in the second</p>");
    EXPECT_EQ(projectNames(second.app), (std::vector<std::string>{"Another", "Shared"}));
    app::deleteProject(first.app, second.app.open->project.id);
    EXPECT_FALSE(second.app.open) << "a project deleted in another tab is closed";
}

namespace {

// Takes requests and never answers: a send that is made, and nothing more.
struct QuietHttp : app::HttpClient {
    uint64_t send(const codegen::HttpRequest&, app::HttpCallbacks) override { return ++sent; }
    void abort(uint64_t) override {}
    uint64_t sent = 0;
};

}  // namespace

// A key forgotten or a site revoked in one tab is not brought back by the other tab's next save
// of the settings it read before.
TEST(AppStorage, AKeyForgottenOrASiteRevokedInOneTabStaysSoInTheOther) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    QuietHttp http;
    constexpr char kSite[] = "https://embedder.example";
    for (Tab* tab : {&first, &second}) {
        tab->app.origin_of = test::fakeOriginOf;
        tab->app.clock_ms = [] { return int64_t{100'000}; };
        tab->app.http = &http;
        tab->app.embed.origin = kSite;
        tab->app.embed.post = [](const std::string&) {};
    }
    app::EndpointSettings settings = first.app.settings;
    settings.endpoint = codegen::endpointFromPreset(codegen::PresetKind::Custom);
    settings.endpoint.base_url = "http://127.0.0.1:8090/v1";
    settings.endpoint.model = "kiln-test/ok";
    settings.endpoint.api_key = "sk-shared";
    app::saveEndpointSettings(first.app, settings);
    app::newProject(first.app, "Shared");
    first.app.embed.pending = app::ConsentRequest{kSite, "a clock", nullptr};
    app::answerConsent(first.app, app::ConsentChoice::Always);
    ASSERT_EQ(first.app.embed.always, std::vector<std::string>{kSite});
    EXPECT_EQ(second.app.settings.endpoint.api_key, "sk-shared");
    EXPECT_EQ(second.app.embed.always, std::vector<std::string>{kSite});

    // The second tab forgets the key and revokes the site; the first then saves its settings.
    app::forgetKey(second.app, "http://127.0.0.1:8090");
    app::revokeConsent(second.app, kSite);
    EXPECT_EQ(first.app.settings.endpoint.api_key, "");
    EXPECT_TRUE(first.app.embed.always.empty());
    app::EndpointSettings edited = first.app.settings;
    edited.endpoint.model = "kiln-test/edit";
    app::saveEndpointSettings(first.app, edited);
    first.app.embed.pending = app::ConsentRequest{"https://other.example", "b", nullptr};
    app::answerConsent(first.app, app::ConsentChoice::Always);

    Tab third(backend, peers);
    third.app.origin_of = test::fakeOriginOf;
    app::loadEndpointSettings(third.app);
    app::loadEmbedConsent(third.app);
    EXPECT_EQ(third.app.settings.endpoint.model, "kiln-test/edit");
    EXPECT_EQ(third.app.settings.endpoint.api_key, "");
    EXPECT_TRUE(third.app.settings.keys.empty());
    EXPECT_EQ(third.app.embed.always, std::vector<std::string>{"https://other.example"});
}

TEST(AppStorage, ExportAndImportGoThroughAConfirmationAndRefusalsChangeNothing) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab source(backend, peers);
    app::newProject(source.app, "Exported");
    std::optional<storage::Bytes> file = app::exportDatabase(source.app);
    ASSERT_TRUE(file);

    test::FakeBackend other_backend;
    test::FakePeers other_peers;
    Tab target(other_backend, other_peers);
    app::newProject(target.app, "Replaced");
    app::offerImport(target.app, "kiln-2025-01-31.sqlite", {'n', 'o', 'p', 'e'});
    EXPECT_EQ(app::stateSnapshot(target.app)["pending_import"], nullptr) << "refused before the user is asked";
    EXPECT_NE(target.app.error.find("not a SQLite database"), std::string::npos) << target.app.error;
    EXPECT_EQ(projectNames(target.app), (std::vector<std::string>{"Replaced"}));
    EXPECT_TRUE(target.app.open);

    app::dismissError(target.app);
    app::offerImport(target.app, "kiln-2025-01-31.sqlite", *file);
    EXPECT_EQ(app::stateSnapshot(target.app)["pending_import"], "kiln-2025-01-31.sqlite");
    app::cancelImport(target.app);
    EXPECT_EQ(projectNames(target.app), (std::vector<std::string>{"Replaced"}));

    app::offerImport(target.app, "kiln-2025-01-31.sqlite", *file);
    app::confirmImport(target.app, app::ImportChoice::Replace);
    EXPECT_TRUE(target.app.error.empty()) << target.app.error;
    EXPECT_EQ(projectNames(target.app), (std::vector<std::string>{"Exported"}));
    EXPECT_FALSE(target.app.open);
    EXPECT_EQ(target.app.notice, "Replaced your library with kiln-2025-01-31.sqlite: 1 project.");
    EXPECT_EQ(app::saveView(target.app).state, app::SaveView::State::Saved);
    Tab reopened(other_backend, other_peers);
    EXPECT_EQ(projectNames(reopened.app), (std::vector<std::string>{"Exported"}));
}

// A file of some projects holds them (versions, app data, search) and nothing else of the library:
// no other project, no settings, no trace of either in its pages. Importing it adds them.
TEST(AppStorage, AFileOfProjectsHoldsThemAloneAndImportingItAddsThem) {
    App source = openApp();
    app::newProject(source, "Timer");
    generate(source, "a timer", "<p>timer one</p>");
    generate(source, "make it red", "<p>timer two</p>");
    const int64_t timer = source.open->project.id;
    source.store->changeAppData(timer, {false, {{"laps", "3"}}});
    app::newProject(source, "Private diary");
    generate(source, "a diary", "<p>secret-diary-entry</p>");
    app::newProject(source, "Game");
    generate(source, "a game", "<p>snake</p>");
    const int64_t game = source.open->project.id;
    source.store->setSetting("api_key", R"({"key":"sk-secret-1","origin":"https://api.example"})");
    source.store->setSetting("theme", "dark");

    std::optional<app::ProjectsFile> file = app::exportProjects(source, {timer, game}, 0);
    ASSERT_TRUE(file) << source.error;
    EXPECT_EQ(file->name.substr(0, 16), "kiln-2-projects-");
    const auto holds = [&](const std::string& text) {
        return std::search(file->bytes.begin(), file->bytes.end(), text.begin(), text.end()) != file->bytes.end();
    };
    EXPECT_TRUE(holds("timer two"));
    EXPECT_TRUE(holds("snake"));
    EXPECT_FALSE(holds("secret-diary-entry"));
    EXPECT_FALSE(holds("Private diary"));
    EXPECT_FALSE(holds("sk-secret-1"));
    EXPECT_FALSE(holds("api.example"));

    // A plain Kiln file: the import's checks pass, its search index answers for what it holds.
    const store::ImportFile checked = store::ImportFile::check(file->bytes);
    EXPECT_EQ(checked.summary().projects, 2);
    EXPECT_EQ(checked.summary().versions, 3);
    store::Database copy(":memory:");
    copy.deserialize(file->bytes);
    const auto count = [&copy](const std::string& sql, const std::string& match = "") {
        store::Statement select(copy, sql);
        if (!match.empty()) select.bind(1, match);
        return select.step() ? select.columnInt(0) : -1;
    };
    copy.exec("INSERT INTO version_search (version_search) VALUES ('integrity-check')");  // throws if out of step
    const std::string search = "SELECT count(*) FROM version_search WHERE version_search MATCH ?";
    EXPECT_EQ(count(search, "timer"), 2);
    EXPECT_EQ(count(search, "diary"), 0) << "the search index holds another project's words";
    EXPECT_EQ(count("SELECT count(*) FROM settings"), 0);
    // Row ids from 1, with no gap where a project or version of the library was left out.
    EXPECT_EQ(count("SELECT max(id) FROM projects"), 2);
    EXPECT_EQ(count("SELECT max(id) FROM versions"), 3);
    EXPECT_EQ(count("SELECT count(*) FROM version_global_ids"), 3);

    // Importing it adds the projects; a name taken gets " (2)"; nothing there is changed.
    App target = openApp();
    app::newProject(target, "Timer");
    target.store->setSetting("theme", "light");
    app::offerImport(target, file->name, file->bytes);
    app::confirmImport(target, app::ImportChoice::Add);
    EXPECT_EQ(target.error, "");
    std::vector<std::string> names;
    for (const auto& item : target.projects) names.push_back(item.project.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"Game", "Timer", "Timer (2)"}));
    EXPECT_EQ(target.store->getSetting("theme"), std::optional<std::string>("light"));
    for (const auto& item : target.projects) {
        if (item.project.name != "Timer (2)") continue;
        EXPECT_EQ(item.version_count, 2);
        EXPECT_EQ(target.store->getAppData(item.project.id).size(), 1u);
    }

    // A library made by a newer Kiln may hold what this one does not know to leave out.
    test::FakeBackend backend;
    test::FakePeers peers;
    test::writeNewerLibrary(backend, peers);
    Tab newer(backend, peers);
    ASSERT_TRUE(newer.app.store && newer.app.store->readOnly());
    EXPECT_FALSE(app::exportProjects(newer.app, {newer.app.projects.at(0).project.id}, 0));
    EXPECT_NE(newer.app.error.find("Export the whole library"), std::string::npos) << newer.app.error;

    // One project's file is named after it.
    std::optional<app::ProjectsFile> one = app::exportProjects(source, {game}, 0);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->name, "Game.kiln");
    EXPECT_EQ(store::ImportFile::check(one->bytes).summary().projects, 1);
}

TEST(AppStorage, FilesOfProjectsAreNamedAfterTheirProjectOrTheirCountAndDate) {
    std::tm day{};
    day.tm_year = 125;
    day.tm_mon = 0;
    day.tm_mday = 31;
    day.tm_hour = 12;
    const std::time_t now = std::mktime(&day);
    EXPECT_EQ(app::projectsFileName({"Pomodoro timer"}, now), "Pomodoro timer.kiln");
    EXPECT_EQ(app::projectsFileName({"../x:y"}, now), "x-y.kiln");
    EXPECT_EQ(app::projectsFileName({" ... "}, now), "project.kiln");
    EXPECT_EQ(app::projectsFileName({"con"}, now), "con-project.kiln");
    EXPECT_EQ(app::projectsFileName({"A", "B", "C"}, now), "kiln-3-projects-2025-01-31.kiln");
}

TEST(AppStorage, ExportsAreNamedAfterTheLocalDate) {
    std::tm day{};
    day.tm_year = 2025 - 1900;
    day.tm_mon = 0;
    day.tm_mday = 31;
    day.tm_hour = 12;
    EXPECT_EQ(app::exportFileName(std::mktime(&day)), "kiln-2025-01-31.sqlite");
}

// A project's name becomes a file name that every system saves as written, that cannot climb out
// of the downloads folder, hide itself, pose as another type, or clash with a device name.
TEST(AppFileName, IsTheProjectNameMadeSafeWithHtmlAfterIt) {
    EXPECT_EQ(app::appFileName("Pomodoro timer"), "Pomodoro timer.html");
    EXPECT_EQ(app::appFileName("Résumé 😀 — 番茄"), "Résumé 😀 — 番茄.html");
    // Separators and the characters Windows refuses.
    EXPECT_EQ(app::appFileName("../../etc/passwd"), "etc-passwd.html");
    EXPECT_EQ(app::appFileName("a/../b"), "a-..-b.html");
    EXPECT_EQ(app::appFileName("a\\b:c*d?e\"f<g>h|i"), "a-b-c-d-e-f-g-h-i.html");
    // Control characters, and the bidirectional marks that can make "x.exe" read as "exe.x".
    EXPECT_EQ(app::appFileName("line\nbreak\t\ttab\x7f"), "line-break-tab.html");
    EXPECT_EQ(app::appFileName("bad \xff\xfe bytes"), "bad - bytes.html");
    EXPECT_EQ(app::appFileName("invoice\u202Elmth.exe"), "invoice-lmth.exe.html");
    EXPECT_EQ(app::appFileName("a\u2066b\u2069c\u200Fd"), "a-b-c-d.html");
    // Leading dots would hide the file; trailing dots and spaces are dropped by Windows.
    EXPECT_EQ(app::appFileName("  .hidden. . "), "hidden.html");
    // Names Windows keeps for devices, whatever their case or extension.
    EXPECT_EQ(app::appFileName("con"), "con-app.html");
    EXPECT_EQ(app::appFileName("LPT1.txt"), "LPT1.txt-app.html");
    EXPECT_EQ(app::appFileName("console"), "console.html");
    // Nothing left: a plain name.
    EXPECT_EQ(app::appFileName(""), "app.html");
    EXPECT_EQ(app::appFileName(" ... "), "app.html");
    // Long names are cut at a character boundary, never inside a UTF-8 sequence.
    const std::string long_name = app::appFileName(std::string(300, 'x'));
    EXPECT_EQ(long_name, std::string(120, 'x') + ".html");
    std::string accents;
    for (int i = 0; i < 100; ++i) accents += "é";
    const std::string trimmed = app::appFileName("a" + accents);
    ASSERT_EQ(trimmed.size(), 1 + 59 * 2 + 5u);
    EXPECT_EQ(trimmed.substr(trimmed.size() - 7), "é.html");
}
