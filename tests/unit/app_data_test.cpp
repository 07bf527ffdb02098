// What a generated app keeps with localStorage and sessionStorage (app/app_data.h): handed to
// each run, its changes taken back as checked batches, kept per project (localStorage in the
// library), and listed, removed and cleared with Undo by the App data view.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/app.h"

using namespace kiln;
using app::App;
using app::AppDataArea;

namespace {

using Changes = std::vector<std::pair<std::string, nlohmann::json>>;

// [[key, value], ...] (a list of pairs, which nlohmann::json would make an object).
nlohmann::json pairs(const Changes& changes) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [key, value] : changes) list.push_back(nlohmann::json::array({key, value}));
    return list;
}

// A batch as the preview sends it, for the run `run` (0: the one the preview shows).
std::string batch(const App& app, const char* area, const Changes& changes, uint64_t run = 0) {
    return nlohmann::json{{"run", run ? run : app.preview.serial}, {"area", area}, {"changes", pairs(changes)}}.dump();
}

nlohmann::json runData(const App& app) {
    return nlohmann::json::parse(app.app_data.run_data);
}

class AppDataTest : public ::testing::Test {
protected:
    AppDataTest() {
        app::openInMemory(app);
        app::newProject(app, "Counter", "<p>count</p>");
        app::syncPreview(app);
    }
    App app;
};

}  // namespace

TEST_F(AppDataTest, WhatTheAppStoresIsGivenToItsNextRunsAndNewVersions) {
    EXPECT_EQ(runData(app), (nlohmann::json{{"local", nlohmann::json::array()}, {"session", nlohmann::json::array()}}));
    EXPECT_TRUE(app::receiveAppData(app, batch(app, "local", {{"count", "3"}, {"theme", "dark"}})));
    EXPECT_TRUE(app::receiveAppData(app, batch(app, "session", {{"tab", "2"}})));
    EXPECT_TRUE(app::receiveAppData(app, batch(app, "local", {{"theme", nullptr}})));

    app::restoreVersion(app, 1);  // a new version: a new run of the same project
    app::syncPreview(app);
    EXPECT_EQ(runData(app)["local"], pairs({{"count", "3"}}));
    EXPECT_EQ(runData(app)["session"], pairs({{"tab", "2"}}));
    EXPECT_EQ(app.store->getAppData(app.open->project.id).size(), 1u) << "localStorage is in the library";

    const std::string counter = app.open->project.public_id;
    app::newProject(app, "Other", "<p>other</p>");
    app::syncPreview(app);
    EXPECT_EQ(runData(app)["local"], nlohmann::json::array()) << "another project has data of its own";
    app::openProject(app, counter);
    app::syncPreview(app);
    EXPECT_EQ(runData(app)["local"], pairs({{"count", "3"}}));
}

TEST_F(AppDataTest, ABatchFromTheRunBeforeStillGoesToItsOwnProject) {
    const uint64_t counter_run = app.preview.serial;
    const int64_t counter = app.open->project.id;
    app::newProject(app, "Other", "<p>other</p>");
    app::syncPreview(app);
    ASSERT_NE(app.preview.serial, counter_run);
    EXPECT_TRUE(app::receiveAppData(app, batch(app, "local", {{"saved", "on unload"}}, counter_run)));
    EXPECT_EQ(app.store->getAppData(counter).size(), 1u);
    EXPECT_TRUE(app.store->getAppData(app.open->project.id).empty());
}

TEST_F(AppDataTest, WhatTheAppCouldPostIsCheckedAndWhatIsMalformedDropped) {
    const std::string run = std::to_string(app.preview.serial);
    for (const std::string& bad : std::vector<std::string>{
             "", "[]", "{\"area\": \"local\"}", R"({"run": 99999, "area": "local", "changes": [["k", "v"]]})",
             R"({"run": -1, "area": "local", "changes": [["k", "v"]]})",
             R"({"run": )" + run + R"(, "area": "indexedDB", "changes": [["k", "v"]]})",
             R"({"run": )" + run + R"(, "area": "local", "changes": [["k", 5], [1, "v"], "kv", ["k"]]})",
             R"({"run": )" + run + R"(, "area": "local", "changes": {"k": "v"}})"}) {
        EXPECT_FALSE(app::receiveAppData(app, bad)) << bad;
    }
    Changes flood;
    for (size_t i = 0; i <= app::kAppDataMaxChanges; ++i) flood.emplace_back("k" + std::to_string(i), "v");
    EXPECT_FALSE(app::receiveAppData(app, batch(app, "local", flood))) << "more changes than the host passes on";
    EXPECT_TRUE(app.store->getAppData(app.open->project.id).empty());
}

TEST_F(AppDataTest, PastTheCapNothingMoreIsKeptAndTheConsoleSaysSo) {
    const std::string half(store::kAppDataMaxLength / 2, 'x');
    app::receiveAppData(app, batch(app, "local", {{"a", half}, {"b", half}}));
    EXPECT_EQ(app.store->getAppData(app.open->project.id).size(), 1u);
    ASSERT_EQ(app.console.entries.size(), 1u);
    EXPECT_EQ(app.console.entries.back().level, app::ConsoleLevel::Warn) << "Kiln's word: not an error Fix would send";
    EXPECT_NE(app.console.entries.back().text.find("5 MB"), std::string::npos);
    app::receiveAppData(app, batch(app, "session", {{"a", half}, {"b", half}}));
    EXPECT_EQ(app.console.entries.size(), 2u) << "sessionStorage has the same cap";
}

TEST_F(AppDataTest, ClearingRemovesBothAreasRunsTheAppAgainAndCanBeUndone) {
    app::receiveAppData(app, batch(app, "local", {{"count", "3"}}));
    app::receiveAppData(app, batch(app, "session", {{"tab", "2"}}));
    ASSERT_EQ(app::appDataList(app).items.size(), 2u);
    EXPECT_EQ(app::appDataList(app).length, 6);
    const uint64_t revision = app.open->preview_revision;

    app::clearAppData(app);
    EXPECT_TRUE(app::appDataList(app).items.empty());
    EXPECT_NE(app.open->preview_revision, revision) << "the app runs again without its data";
    app::syncPreview(app);
    EXPECT_EQ(runData(app)["local"], nlohmann::json::array());

    app::undoClearAppData(app);
    const app::AppDataList& list = app::appDataList(app);
    ASSERT_EQ(list.items.size(), 2u);
    EXPECT_EQ(list.items[0].area, AppDataArea::Local);
    EXPECT_EQ(list.items[0].value, "3");
    EXPECT_EQ(list.items[1].area, AppDataArea::Session);
    EXPECT_FALSE(app.app_data.undo_clear);

    app::removeAppDataItem(app, AppDataArea::Session, "tab");
    ASSERT_EQ(app::appDataList(app).items.size(), 1u);
    EXPECT_EQ(app::appDataList(app).items[0].key, "count");
}

TEST_F(AppDataTest, AProjectInTheTrashKeepsItsDataAndALateWriteIsNoError) {
    app::receiveAppData(app, batch(app, "local", {{"count", "3"}}));
    const int64_t project = app.open->project.id;
    const uint64_t run = app.preview.serial;
    app::deleteProject(app, project);
    app::receiveAppData(app, batch(app, "local", {{"count", "4"}}, run));
    EXPECT_EQ(app.error, "");
    app::undoDelete(app);
    EXPECT_EQ(app.store->getAppData(project)[0].value, "3");
}

TEST_F(AppDataTest, ASharedAppKeepsItsDataInMemoryOnly) {
    app.shared.emplace();
    app.shared->phase = app::SharedView::Phase::Ready;
    app.shared->key = "share/abc";
    app.shared->app.code = "<p>shared</p>";
    app.shared->revision = ++app.revisions;
    app::syncPreview(app);
    app::receiveAppData(app, batch(app, "local", {{"k", "v"}}));
    EXPECT_TRUE(app.store->getAppData(app.open->project.id).empty());
    app.shared->revision = ++app.revisions;
    app::syncPreview(app);
    EXPECT_EQ(runData(app)["local"], pairs({{"k", "v"}}));
}

TEST_F(AppDataTest, AfterClearingAnAppStillRunningOutOfSightWritesNothingBack) {
    app::receiveAppData(app, batch(app, "local", {{"count", "3"}}));
    const uint64_t hidden_run = app.preview.serial;  // the App data tab shows: the preview is hidden, not stopped
    app::clearAppData(app);
    EXPECT_FALSE(app::receiveAppData(app, batch(app, "local", {{"count", "4"}}, hidden_run)));
    EXPECT_TRUE(app.store->getAppData(app.open->project.id).empty());
}

TEST_F(AppDataTest, AReplacedLibraryTakesNoWriteOfARunStartedBefore) {
    const uint64_t run = app.preview.serial;
    const int64_t id = app.open->project.id;
    // Another project now has the id (a Replace renumbers): the run's public id no longer matches.
    app.store->database().exec("UPDATE projects SET public_id = '00000000000000ff' WHERE id = " + std::to_string(id));
    app::receiveAppData(app, batch(app, "local", {{"count", "4"}}, run));
    EXPECT_TRUE(app.store->getAppData(id).empty());
}
