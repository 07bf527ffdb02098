// What the app in the preview reports (app/preview_console.h): batches from the preview, checked
// like any input from outside, capped, emptied with each new run, and kept with the version.
#include <gtest/gtest.h>

#include "app/app.h"

using namespace kiln;
using app::App;
using app::ConsoleLevel;

TEST(PreviewConsole, ABatchBecomesEntriesWithTheirLevelsLinesAndErrorsCounted) {
    App app;
    app::openInMemory(app);
    EXPECT_TRUE(app::receiveConsole(app, R"({"entries": [
        {"level": "log", "text": "started", "line": 0, "column": 0},
        {"level": "error", "text": "TypeError: x is undefined", "line": 12, "column": 5},
        {"level": "warn", "text": "slow"}], "dropped": 0})"));
    ASSERT_EQ(app.console.entries.size(), 3u);
    EXPECT_EQ(app.console.entries[1].level, ConsoleLevel::Error);
    EXPECT_EQ(app.console.entries[1].line, 12);
    EXPECT_EQ(app.console.entries[1].column, 5);
    EXPECT_EQ(app.console.entries[2].line, 0);
    EXPECT_EQ(app.console.errors, 1u);
    const nlohmann::json snapshot = app::stateSnapshot(app)["console"];
    EXPECT_EQ(snapshot["count"], 3);
    EXPECT_EQ(snapshot["errors"], 1);
    EXPECT_EQ(snapshot["last"][1]["text"], "TypeError: x is undefined");
}

TEST(PreviewConsole, WhatTheAppCouldPostIsCheckedAndWhatIsMalformedSkipped) {
    App app;
    app::openInMemory(app);
    for (const char* batch :
         {"", "not json", "[]", "{\"entries\": 5}", "{\"entries\": [1, \"x\", null]}",
          R"({"entries": [{"level": "fatal", "text": "x"}, {"level": "log"}, {"text": "x"}]})", R"({"dropped": -3})"}) {
        EXPECT_FALSE(app::receiveConsole(app, batch)) << batch;
    }
    EXPECT_TRUE(app.console.entries.empty());
    EXPECT_EQ(app.console.dropped, 0u);

    app::receiveConsole(app, R"({"entries": [{"level": "error", "text": "x", "line": -4, "column": 1e10},
                                              {"level": "log", "text": "y", "line": "12"}]})");
    ASSERT_EQ(app.console.entries.size(), 2u);
    EXPECT_EQ(app.console.entries[0].line, 0);
    EXPECT_EQ(app.console.entries[0].column, 0);
    EXPECT_EQ(app.console.entries[1].line, 0);

    const std::string long_text(10'000, 'a');
    app::receiveConsole(app, nlohmann::json{{"entries", {{{"level", "log"}, {"text", long_text}}}}}.dump());
    EXPECT_EQ(app.console.entries.back().text.size(), app::kConsoleMaxTextBytes);
}

TEST(PreviewConsole, AFloodKeepsTheNewestAndCountsTheRest) {
    App app;
    app::openInMemory(app);
    nlohmann::json batch = {{"entries", nlohmann::json::array()}, {"dropped", 9000}};
    for (int i = 0; i < 600; ++i) {
        batch["entries"].push_back({{"level", i % 2 ? "error" : "log"}, {"text", std::to_string(i)}});
    }
    app::receiveConsole(app, batch.dump());
    app::receiveConsole(app, batch.dump());
    EXPECT_EQ(app.console.entries.size(), app::kConsoleMaxEntries);
    EXPECT_EQ(app.console.dropped, 9000u * 2 + 200) << "the app's own drops and the 200 oldest";
    EXPECT_EQ(app.console.entries.front().text, "200") << "the oldest go first";
    EXPECT_EQ(app.console.errors, app::kConsoleMaxEntries / 2);
}

TEST(PreviewConsole, ANewRunStartsAnEmptyConsole) {
    App app;
    app::openInMemory(app);
    app::newProject(app, "Logs", "<p>one</p>");
    app::syncPreview(app);
    app::receiveConsole(app, R"({"entries": [{"level": "log", "text": "one"}]})");
    EXPECT_EQ(app.console.entries.size(), 1u);
    app::syncPreview(app);
    EXPECT_EQ(app.console.entries.size(), 1u) << "the same run goes on";
    app.open->code = "<p>two</p>";
    app::saveCodeEdit(app);
    app::syncPreview(app);
    EXPECT_TRUE(app.console.entries.empty()) << "version 2's run";
}

TEST(PreviewConsole, ARunsConsoleIsKeptWithItsVersionAndTheNextRunReplacesIt) {
    int64_t clock = 10'000;
    App app;
    app.clock_ms = [&clock] { return clock; };
    app::openInMemory(app);
    app::newProject(app, "Thrower", "<p>one</p>");
    app::syncPreview(app);
    const int64_t v1 = app.open->versions[0].id;
    auto kept = [&](int64_t id) { return app.store->getVersionConsole(id); };
    EXPECT_FALSE(kept(v1)) << "nothing reported yet";

    // The first report is saved at once, later ones at most every kConsoleSaveMs.
    app::receiveConsole(app, R"({"entries": [{"level": "error", "text": "boom", "line": 3, "column": 7}]})");
    ASSERT_TRUE(kept(v1));
    EXPECT_EQ(kept(v1)->errors, 1);
    EXPECT_EQ(app.open->versions[0].console_errors, 1) << "the timeline shows it";
    clock += 500;
    app::receiveConsole(app, R"({"entries": [{"level": "error", "text": "again"}], "dropped": 4})");
    EXPECT_EQ(kept(v1)->errors, 1) << "not due yet";
    clock += app::kConsoleSaveMs;
    app::previewTick(app, clock - 1);
    EXPECT_EQ(kept(v1)->errors, 2);
    EXPECT_EQ(kept(v1)->dropped, 4);

    // The run's last words are saved as it ends: here, version 2 starts.
    clock += 100;
    app::receiveConsole(app, R"({"entries": [{"level": "log", "text": "last words"}]})");
    app.open->code = "<p>two</p>";
    app::saveCodeEdit(app);
    app::syncPreview(app);
    const nlohmann::json entries = nlohmann::json::parse(kept(v1)->entries);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0], (nlohmann::json{{"level", "error"}, {"text", "boom"}, {"line", 3}, {"column", 7}}));
    EXPECT_EQ(entries[2]["text"], "last words");
    const int64_t v2 = app.open->versions[1].id;
    clock += 5000;
    app::previewTick(app, clock - 1);
    EXPECT_FALSE(kept(v2)) << "a run that reported nothing leaves nothing";

    // Version 1 runs again and has not answered yet (an app still looping in the same process
    // holds it back): its last run stays as it was.
    app::selectVersion(app, 1);
    app::syncPreview(app);
    clock += app::kConsoleSaveMs;
    app::previewTick(app, -1);
    EXPECT_EQ(nlohmann::json::parse(kept(v1)->entries).size(), 3u);
    // It answers, and reports nothing: its last run is now that one.
    clock += 100;
    app::previewTick(app, clock - 1);
    EXPECT_EQ(kept(v1)->entries, "[]");
    EXPECT_EQ(app.open->versions[0].console_errors, 0);
    EXPECT_EQ(app::stateSnapshot(app)["open"]["versions"][0]["console_errors"], 0);
}

TEST(PreviewConsole, ARunWhoseVersionAnotherLibraryNoLongerHoldsKeepsNothingAndThatIsNoError) {
    App app;
    app.clock_ms = [] { return int64_t{1}; };
    app::openInMemory(app);
    app::newProject(app, "Logs", "<p>one</p>");
    const std::string logs = app.open->project.public_id;
    app::newProject(app, "Other", "<p>other</p>");
    app::openProject(app, logs);
    app::syncPreview(app);
    // Another tab replaced the library: the rows' ids stay, but they name other projects.
    app.store->database().exec("UPDATE projects SET public_id = lower(hex(randomblob(8)))");
    app::receiveConsole(app, R"({"entries": [{"level": "error", "text": "boom"}]})");
    EXPECT_EQ(app.error, "") << "a run that cannot be kept is no error of the user's";
    EXPECT_EQ(app.console.entries.size(), 1u);
    EXPECT_EQ(app.store->database().queryInt("SELECT count(*) FROM version_console"), 0);
}

TEST(PreviewConsole, ABatchOfAnotherRunThanTheOneShownIsDropped) {
    App app;
    app::openInMemory(app);
    app::newProject(app, "Logs", "<p>one</p>");
    app::syncPreview(app);
    const uint64_t run = app.preview.serial;
    EXPECT_FALSE(app::receiveConsole(
        app, nlohmann::json{{"run", run + 1}, {"entries", {{{"level", "log"}, {"text", "a"}}}}}.dump()));
    EXPECT_FALSE(app::receiveConsole(app, R"({"run": "1", "entries": [{"level": "log", "text": "b"}]})"));
    EXPECT_TRUE(app.console.entries.empty());
    EXPECT_TRUE(app::receiveConsole(
        app, nlohmann::json{{"run", run}, {"entries", {{{"level", "log"}, {"text", "c"}}}}}.dump()));
    EXPECT_EQ(app.console.entries.size(), 1u);
}

TEST(PreviewConsole, ABlankAppWithErrorsIsCalledOutWithItsFirstError) {
    App app;
    app::openInMemory(app);
    app::receiveConsole(app, R"({"entries": [{"level": "log", "text": "start"}], "blank": true})");
    EXPECT_EQ(app::blankAppMessage(app.console), "") << "blank, but no error: an app may start empty";
    app::receiveConsole(app, R"({"entries": [{"level": "error", "text": "TypeError: no root\n  at init", "line": 7},
                                              {"level": "error", "text": "second"}]})");
    EXPECT_EQ(app::blankAppMessage(app.console),
              "The app shows nothing, and reported 2 errors, first: TypeError: no root (line 7).");
    app::receiveConsole(app, R"({"blank": false})");
    EXPECT_EQ(app::blankAppMessage(app.console), "") << "it shows something after all";
}

TEST(PreviewConsole, ALoadedAppThatShowsSomethingChangesNothingShown) {
    App app;
    app::openInMemory(app);
    EXPECT_FALSE(app::receiveConsole(app, R"({"entries": [], "dropped": 0, "blank": false})"))
        << "an idle page must not draw a frame for it";
    EXPECT_TRUE(app.console.loaded);
    EXPECT_TRUE(app::receiveConsole(app, R"({"blank": true})"));
    EXPECT_FALSE(app::receiveConsole(app, R"({"entries": []})"));
}
