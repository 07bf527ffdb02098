// The live preview's guard: the heartbeat that notices an app that stopped answering, the mark
// that keeps such a version from starting by itself on the next load, and the Network switch.
#include <gtest/gtest.h>

#include <map>

#include "app/app.h"

using namespace kiln;
using app::App;
using app::PreviewRun;

namespace {

// localStorage, as far as the guard sees it: it survives an App (a reload).
struct FakeMarks : app::PreviewMarks {
    std::map<std::string, bool> marks;
    bool has(const std::string& key) override { return marks.count(key) > 0; }
    void set(const std::string& key, bool on) override {
        if (on)
            marks[key] = true;
        else
            marks.erase(key);
    }
};

struct Fixture {
    FakeMarks marks;
    int64_t clock = 10'000;
    App app;

    Fixture() {
        app.preview_marks = &marks;
        app.clock_ms = [this] { return clock; };
        app::openInMemory(app);
    }

    std::string makeVersion(const std::string& code) {
        app::newProject(app, "Loop", code);
        return app.open->project.public_id + "/v/1";
    }

    // One heartbeat `ms` after the last, the app answering (at the moment before) or not.
    bool beat(bool answers, int64_t ms = app::kPreviewPingMs) {
        clock += ms;
        return app::previewTick(app, answers ? clock - 1 : app.preview.last_answer);
    }
};

}  // namespace

TEST(PreviewGuard, NothingRunsWithoutAVersion) {
    Fixture f;
    app::newProject(f.app, "Empty");
    EXPECT_EQ(app::syncPreview(f.app), PreviewRun::Idle);
    EXPECT_FALSE(app::previewNeedsHeartbeat(f.app));
    EXPECT_TRUE(f.marks.marks.empty());
}

TEST(PreviewGuard, AStartingVersionIsMarkedUntilItAnswers) {
    Fixture f;
    const std::string key = f.makeVersion("<p>hi</p>");
    EXPECT_EQ(app::syncPreview(f.app), PreviewRun::Starting);
    EXPECT_TRUE(f.marks.has(key)) << "the mark must be set before the code is handed to the page";
    const uint64_t serial = f.app.preview.serial;
    EXPECT_FALSE(f.beat(false));  // the first ping goes out
    EXPECT_TRUE(f.beat(true));    // and is answered
    EXPECT_EQ(f.app.preview.state, PreviewRun::Running);
    EXPECT_FALSE(f.marks.has(key));
    EXPECT_EQ(f.app.preview.serial, serial) << "answering must not reload the preview";
    // Drawing the same version again changes nothing.
    EXPECT_EQ(app::syncPreview(f.app), PreviewRun::Running);
    EXPECT_EQ(f.app.preview.serial, serial);
}

TEST(PreviewGuard, SilenceMakesItUnresponsiveAndAnAnswerBringsItBack) {
    Fixture f;
    const std::string key = f.makeVersion("<script>while(true){}</script>");
    app::syncPreview(f.app);
    f.beat(false);
    f.beat(true);
    ASSERT_EQ(f.app.preview.state, PreviewRun::Running);
    // It stops answering (a click started a loop): the ping sent with the last answer is not
    // answered. Not yet at 1.5 s, at 2 s it is.
    EXPECT_FALSE(f.beat(false));
    EXPECT_FALSE(f.beat(false, 1000));
    EXPECT_EQ(f.app.preview.state, PreviewRun::Running);
    EXPECT_TRUE(f.beat(false, 500));
    EXPECT_EQ(f.app.preview.state, PreviewRun::Unresponsive);
    EXPECT_TRUE(f.marks.has(key)) << "an unresponsive version must not start by itself next time";
    // A long task that ended: it answers again.
    EXPECT_TRUE(f.beat(true));
    EXPECT_EQ(f.app.preview.state, PreviewRun::Running);
    EXPECT_FALSE(f.marks.has(key));
}

TEST(PreviewGuard, AnAppThatNeverAnswersIsOfferedStopAndStaysMarked) {
    Fixture f;
    const std::string key = f.makeVersion("<script>while(true){}</script>");
    app::syncPreview(f.app);
    for (int i = 0; i < 4; ++i) f.beat(false);
    EXPECT_EQ(f.app.preview.state, PreviewRun::Starting);
    f.beat(false);
    EXPECT_EQ(f.app.preview.state, PreviewRun::Unresponsive);
    app::stopPreview(f.app);
    EXPECT_EQ(f.app.preview.state, PreviewRun::Stopped);
    EXPECT_FALSE(app::previewNeedsHeartbeat(f.app));
    EXPECT_TRUE(f.marks.has(key));
    // Run it again: a new run (the page reloads it), marked until it answers.
    const uint64_t serial = f.app.preview.serial;
    app::runHeldPreview(f.app);
    EXPECT_EQ(f.app.preview.state, PreviewRun::Starting);
    EXPECT_GT(f.app.preview.serial, serial);
}

TEST(PreviewGuard, AThrottledTabIsNotTakenForSilence) {
    Fixture f;
    f.makeVersion("<p>hi</p>");
    app::syncPreview(f.app);
    f.beat(false);
    f.beat(true);
    // A background tab's timers run once a minute; the app answered each ping at once.
    for (int i = 0; i < 3; ++i) {
        f.clock += 60'000;
        const int64_t pinged = f.app.preview.unanswered_since;
        EXPECT_FALSE(app::previewTick(f.app, pinged + 3));
        EXPECT_EQ(f.app.preview.state, PreviewRun::Running);
    }
}

TEST(PreviewGuard, AVersionMarkedLastTimeIsHeldAfterAReload) {
    Fixture f;
    const std::string key = f.makeVersion("<script>while(true){}</script>");
    app::syncPreview(f.app);  // the tab dies here: the app never answered
    ASSERT_TRUE(f.marks.has(key));
    // The next load: a new page's guard (nothing ran yet) over the same marks.
    f.app.preview = app::PreviewGuard{};
    EXPECT_EQ(app::syncPreview(f.app), PreviewRun::Held);
    EXPECT_FALSE(app::previewNeedsHeartbeat(f.app));
    const uint64_t serial = f.app.preview.serial;
    app::runHeldPreview(f.app);
    EXPECT_EQ(f.app.preview.state, PreviewRun::Starting);
    EXPECT_GT(f.app.preview.serial, serial);
}

TEST(PreviewGuard, AHeldVersionShowsWhatItsLastRunReported) {
    Fixture f;
    f.makeVersion("<script>console.error('about to loop'); while(true){}</script>");
    app::syncPreview(f.app);
    app::receiveConsole(f.app, R"({"entries": [{"level": "error", "text": "about to loop", "line": 1}]})");
    // The tab dies; the next load has a new guard and an empty console over the same library.
    f.app.preview = app::PreviewGuard{};
    f.app.console = app::PreviewConsole{};
    ASSERT_EQ(app::syncPreview(f.app), PreviewRun::Held);
    ASSERT_EQ(f.app.console.entries.size(), 1u);
    EXPECT_TRUE(f.app.console.last_run);
    EXPECT_EQ(f.app.console.errors, 1u);
    EXPECT_EQ(f.app.console.entries[0].line, 1);
    EXPECT_EQ(app::stateSnapshot(f.app)["console"]["last_run"], true);

    // Run it: a new run, with a console of its own.
    app::runHeldPreview(f.app);
    EXPECT_TRUE(f.app.console.entries.empty());
    EXPECT_FALSE(f.app.console.last_run);
}

TEST(PreviewGuard, ALastRunFromAnImportedFileIsReadLikeAnyReport) {
    Fixture f;
    const std::string key = f.makeVersion("<p>x</p>");
    // What an imported file may hold: a JSON array of objects, not all of them entries.
    f.app.store->setVersionConsole(f.app.open->versions[0].id,
                                   R"([{"level": "fatal", "text": "x"}, {"level": "error", "text": 5},
                                       {"level": "error", "text": "kept", "line": -2, "column": "3"}])",
                                   0);
    f.app.open->versions = f.app.store->listVersions(f.app.open->project.id);
    f.marks.set(key, true);
    ASSERT_EQ(app::syncPreview(f.app), PreviewRun::Held);
    ASSERT_EQ(f.app.console.entries.size(), 1u);
    EXPECT_EQ(f.app.console.entries[0].text, "kept");
    EXPECT_EQ(f.app.console.entries[0].line, 0);
    EXPECT_EQ(f.app.console.entries[0].column, 0);
}

TEST(PreviewGuard, LeavingAStartingVersionBeforeItCouldAnswerClearsItsMark) {
    Fixture f;
    const std::string first = f.makeVersion("<p>one</p>");
    app::syncPreview(f.app);
    app::newProject(f.app, "Other", "<p>two</p>");
    app::syncPreview(f.app);
    EXPECT_FALSE(f.marks.has(first));
    EXPECT_TRUE(f.marks.has(f.app.open->project.public_id + "/v/1"));
}

TEST(PreviewGuard, LeavingAnUnresponsiveVersionKeepsItsMark) {
    Fixture f;
    const std::string first = f.makeVersion("<script>while(true){}</script>");
    app::syncPreview(f.app);
    for (int i = 0; i < 6; ++i) f.beat(false);
    ASSERT_EQ(f.app.preview.state, PreviewRun::Unresponsive);
    app::newProject(f.app, "Other", "<p>two</p>");
    EXPECT_EQ(app::syncPreview(f.app), PreviewRun::Starting);
    EXPECT_TRUE(f.marks.has(first));
}

TEST(PreviewGuard, TheNetworkSwitchIsKeptPerProjectAndRerunsThePreview) {
    Fixture f;
    f.makeVersion("<p>net</p>");
    const std::string first = f.app.open->project.public_id;
    EXPECT_TRUE(app::previewNetwork(f.app));
    app::syncPreview(f.app);
    f.beat(false);
    f.beat(true);
    const uint64_t serial = f.app.preview.serial;
    app::setPreviewNetwork(f.app, false);
    EXPECT_FALSE(app::previewNetwork(f.app));
    EXPECT_GT(f.app.preview.serial, serial) << "the preview must run again under the new policy";
    EXPECT_EQ(f.app.store->getSetting(app::previewNetworkKey(first)), "off");
    // Another project keeps its own switch; coming back finds this one off.
    app::newProject(f.app, "Other", "<p>other</p>");
    EXPECT_TRUE(app::previewNetwork(f.app));
    app::openProject(f.app, first);
    EXPECT_FALSE(app::previewNetwork(f.app));
    EXPECT_EQ(app::stateSnapshot(f.app)["open"]["network"], false);
    app::setPreviewNetwork(f.app, true);
    EXPECT_EQ(f.app.store->getSetting(app::previewNetworkKey(first)), "on");
}
