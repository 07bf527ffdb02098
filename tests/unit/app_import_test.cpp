// Importing a library file, as the user does it: the file is checked before they are asked, then
// added or made the library (with Undo); a failure at any step leaves the library as it was; and
// a library from a newer Kiln refuses every action that writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/embed_api.h"
#include "app_tab.h"
#include "import_test_support.h"
#include "storage_test_support.h"

using namespace kiln;
using app::App;

namespace {

using test::Tab;

std::vector<std::string> sortedNames(const App& app) {
    std::vector<std::string> names;
    for (const auto& item : app.projects) names.push_back(item.project.name);
    std::sort(names.begin(), names.end());
    return names;
}

storage::Bytes library(App& app) {
    return app.database->exportBytes();
}

// The library as a fresh tab reads it from `backend`.
storage::Bytes reopened(test::FakeBackend::State state) {
    test::FakeBackend backend(std::move(state));
    test::FakePeers peers;
    Tab tab(backend, peers);
    return tab.app.database ? tab.app.database->exportBytes() : storage::Bytes{};
}

}  // namespace

TEST(AppImport, TheFileIsCheckedBeforeTheUserIsAsked) {
    App app;
    app::openInMemory(app);
    app::newProject(app, "Mine");
    const storage::Bytes before = library(app);

    app::offerImport(app, "evil.sqlite", test::kilnLibrary([](store::Database& db) {
                         db.exec("CREATE TRIGGER x AFTER INSERT ON versions BEGIN DELETE FROM versions; END");
                     }));
    EXPECT_FALSE(app.pending_import) << "a refused file is never offered";
    EXPECT_EQ(app.error,
              "This file has a trigger named “x” on the table “versions” that Kiln does not make. "
              "Nothing was changed.");
    EXPECT_NE(app.error_detail.find("CREATE TRIGGER"), std::string::npos);
    EXPECT_EQ(app::stateSnapshot(app)["error_detail"], app.error_detail);
    EXPECT_EQ(library(app), before);
    app::dismissError(app);
    EXPECT_TRUE(app.error_detail.empty());

    app::receiveImportFile(app, "big.sqlite", std::nullopt, "NotReadableError");
    EXPECT_EQ(app.error,
              "Kiln could not read big.sqlite (NotReadableError). Nothing was changed; try choosing "
              "the file again.");
    EXPECT_FALSE(app.pending_import);
    app::dismissError(app);

    app::receiveImportFile(app, "kiln.sqlite", test::kilnLibrary(), "");
    ASSERT_TRUE(app.pending_import);
    EXPECT_EQ(app::stateSnapshot(app)["pending_import_holds"],
              "2 projects, 3 versions, made by Kiln schema " + std::to_string(store::currentSchemaVersion()));
    app::cancelImport(app);
    EXPECT_EQ(library(app), before);
}

TEST(AppImport, AddJoinsTheLibraryAndTouchesNothingThere) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab tab(backend, peers);
    app::newProject(tab.app, "Alpha", "<p>mine</p>");
    app::setTheme(tab.app, app::Theme::Dark);
    const store::Project mine = tab.app.open->project;

    app::offerImport(tab.app, "kiln.sqlite", test::kilnLibrary());
    app::confirmImport(tab.app, app::ImportChoice::Add);
    EXPECT_TRUE(tab.app.error.empty()) << tab.app.error;
    EXPECT_EQ(sortedNames(tab.app), (std::vector<std::string>{"Alpha", "Alpha (2)", "Beta"}));
    EXPECT_EQ(tab.app.notice, "Added 2 projects from kiln.sqlite to your library.");
    EXPECT_EQ(tab.app.store->getProject(mine.id)->public_id, mine.public_id);
    EXPECT_EQ(tab.app.store->getProject(mine.id)->updated_at, mine.updated_at);
    EXPECT_EQ(tab.app.store->getCode(mine.id), "<p>mine</p>");
    EXPECT_FALSE(tab.app.store->getProjectByPublicId("00000000000000aa")) << "imported projects get new ids";
    EXPECT_EQ(tab.app.store->getSetting("theme"), "dark") << "the file's settings are never taken";
    EXPECT_EQ(app::saveView(tab.app).state, app::SaveView::State::Saved);
    EXPECT_TRUE(tab.app.open) << "the open project stays open";

    Tab again(backend, peers);
    EXPECT_EQ(sortedNames(again.app), (std::vector<std::string>{"Alpha", "Alpha (2)", "Beta"}));
}

TEST(AppImport, ReplaceCanBeUndoneByteForByte) {
    test::FakeBackend backend;
    test::FakePeers peers;
    Tab tab(backend, peers);
    app::newProject(tab.app, "Mine", "<p>mine</p>");
    app::setTheme(tab.app, app::Theme::Dark);
    const storage::Bytes before = library(tab.app);

    app::offerImport(tab.app, "kiln.sqlite", test::kilnLibrary());
    app::confirmImport(tab.app, app::ImportChoice::Replace);
    EXPECT_TRUE(tab.app.error.empty()) << tab.app.error;
    EXPECT_EQ(sortedNames(tab.app), (std::vector<std::string>{"Alpha", "Beta"}));
    EXPECT_EQ(tab.app.notice, "Replaced your library with kiln.sqlite: 2 projects.");
    EXPECT_EQ(tab.app.theme, app::Theme::Dark) << "settings stay this library's";
    EXPECT_TRUE(tab.app.undo_replace);
    EXPECT_EQ(app::saveView(tab.app).state, app::SaveView::State::Saved);
    {
        Tab other(backend, peers);
        EXPECT_EQ(sortedNames(other.app), (std::vector<std::string>{"Alpha", "Beta"}));
    }

    app::undoReplace(tab.app);
    EXPECT_TRUE(tab.app.error.empty()) << tab.app.error;
    EXPECT_FALSE(tab.app.undo_replace);
    EXPECT_EQ(sortedNames(tab.app), (std::vector<std::string>{"Mine"}));
    EXPECT_EQ(library(tab.app), before) << "Undo restores the library byte for byte";
    EXPECT_EQ(app::saveView(tab.app).state, app::SaveView::State::Saved);
    EXPECT_EQ(reopened(backend.state()), before) << "and that is what is saved";
}

// A crash after any write of an Add or a Replace reopens the library as it was, byte for byte,
// or with the whole import: never a part of it, never a broken library.
TEST(AppImport, ACrashAtAnyStepLeavesTheLibraryWholeAndAQuotaFailureChangesNothingStored) {
    for (const app::ImportChoice choice : {app::ImportChoice::Add, app::ImportChoice::Replace}) {
        SCOPED_TRACE(choice == app::ImportChoice::Add ? "Add" : "Replace");
        test::FakeBackend backend;
        test::FakePeers peers;
        Tab tab(backend, peers);
        app::newProject(tab.app, "Mine", "<p>mine</p>");
        const storage::Bytes before = library(tab.app);
        const size_t writes_before = backend.history().size();

        app::offerImport(tab.app, "kiln.sqlite", test::kilnLibrary());
        app::confirmImport(tab.app, choice);
        ASSERT_TRUE(tab.app.error.empty()) << tab.app.error;
        const storage::Bytes after = library(tab.app);
        for (size_t k = writes_before - 1; k < backend.history().size(); ++k) {
            const storage::Bytes found = reopened(backend.history()[k]);
            EXPECT_TRUE(found == before || found == after) << "crash after write " << k;
        }
        EXPECT_EQ(reopened(backend.history()[writes_before - 1]), before);
        EXPECT_EQ(reopened(backend.history().back()), after);

        // Storage full: nothing stored changes; the tab says so and keeps retrying.
        test::FakeBackend full;
        test::FakePeers full_peers;
        Tab second(full, full_peers);
        app::newProject(second.app, "Mine", "<p>mine</p>");
        const test::FakeBackend::State stored = full.state();
        const storage::Bytes second_before = library(second.app);
        full.failWrites(storage::KvCode::QuotaExceeded, -1);
        app::offerImport(second.app, "kiln.sqlite", test::kilnLibrary());
        app::confirmImport(second.app, choice);
        EXPECT_EQ(app::saveView(second.app).state, app::SaveView::State::NotSaved);
        EXPECT_EQ(full.state(), stored) << "nothing was stored";
        EXPECT_EQ(reopened(full.state()), second_before);
        // Room again: the import is saved; a Replace can still be undone, byte for byte.
        full.failWrites(storage::KvCode::Ok, 0);
        app::retrySaving(second.app);
        EXPECT_EQ(app::saveView(second.app).state, app::SaveView::State::Saved);
        EXPECT_EQ(reopened(full.state()), library(second.app));
        if (choice == app::ImportChoice::Replace) {
            app::undoReplace(second.app);
            EXPECT_EQ(library(second.app), second_before);
            EXPECT_EQ(reopened(full.state()), second_before);
        }
    }
}

TEST(AppImport, ALibraryWithForeignObjectsIsCleanedAtOpenWithANotice) {
    // A library an earlier Kiln imported as it was, trigger included.
    test::FakeBackend backend;
    test::FakePeers peers;
    {
        Tab tab(backend, peers);
        app::newProject(tab.app, "Kept", "<p>kept</p>");
        sqlite3_db_config(tab.app.store->database().handle(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, nullptr);
        tab.app.store->database().exec(
            "CREATE TRIGGER wipe AFTER INSERT ON versions BEGIN DELETE FROM versions WHERE id <> new.id; END");
    }
    Tab tab(backend, peers);
    EXPECT_EQ(tab.app.notice,
              "Removed a trigger named “wipe” that Kiln does not make from the library. Your projects and versions "
              "are unchanged.");
    EXPECT_TRUE(tab.app.store->database().defensive());
    app::openProject(tab.app, tab.app.projects[0].project.public_id);
    tab.app.open->code = "<p>edited</p>";
    app::saveCodeEdit(tab.app);
    EXPECT_EQ(tab.app.open->versions.size(), 2u) << "the trigger deletes nothing";
}

// Every action in src/app that writes, on a library made by a newer Kiln: each refuses with
// the read-only message and the library stays byte for byte as it was.
TEST(AppImport, ANewerLibraryRefusesEveryWriteAction) {
    test::FakeBackend backend;
    test::FakePeers peers;
    test::writeNewerLibrary(backend, peers);
    Tab tab(backend, peers);
    App& app = tab.app;
    ASSERT_TRUE(app.store && app.store->readOnly());
    const std::string message = app.store->schemaStatus().message;
    const storage::Bytes before = library(app);
    const int64_t project_id = app.projects.at(0).project.id;
    const std::string public_id = app.projects.at(0).project.public_id;
    const storage::Bytes file = test::kilnLibrary();
    app.settings.saved = true;
    app.settings.endpoint.base_url = "http://127.0.0.1:1";
    app.settings.endpoint.model = "m";

    const std::vector<std::pair<const char*, std::function<void()>>> actions = {
        {"newProject", [&] { app::newProject(app, "New"); }},
        {"newProject with code", [&] { app::newProject(app, "New", "<p/>"); }},
        {"startFromPrompt", [&] { app::startFromPrompt(app, "a timer"); }},
        {"renameProject", [&] { app::renameProject(app, project_id, "Renamed"); }},
        {"deleteProject", [&] { app::deleteProject(app, project_id); }},
        {"undoDelete",
         [&] {
             app.undo_delete = app.store->getProject(project_id);
             app::undoDelete(app);
         }},
        {"restoreVersion",
         [&] {
             app::openProject(app, public_id);
             app::restoreVersion(app, 1);
         }},
        {"forkVersion",
         [&] {
             app::openProject(app, public_id);
             app::forkVersion(app, 1);
         }},
        {"saveCodeEdit",
         [&] {
             app::openProject(app, public_id);
             app.open->code = "<p>x</p>";
             app::saveCodeEdit(app);
         }},
        {"setTheme", [&] { app::setTheme(app, app::Theme::Dark); }},
        {"saveEndpointSettings", [&] { app::saveEndpointSettings(app, app.settings); }},
        {"forgetKey", [&] { app::forgetKey(app, "http://127.0.0.1:1234"); }},
        {"sendPrompt",
         [&] {
             app.prompt = "make it blue";
             app::sendPrompt(app);
         }},
        {"keepDraft",
         [&] {
             app.draft = app::Draft{};
             app::keepDraft(app);
         }},
        {"continueDraft",
         [&] {
             app.draft = app::Draft{};
             app.draft->can_continue = true;
             app.generation.phase = app::GenerationPhase::Truncated;
             app::continueDraft(app);
         }},
        {"offerImport (file picker, drop)", [&] { app::offerImport(app, "kiln.sqlite", file); }},
        {"confirmImport Add",
         [&] {
             app.pending_import = app::PendingImport{"kiln.sqlite", file, {}};
             app::confirmImport(app, app::ImportChoice::Add);
         }},
        {"confirmImport Replace",
         [&] {
             app.pending_import = app::PendingImport{"kiln.sqlite", file, {}};
             app::confirmImport(app, app::ImportChoice::Replace);
         }},
        {"undoReplace",
         [&] {
             app.undo_replace = file;
             app::undoReplace(app);
         }},
        {"embed new-project",
         [&] { app::handleEmbedMessage(app, R"({"kiln":"new-project","name":"E","code":"<p/>"})"); }},
        {"embed prompt and send",
         [&] { app::handleEmbedMessage(app, R"({"kiln":"prompt","text":"hi","send":true})"); }},
    };
    app.embed.origin = "https://embedder.example";  // the embed API answers only an embedding page
    for (const auto& [name, action] : actions) {
        SCOPED_TRACE(name);
        app::dismissError(app);
        action();
        EXPECT_EQ(app.error, message);
        EXPECT_EQ(library(app), before);
        EXPECT_EQ(app.generation.phase == app::GenerationPhase::Running, false) << "no request was sent";
    }
}
