// The store's queries, as a user of Kiln knows them.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <set>

#include "core/store/store.h"
#include "test_support.h"

using namespace kiln::store;
using kiln::test::steppingClock;
using kiln::test::TempPath;

namespace {

class StoreTest : public ::testing::Test {
protected:
    Store store = Store::openInMemory(steppingClock());

    Version addVersion(int64_t project_id, const std::string& code, const std::string& prompt = "make it") {
        return store.insertVersion({project_id, {}, prompt, code, "test-model", "Loopback", {}});
    }
};

}  // namespace

// Every version gets its global id as it is made: 32 random hex digits, one per version.
TEST_F(StoreTest, EachNewVersionGetsItsOwnGlobalId) {
    const Project project = store.createProject("Ids");
    for (int i = 0; i < 20; ++i) addVersion(project.id, "<p>" + std::to_string(i) + "</p>");
    std::set<std::string> ids;
    Statement select(store.database(),
                     "SELECT g.global_id FROM versions v LEFT JOIN version_global_ids g ON g.version_id = v.id");
    while (select.step()) {
        ASSERT_FALSE(select.isNull(0));
        const std::string id = select.columnText(0);
        EXPECT_EQ(id.size(), 32u);
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 20u);
}

// A version that an older Kiln adds (a tab still open on it writes none) gets its id on the next open.
TEST(Store, AVersionWithoutAGlobalIdGetsOneWhenTheLibraryOpens) {
    TempPath path;
    {
        Store store = Store::open(path.str());
        const Project project = store.createProject("Old tab");
        store.database().exec("INSERT INTO versions (project_id, number, code, created_at) VALUES (" +
                              std::to_string(project.id) + ", 1, '<p>old</p>', 1)");
        EXPECT_EQ(store.database().queryInt("SELECT count(*) FROM version_global_ids"), 0);
    }
    Store store = Store::open(path.str());
    EXPECT_EQ(store.database().queryInt("SELECT count(*) FROM version_global_ids"), 1);
    EXPECT_EQ(store.database().queryInt("SELECT length(global_id) FROM version_global_ids"), 32);
}

TEST_F(StoreTest, CreateProjectTrimsNameAndGivesAPublicId) {
    Project project = store.createProject("  Pomodoro timer \n");
    EXPECT_GT(project.id, 0);
    EXPECT_EQ(project.name, "Pomodoro timer");
    EXPECT_EQ(project.public_id.size(), 16u);
    EXPECT_EQ(project.public_id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(project.created_at, project.updated_at);
    EXPECT_FALSE(project.deleted_at);
    EXPECT_NE(store.createProject("Other").public_id, project.public_id);
    EXPECT_EQ(store.getProjectByPublicId(project.public_id)->id, project.id);
}

TEST_F(StoreTest, ProjectNamesMustHaveTextAndAReasonableLength) {
    for (const std::string& bad : {std::string(""), std::string(" \t\n"), std::string(201, 'x')}) {
        try {
            store.createProject(bad);
            FAIL() << "accepted '" << bad << "'";
        } catch (const StoreError& error) {
            EXPECT_EQ(error.kind(), StoreErrorKind::InvalidArgument);
        }
    }
    EXPECT_EQ(store.createProject("Καλημέρα, мир").name, "Καλημέρα, мир");
}

TEST_F(StoreTest, VersionsAreNumberedFromOneAndKeepEverything) {
    Project project = store.createProject("App");
    EXPECT_EQ(store.getNextVersionNumber(project.id), 1);
    Version first = addVersion(project.id, "<h1>1</h1>", "first");
    NewVersion second_in;
    second_in.project_id = project.id;
    second_in.parent_id = first.summary.id;
    second_in.prompt = "make it blue";
    second_in.code = "<h1 style=color:blue>2</h1>";
    second_in.model = "llama-4";
    second_in.endpoint_label = "Cerebras";
    second_in.stats = {120, 2300, 812, 1533, "stop"};
    Version second = store.insertVersion(second_in);

    EXPECT_EQ(first.summary.number, 1);
    EXPECT_EQ(second.summary.number, 2);
    EXPECT_EQ(store.getNextVersionNumber(project.id), 3);

    std::optional<Version> read = store.getVersion(project.id, 2);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->code, second_in.code);
    EXPECT_EQ(read->summary.parent_id, first.summary.id);
    EXPECT_EQ(read->summary.prompt, "make it blue");
    EXPECT_EQ(read->summary.model, "llama-4");
    EXPECT_EQ(read->summary.endpoint_label, "Cerebras");
    EXPECT_EQ(read->summary.stats.ttft_ms, 120);
    EXPECT_EQ(read->summary.stats.duration_ms, 2300);
    EXPECT_EQ(read->summary.stats.prompt_tokens, 812);
    EXPECT_EQ(read->summary.stats.completion_tokens, 1533);
    EXPECT_EQ(read->summary.stats.finish_reason, "stop");
    EXPECT_EQ(read->summary.code_bytes, static_cast<int64_t>(second_in.code.size()));
    EXPECT_EQ(read->summary.created_at, second.summary.created_at);
    EXPECT_FALSE(store.getVersion(project.id, 3));
}

TEST_F(StoreTest, GetCodeReturnsAGivenVersionOrTheLatest) {
    Project project = store.createProject("App");
    EXPECT_EQ(store.getCode(project.id), std::nullopt);
    addVersion(project.id, "one");
    addVersion(project.id, "two");
    EXPECT_EQ(store.getCode(project.id), "two");
    EXPECT_EQ(store.getCode(project.id, 1), "one");
    EXPECT_EQ(store.getCode(project.id, 7), std::nullopt);
}

TEST_F(StoreTest, ListVersionsIsOldestFirstWithoutCode) {
    Project project = store.createProject("App");
    Project other = store.createProject("Other");
    addVersion(project.id, "a", "p1");
    addVersion(other.id, "x", "elsewhere");
    addVersion(project.id, "bb", "p2");
    std::vector<VersionSummary> versions = store.listVersions(project.id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0].number, 1);
    EXPECT_EQ(versions[0].prompt, "p1");
    EXPECT_EQ(versions[1].number, 2);
    EXPECT_EQ(versions[1].code_bytes, 2);
}

TEST_F(StoreTest, InsertVersionMarksTheProjectUpdated) {
    Project older = store.createProject("Older");
    Project newer = store.createProject("Newer");
    EXPECT_EQ(store.listProjects(10).items.at(0).project.id, newer.id);
    Version version = addVersion(older.id, "code");
    EXPECT_EQ(store.getProject(older.id)->updated_at, version.summary.created_at);
    EXPECT_EQ(store.listProjects(10).items.at(0).project.id, older.id);
}

TEST(StoreFile, TwoConnectionsNeverShareAVersionNumber) {
    // Two stores on one file, as two tabs would be: the number is taken inside the insert's
    // transaction, so alternating inserts still get 1..100 with no repeat.
    TempPath path;
    Store a = Store::open(path.str());
    Store b = Store::open(path.str());
    int64_t project_id = a.createProject("Shared").id;
    std::set<int> numbers;
    for (int i = 0; i < 50; ++i) {
        numbers.insert(a.insertVersion({project_id, {}, "a", "a", "", "", {}}).summary.number);
        numbers.insert(b.insertVersion({project_id, {}, "b", "b", "", "", {}}).summary.number);
    }
    EXPECT_EQ(numbers.size(), 100u);
    EXPECT_EQ(*numbers.begin(), 1);
    EXPECT_EQ(*numbers.rbegin(), 100);
}

TEST_F(StoreTest, AFailedInsertLeavesNoTrace) {
    Project project = store.createProject("App");
    addVersion(project.id, "kept");
    // Make the second statement of insertVersion's transaction fail (with a trigger, which Kiln's
    // connections refuse to run unless a test turns them back on).
    sqlite3_db_config(store.database().handle(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, nullptr);
    store.database().exec(
        "CREATE TEMP TRIGGER fail_touch BEFORE UPDATE OF updated_at ON projects "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
    EXPECT_THROW(addVersion(project.id, "lost"), SqliteError);
    store.database().exec("DROP TRIGGER fail_touch");
    EXPECT_EQ(store.listVersions(project.id).size(), 1u);
    EXPECT_EQ(store.getCode(project.id), "kept");
    EXPECT_EQ(addVersion(project.id, "next").summary.number, 2);
}

TEST_F(StoreTest, ListProjectsPagesMostRecentFirstWithLatestVersion) {
    std::vector<int64_t> ids;
    for (int i = 0; i < 120; ++i) ids.push_back(store.createProject("P" + std::to_string(i)).id);
    addVersion(ids[5], "v1", "first prompt");
    addVersion(ids[5], "v2", "second prompt");  // P5 is now the most recently updated

    ProjectPage first = store.listProjects(50);
    ASSERT_EQ(first.items.size(), 50u);
    ASSERT_TRUE(first.next);
    EXPECT_EQ(first.items[0].project.id, ids[5]);
    EXPECT_EQ(first.items[0].version_count, 2);
    ASSERT_TRUE(first.items[0].latest);
    EXPECT_EQ(first.items[0].latest->number, 2);
    EXPECT_EQ(first.items[0].latest->prompt, "second prompt");
    EXPECT_EQ(first.items[1].project.id, ids[119]);
    EXPECT_EQ(first.items[1].version_count, 0);
    EXPECT_FALSE(first.items[1].latest);

    std::set<int64_t> seen;
    std::optional<ProjectCursor> cursor;
    std::vector<size_t> sizes;
    do {
        ProjectPage page = store.listProjects(50, cursor);
        sizes.push_back(page.items.size());
        for (const ProjectSummary& item : page.items) EXPECT_TRUE(seen.insert(item.project.id).second);
        cursor = page.next;
    } while (cursor);
    EXPECT_EQ(sizes, (std::vector<size_t>{50, 50, 20}));
    EXPECT_EQ(seen.size(), 120u);
}

TEST(StorePaging, ProjectsWithTheSameTimeAreNeitherSkippedNorRepeated) {
    StoreOptions options;
    options.clock = [] { return int64_t{42}; };
    Store store = Store::openInMemory(options);
    for (int i = 0; i < 7; ++i) store.createProject("Same " + std::to_string(i));
    std::set<int64_t> seen;
    std::optional<ProjectCursor> cursor;
    do {
        ProjectPage page = store.listProjects(3, cursor);
        for (const ProjectSummary& item : page.items) EXPECT_TRUE(seen.insert(item.project.id).second);
        cursor = page.next;
    } while (cursor);
    EXPECT_EQ(seen.size(), 7u);
}

TEST_F(StoreTest, RenameChangesTheNameAndMarksItUpdated) {
    Project project = store.createProject("Old");
    store.renameProject(project.id, " New ");
    Project renamed = *store.getProject(project.id);
    EXPECT_EQ(renamed.name, "New");
    EXPECT_GT(renamed.updated_at, project.updated_at);
    EXPECT_THROW(store.renameProject(project.id, ""), StoreError);
    EXPECT_THROW(store.renameProject(999, "x"), StoreError);
}

TEST_F(StoreTest, DeleteIsRecoverableAndKeepsVersions) {
    Project project = store.createProject("Doomed");
    addVersion(project.id, "precious");
    store.deleteProject(project.id);

    EXPECT_TRUE(store.listProjects(10).items.empty());
    std::vector<Project> trash = store.listDeletedProjects();
    ASSERT_EQ(trash.size(), 1u);
    EXPECT_EQ(trash[0].id, project.id);
    EXPECT_TRUE(trash[0].deleted_at);
    EXPECT_EQ(store.getCode(project.id), "precious");

    try {
        addVersion(project.id, "into the trash");
        FAIL() << "a project in the trash takes no new version";
    } catch (const StoreError& error) {
        EXPECT_EQ(error.kind(), StoreErrorKind::NotFound);
    }
    EXPECT_THROW(store.renameProject(project.id, "x"), StoreError);
    EXPECT_THROW(store.deleteProject(project.id), StoreError) << "deleting twice says it is gone";

    store.restoreProject(project.id);
    ProjectPage page = store.listProjects(10);
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].version_count, 1);
    EXPECT_TRUE(store.listDeletedProjects().empty());
    EXPECT_THROW(store.restoreProject(12345), StoreError);
}

TEST_F(StoreTest, SearchFindsProjectsByTheirPromptsAndCode) {
    const Project timer = store.createProject("Timer");
    addVersion(timer.id, "<h1>Pomodoro</h1><script>startCountdown()</script>", "A pomodoro timer, dark theme");
    const Project notes = store.createProject("Notes");
    addVersion(notes.id, "<textarea></textarea>", "a note pad");
    addVersion(notes.id, "<textarea class=dark></textarea>", "Dark, please, with a café look");
    const auto search = [&](const std::string& words) {
        std::vector<int64_t> found = store.searchProjects(words);
        std::sort(found.begin(), found.end());
        return found;
    };
    const std::vector<int64_t> none;
    EXPECT_EQ(search("pomodoro"), std::vector<int64_t>{timer.id}) << "a word of a prompt";
    EXPECT_EQ(search("startcountdown"), std::vector<int64_t>{timer.id}) << "a word of the code, any case";
    EXPECT_EQ(search("pomo tim"), std::vector<int64_t>{timer.id}) << "the start of words";
    EXPECT_EQ(search("dark"), (std::vector<int64_t>{timer.id, notes.id})) << "each project once";
    EXPECT_EQ(search("dark pad"), none) << "every word, in one version";
    EXPECT_EQ(search("CAFE"), std::vector<int64_t>{notes.id}) << "accents do not count";
    EXPECT_EQ(search("\"pomodoro\" timer"), std::vector<int64_t>{timer.id}) << "quotes are ignored";
    EXPECT_EQ(search("dark-theme"), std::vector<int64_t>{timer.id}) << "punctuation joins words into a phrase";
    for (const char* nothing : {"", "   ", "\"", "- * ( )", "NEAR/2", "AND OR"}) {
        EXPECT_EQ(search(nothing), none) << "'" << nothing << "' matches nothing and is no error";
    }
    store.deleteProject(timer.id);
    EXPECT_EQ(search("pomodoro"), none) << "not in the trash";
    store.restoreProject(timer.id);
    EXPECT_EQ(search("pomodoro"), std::vector<int64_t>{timer.id});
}

TEST_F(StoreTest, SettingsAreSetReadAndOverwritten) {
    EXPECT_EQ(store.getSetting("theme"), std::nullopt);
    store.setSetting("theme", "dark");
    EXPECT_EQ(store.getSetting("theme"), "dark");
    store.setSetting("theme", "light");
    EXPECT_EQ(store.getSetting("theme"), "light");
    store.setSetting("empty", "");
    EXPECT_EQ(store.getSetting("empty"), "");
}

TEST(StoreFile, EverythingSurvivesReopening) {
    TempPath path;
    int64_t project_id = 0;
    {
        Store store = Store::open(path.str());
        project_id = store.createProject("Durable").id;
        store.insertVersion({project_id, {}, "p", "<b>kept</b>", "", "", {}});
        store.setSetting("endpoint", "http://127.0.0.1:11434/v1");
    }
    Store store = Store::open(path.str());
    EXPECT_EQ(store.getProject(project_id)->name, "Durable");
    EXPECT_EQ(store.getCode(project_id), "<b>kept</b>");
    EXPECT_EQ(store.getSetting("endpoint"), "http://127.0.0.1:11434/v1");
}

// ---- App data ----------------------------------------------------------------------------------

TEST_F(StoreTest, AVersionKeepsTheConsoleOfItsLastRun) {
    Project app = store.createProject("Thrower");
    const Version v1 = store.insertVersion({app.id, {}, "p", "<p>1</p>", "", "", {}});
    const Version v2 = store.insertVersion({app.id, {}, "p", "<p>2</p>", "", "", {}});
    const int64_t updated_at = store.getProject(app.id)->updated_at;
    EXPECT_FALSE(store.getVersionConsole(v1.summary.id));

    store.setVersionConsole(
        v1.summary.id, R"([{"level":"error","text":"a"},{"level":"log","text":"b"},{"level":"error","text":"c"}])", 7);
    std::optional<VersionConsole> kept = store.getVersionConsole(v1.summary.id);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->errors, 2);
    EXPECT_EQ(kept->dropped, 7);
    // The next run replaces it, and the versions list carries each version's errors.
    store.setVersionConsole(v1.summary.id, R"([{"level":"warn","text":"w"}])", 0);
    EXPECT_EQ(store.getVersionConsole(v1.summary.id)->errors, 0);
    const std::vector<VersionSummary> versions = store.listVersions(app.id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0].console_errors, 0);
    EXPECT_FALSE(versions[1].console_errors) << "v2 never ran";
    EXPECT_EQ(store.getProject(app.id)->updated_at, updated_at) << "a run does not make a project newer";

    // Only what Kiln writes: a flat array of at most 1,000 entries of at most 8 keys.
    std::string many = "[";
    for (int64_t i = 0; i <= kVersionConsoleMaxEntries; ++i) many += std::string(i ? "," : "") + "{}";
    many += "]";
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    for (const std::string& bad :
         {std::string(), std::string("{}"), std::string("[1]"), std::string("[{\"level\":\"error\"}"),
          std::string("null"), std::string("[[]]"), std::string("[{\"a\":{}}]"), std::string("[{\"a\":[1]}]"),
          std::string("[{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1}]"),
          std::string("[] []"), many, deep}) {
        EXPECT_THROW(store.setVersionConsole(v2.summary.id, bad, 0), StoreError) << bad.substr(0, 40);
    }
    EXPECT_EQ(consoleErrorCount(many.substr(0, many.size() - 4) + "]"), 0) << "1,000 entries are fine";
    EXPECT_THROW(store.setVersionConsole(v2.summary.id, "[]", -1), StoreError);
    EXPECT_FALSE(store.getVersionConsole(v2.summary.id));
    try {
        store.setVersionConsole(v2.summary.id + 100, "[]", 0);
        FAIL() << "a console for no version";
    } catch (const StoreError& error) {
        EXPECT_EQ(error.kind(), StoreErrorKind::NotFound);
    }
}

TEST_F(StoreTest, AppDataIsSetReplacedRemovedAndClearedPerProject) {
    Project app = store.createProject("Counter");
    Project other = store.createProject("Other");
    store.changeAppData(other.id, {false, {{"count", "99"}}});
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"count", "1"}, {"name", "Ada"}, {"count", "2"}}}), 0u);
    std::vector<AppDataItem> items = store.getAppData(app.id);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].key, "count");
    EXPECT_EQ(items[0].value, "2");
    EXPECT_EQ(items[1].key, "name");
    EXPECT_EQ(store.appDataLength(app.id), 5 + 1 + 4 + 3);

    store.changeAppData(app.id, {false, {{"name", std::nullopt}, {"missing", std::nullopt}}});
    ASSERT_EQ(store.getAppData(app.id).size(), 1u);
    store.changeAppData(app.id, {true, {{"after", "clear"}}});
    items = store.getAppData(app.id);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].key, "after");
    EXPECT_EQ(store.getAppData(other.id)[0].value, "99");  // another project's data is its own
}

TEST_F(StoreTest, AppDataPastTheCapIsRefusedAndWhatWasKeptStays) {
    Project app = store.createProject("Hoarder");
    const std::string big(kAppDataMaxLength / 2, 'x');
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"a", big}, {"b", big}, {"small", "kept"}}}), 1u);
    EXPECT_EQ(store.getAppData(app.id).size(), 2u);  // "a" and "small"
    // Replacing a value counts what it replaces: the same size again fits.
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"a", big}}}), 0u);
    // Characters, not bytes: 3/4 of the cap in two-byte characters fits (as bytes it would not).
    const std::string greek = "α";
    std::string wide;
    for (int64_t i = 0; i < kAppDataMaxLength * 3 / 4; ++i) wide += greek;
    store.changeAppData(app.id, {true, {}});
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"w", wide}}}), 0u);
    EXPECT_EQ(store.appDataLength(app.id), 1 + kAppDataMaxLength * 3 / 4);
}

TEST_F(StoreTest, AppDataWithANulCharacterCountsAllOfIt) {
    Project app = store.createProject("Nul");
    const std::string big = std::string(1, '\0') + std::string(kAppDataMaxLength - 10, 'x');
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"a", big}}}), 0u);
    EXPECT_EQ(store.appDataLength(app.id), 1 + static_cast<int64_t>(big.size()));
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"b", big}}}), 1u) << "the first value still counts in full";
    EXPECT_EQ(store.getAppData(app.id)[0].value, big);
}

TEST_F(StoreTest, AppDataRemovalsInABatchMakeRoomForItsValues) {
    Project app = store.createProject("Swap");
    const std::string most(kAppDataMaxLength * 3 / 4, 'x');
    store.changeAppData(app.id, {false, {{"a", most}}});
    // As the preview may merge "remove a, set b" into [b, a]: the removal counts first.
    EXPECT_EQ(store.changeAppData(app.id, {false, {{"b", most}, {"a", std::nullopt}}}), 0u);
    ASSERT_EQ(store.getAppData(app.id).size(), 1u);
    EXPECT_EQ(store.getAppData(app.id)[0].key, "b");
}

TEST_F(StoreTest, AppDataOfAProjectInTheTrashIsKeptButNotChanged) {
    Project app = store.createProject("Counter");
    store.changeAppData(app.id, {false, {{"count", "3"}}});
    store.deleteProject(app.id);
    EXPECT_THROW(store.changeAppData(app.id, {false, {{"count", "4"}}}), StoreError);
    store.restoreProject(app.id);
    EXPECT_EQ(store.getAppData(app.id)[0].value, "3");
}

TEST(StoreCharacters, CountsCodePointsOfUtf8) {
    EXPECT_EQ(characterCount(""), 0);
    EXPECT_EQ(characterCount("abc"), 3);
    EXPECT_EQ(characterCount("Καλημέρα"), 8);
    EXPECT_EQ(characterCount("😀"), 1);
}
