// An imported library file is data, never code or settings: every kind of file that carries
// something Kiln's migrations do not make is refused, in plain words, before anything changes;
// what passes is copied row by row with its values checked.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/store/library_import.h"
#include "core/store/store.h"
#include "import_test_support.h"
#include "test_support.h"

using namespace kiln;
using namespace kiln::store;
using test::craftedLibrary;
using test::kilnLibrary;
using test::serialize;

namespace {

// The refusal of `bytes`; fails the test if the file is accepted.
ImportRefused refusal(const std::vector<uint8_t>& bytes) {
    try {
        ImportFile::check(bytes);
    } catch (const ImportRefused& refused) {
        return refused;
    }
    ADD_FAILURE() << "the file was accepted";
    return ImportRefused(StoreErrorKind::NotKiln, "");
}

void expectPlainRefusal(const ImportRefused& refused, const std::string& words) {
    const std::string message = refused.what();
    EXPECT_NE(message.find(words), std::string::npos) << message;
    EXPECT_NE(message.find("Nothing was changed."), std::string::npos) << message;
    for (const char* sql : {"CREATE", "SELECT", "sqlite_", "pragma"}) {
        EXPECT_EQ(message.find(sql), std::string::npos) << "SQL in the message: " << message;
    }
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

}  // namespace

TEST(LibraryImport, AKilnLibraryPassesAndSaysWhatItHolds) {
    const ImportFile file = ImportFile::check(kilnLibrary());
    EXPECT_EQ(file.summary().projects, 2);
    EXPECT_EQ(file.summary().versions, 3);
    EXPECT_EQ(file.summary().schema_version, currentSchemaVersion());
    EXPECT_EQ(describeImport(file.summary()),
              "2 projects, 3 versions, made by Kiln schema " + std::to_string(currentSchemaVersion()));
    EXPECT_EQ(describeImport({1, 1, 1}), "1 project, 1 version, made by Kiln schema 1");
}

TEST(LibraryImport, TheSameSchemaWrittenWithOtherSpacingAndCommentsPasses) {
    std::string sql = migrations().front().sql;
    std::string spaced;
    bool in_comment = false;
    for (size_t i = 0; i < sql.size(); ++i) {
        if (sql.compare(i, 2, "--") == 0) in_comment = true;
        if (sql[i] == '\n') in_comment = false;
        if (in_comment) continue;
        spaced += sql[i] == ' ' && !spaced.empty() && spaced.back() == ' ' ? "" : std::string(1, sql[i]);
    }
    EXPECT_NO_THROW(ImportFile::check(craftedLibrary(spaced)));
}

TEST(LibraryImport, TheCheckingConnectionIsDefensive) {
    Database db(":memory:");
    EXPECT_TRUE(db.defensive());
}

TEST(LibraryImport, AnExtraTriggerIsRefused) {
    const ImportRefused refused = refusal(kilnLibrary(
        [](Database& db) { db.exec("CREATE TRIGGER wipe AFTER INSERT ON projects BEGIN DELETE FROM versions; END"); }));
    expectPlainRefusal(refused, "a trigger named “wipe” on the table “projects” that Kiln does not make");
    EXPECT_EQ(refused.kind(), StoreErrorKind::NotKiln);
    EXPECT_NE(refused.detail().find("DELETE FROM versions"), std::string::npos) << "the SQL is in the detail";
}

TEST(LibraryImport, ATriggerOnSettingsIsRefused) {
    expectPlainRefusal(refusal(kilnLibrary([](Database& db) {
                           db.exec(
                               "CREATE TRIGGER leak AFTER UPDATE ON settings BEGIN "
                               "INSERT INTO settings VALUES ('endpoint', new.value); END");
                       })),
                       "a trigger named “leak” on the table “settings”");
}

TEST(LibraryImport, AnExtraViewIsRefused) {
    expectPlainRefusal(
        refusal(kilnLibrary([](Database& db) { db.exec("CREATE VIEW everything AS SELECT * FROM versions"); })),
        "a view named “everything” that Kiln does not make");
}

TEST(LibraryImport, AnExtraIndexWithAnExpressionIsRefused) {
    expectPlainRefusal(
        refusal(kilnLibrary([](Database& db) { db.exec("CREATE INDEX by_length ON versions (length(code))"); })),
        "an index named “by_length” on the table “versions” that Kiln does not make");
}

TEST(LibraryImport, AnExtraTableIsRefused) {
    expectPlainRefusal(refusal(kilnLibrary([](Database& db) { db.exec("CREATE TABLE notes (body TEXT)"); })),
                       "a table named “notes” that Kiln does not make");
}

TEST(LibraryImport, AnExtraColumnIsRefused) {
    expectPlainRefusal(
        refusal(kilnLibrary([](Database& db) { db.exec("ALTER TABLE projects ADD COLUMN colour TEXT"); })),
        "table “projects” has a column named “colour” that Kiln does not make");
}

TEST(LibraryImport, AGeneratedColumnIsRefused) {
    const std::string sql = replaced(migrations().front().sql, "finish_reason     TEXT    NOT NULL DEFAULT ''",
                                     "finish_reason TEXT GENERATED ALWAYS AS (substr(code, 1, 10))");
    expectPlainRefusal(refusal(craftedLibrary(sql)), "The column “finish_reason” of the table “versions”");
}

TEST(LibraryImport, AMissingTableIsRefused) {
    expectPlainRefusal(refusal(kilnLibrary([](Database& db) { db.exec("DROP TABLE settings"); })),
                       "has no table named “settings”, which every Kiln library has");
}

TEST(LibraryImport, AChangedColumnTypeOrDefaultIsRefused) {
    const std::string sql = migrations().front().sql;
    expectPlainRefusal(refusal(craftedLibrary(replaced(sql, "name        TEXT    NOT NULL,", "name BLOB NOT NULL,"))),
                       "The column “name” of the table “projects”");
    expectPlainRefusal(refusal(craftedLibrary(replaced(sql, "model             TEXT    NOT NULL DEFAULT ''",
                                                       "model TEXT NOT NULL DEFAULT 'gpt'"))),
                       "The column “model” of the table “versions”");
}

TEST(LibraryImport, AChangedUniqueConstraintOrIndexIsRefused) {
    const std::string sql = migrations().front().sql;
    expectPlainRefusal(refusal(craftedLibrary(replaced(sql, "    UNIQUE (project_id, number)\n", "    CHECK (1)\n"))),
                       "Kiln");
    expectPlainRefusal(refusal(craftedLibrary(replaced(sql, "WHERE deleted_at IS NULL", ""))),
                       "index “projects_by_update” is not defined the way Kiln defines it");
}

TEST(LibraryImport, WithoutRowidChangesAreRefused) {
    const std::string sql = migrations().front().sql;
    expectPlainRefusal(refusal(craftedLibrary(replaced(sql, ") WITHOUT ROWID;", ");"))),
                       "table “settings” in this file is not defined the way Kiln defines it");
    expectPlainRefusal(
        refusal(craftedLibrary(replaced(
            sql, "    finish_reason     TEXT    NOT NULL DEFAULT '',\n    UNIQUE (project_id, number)\n);",
            "    finish_reason     TEXT    NOT NULL DEFAULT '',\n    UNIQUE (project_id, number)\n) WITHOUT ROWID;"))),
        "“versions”");
}

TEST(LibraryImport, KilnsApplicationIdWithNoTablesIsRefused) {
    Database db(":memory:");
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId) + "; PRAGMA user_version = 1");
    expectPlainRefusal(refusal(serialize(db)), "has no table named");
    Database bare(":memory:");
    bare.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    expectPlainRefusal(refusal(serialize(bare)), "no Kiln schema version");
}

TEST(LibraryImport, SchemaVersionZeroOrNewerThanThisKilnIsRefused) {
    const std::string sql = migrations().front().sql;
    expectPlainRefusal(refusal(craftedLibrary(sql, 0)), "no Kiln schema version");
    const ImportRefused newer = refusal(craftedLibrary(sql, currentSchemaVersion() + 1));
    expectPlainRefusal(newer, "made by a newer Kiln");
    EXPECT_EQ(newer.kind(), StoreErrorKind::ReadOnly);
}

TEST(LibraryImport, OtherFilesAreRefused) {
    expectPlainRefusal(refusal({'n', 'o', 'p', 'e'}), "not a SQLite database");
    Database other(":memory:");
    other.exec("CREATE TABLE t (x); PRAGMA application_id = 42");
    expectPlainRefusal(refusal(serialize(other)), "belongs to another application");
    Database empty(":memory:");
    empty.exec("PRAGMA user_version = 0");
    std::vector<uint8_t> bytes = serialize(empty);
    if (bytes.empty()) bytes = std::vector<uint8_t>{'x'};
    EXPECT_THROW(ImportFile::check(bytes), ImportRefused);
    std::vector<uint8_t> damaged = kilnLibrary();
    for (size_t i = 4096; i < damaged.size(); ++i) damaged[i] = 0xA5;
    EXPECT_THROW(ImportFile::check(damaged), ImportRefused);
}

TEST(LibraryImport, AddCopiesRowsWithNewIdsAndSuffixesCollidingNames) {
    Store library = Store::openInMemory(test::steppingClock());
    const Project mine = library.createProject("Alpha");
    library.insertVersion({mine.id, {}, "mine", "<p>mine</p>", "", "", {}});
    ImportFile file = ImportFile::check(kilnLibrary());
    EXPECT_EQ(file.addTo(library.database(), [] { return int64_t{5}; }), 2);
    std::vector<std::string> names;
    for (const ProjectSummary& item : library.listProjects(10).items) names.push_back(item.project.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"Alpha", "Alpha (2)", "Beta"}));
    EXPECT_EQ(library.getProject(mine.id)->name, "Alpha");
    EXPECT_EQ(library.getCode(mine.id), "<p>mine</p>");
    for (const ProjectSummary& item : library.listProjects(10).items) {
        EXPECT_NE(item.project.public_id, "00000000000000aa") << "public ids are new";
        EXPECT_EQ(item.project.public_id.size(), 16u);
    }
    EXPECT_EQ(library.getSetting("theme"), std::nullopt) << "settings are never taken from a file";
}

TEST(LibraryImport, ImportedVersionsCanBeSearched) {
    // The file's own index (here: none) is never read: each version is indexed as it is copied.
    Store library = Store::openInMemory(test::steppingClock());
    ImportFile::check(kilnLibrary()).addTo(library.database(), [] { return int64_t{5}; });
    ASSERT_EQ(library.searchProjects("ünï").size(), 1u);
    EXPECT_EQ(library.getProject(library.searchProjects("ünï")[0])->name, "Alpha");
    EXPECT_EQ(library.searchProjects("beta").size(), 1u);

    Database copy(":memory:");
    test::deserialize(copy, ImportFile::check(kilnLibrary()).buildLibrary(nullptr, [] { return int64_t{1}; }));
    Store rebuilt(std::move(copy), {});
    EXPECT_EQ(rebuilt.searchProjects("second").size(), 1u);
    EXPECT_EQ(rebuilt.searchProjects("a1").size(), 1u);
}

TEST(LibraryImport, ValuesAreCheckedOnTheWay) {
    // Odd values the schema allows: blobs and numbers in text columns, invalid UTF-8, a bad
    // public id, version numbers with gaps, a parent outside the file, a text timestamp.
    const std::vector<uint8_t> bytes = kilnLibrary([](Database& db) {
        db.exec(
            "INSERT INTO projects (id, public_id, name, created_at, updated_at) "
            "VALUES (50, 'not hex', x'41ff42', 'yesterday', 7);"
            "INSERT INTO versions (project_id, number, parent_id, prompt, code, created_at, ttft_ms) "
            "VALUES (50, 7, 9999, 12, x'3c703effff', 1, -5), (50, 3, NULL, 'p', 'c', 1, 20);");
    });
    Store library = Store::openInMemory(test::steppingClock());
    ImportFile file = ImportFile::check(bytes);
    std::vector<uint8_t> image = file.buildLibrary(nullptr, [] { return int64_t{1234}; });
    Database copy(":memory:");
    test::deserialize(copy, image);
    Store rebuilt(std::move(copy), test::steppingClock());
    std::optional<Project> odd;
    for (const ProjectSummary& item : rebuilt.listProjects(10).items) {
        if (item.project.name.rfind("A", 0) == 0 && item.project.name.size() > 1 && item.project.name != "Alpha") {
            odd = item.project;
        }
    }
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->name,
              "A\xEF\xBF\xBD"
              "B");
    EXPECT_EQ(odd->public_id.size(), 16u);
    EXPECT_NE(odd->public_id, "not hex");
    EXPECT_EQ(odd->created_at, 1234) << "a timestamp that is not a number becomes the import's time";
    const std::vector<VersionSummary> versions = rebuilt.listVersions(odd->id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0].number, 1);
    EXPECT_EQ(versions[1].number, 2);
    EXPECT_EQ(versions[1].parent_id, std::nullopt) << "a parent outside the file is dropped";
    EXPECT_EQ(versions[1].prompt, "12");
    EXPECT_EQ(versions[1].stats.ttft_ms, std::nullopt);
    EXPECT_EQ(rebuilt.getCode(odd->id, 2), "<p>\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(LibraryImport, ReplaceKeepsIdsParentsAndTheLibrarysOwnSettings) {
    Store current = Store::openInMemory();
    current.setSetting("theme", "dark");
    ImportFile file = ImportFile::check(kilnLibrary([](Database& db) {
        db.exec("INSERT INTO settings VALUES ('endpoint', '{\"base_url\":\"https://evil.example\"}')");
    }));
    Database copy(":memory:");
    test::deserialize(copy, file.buildLibrary(&current.database(), [] { return int64_t{1}; }));
    Store rebuilt(std::move(copy), {});
    EXPECT_EQ(rebuilt.getSetting("theme"), "dark");
    EXPECT_EQ(rebuilt.getSetting("endpoint"), std::nullopt);
    std::optional<Project> alpha = rebuilt.getProjectByPublicId("00000000000000aa");
    ASSERT_TRUE(alpha);
    const std::vector<VersionSummary> versions = rebuilt.listVersions(alpha->id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[1].parent_id, versions[0].id);
    EXPECT_EQ(versions[1].stats.prompt_tokens, 42);
}

namespace {

// Each version's global id, by project public id and number ("00000000000000aa/1").
std::map<std::string, std::string> globalIds(Database& db) {
    std::map<std::string, std::string> ids;
    Statement select(db,
                     "SELECT p.public_id || '/' || v.number, g.global_id FROM versions v"
                     " JOIN projects p ON p.id = v.project_id LEFT JOIN version_global_ids g ON g.version_id = v.id");
    while (select.step()) ids[select.columnText(0)] = select.isNull(1) ? "" : select.columnText(1);
    return ids;
}

bool isGlobalId(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

// A version's global id names it in every library it reaches: Replace keeps the file's (as
// lowercase hex) when it is one and not taken twice; anything else gets a new one; Add, which
// makes new versions, gives every copy a new one.
TEST(LibraryImport, ReplaceKeepsValidGlobalIdsAndAddGivesNewOnes) {
    const std::string kept = "0123456789abcdef0123456789abcdef";
    ImportFile file = ImportFile::check(kilnLibrary([](Database& db) {
        db.exec(
            "INSERT INTO version_global_ids (version_id, global_id) VALUES"
            " (1, '0123456789ABCDEF0123456789abcdef'), (2, 'not a global id')");
    }));
    Database copy(":memory:");
    test::deserialize(copy, file.buildLibrary(nullptr, [] { return int64_t{1}; }));
    const std::map<std::string, std::string> replaced = globalIds(copy);
    ASSERT_EQ(replaced.size(), 3u);
    EXPECT_EQ(replaced.at("00000000000000aa/1"), kept);
    std::set<std::string> distinct;
    for (const auto& [version, id] : replaced) {
        EXPECT_TRUE(isGlobalId(id)) << version << ": " << id;
        distinct.insert(id);
    }
    EXPECT_EQ(distinct.size(), 3u);

    // Added to another library: new versions, so none keeps the file's id, free as it is there.
    Store library = Store::openInMemory();
    EXPECT_EQ(file.addTo(library.database(), [] { return int64_t{2}; }), 2);
    const std::map<std::string, std::string> added = globalIds(library.database());
    ASSERT_EQ(added.size(), 3u);
    for (const auto& [version, id] : added) {
        EXPECT_TRUE(isGlobalId(id)) << version << ": " << id;
        EXPECT_NE(id, kept) << version;
        distinct.insert(id);
    }
    EXPECT_EQ(distinct.size(), 6u);
}

TEST(LibraryImport, AFailedAddLeavesNoTrace) {
    Store library = Store::openInMemory(test::steppingClock());
    library.createProject("Kept");
    const std::vector<uint8_t> before = serialize(library.database());
    sqlite3_db_config(library.database().handle(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, nullptr);
    library.database().exec(
        "CREATE TEMP TRIGGER fail_version BEFORE INSERT ON versions "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
    ImportFile file = ImportFile::check(kilnLibrary());
    EXPECT_THROW(file.addTo(library.database(), [] { return int64_t{1}; }), SqliteError);
    library.database().exec("DROP TRIGGER fail_version");
    EXPECT_EQ(serialize(library.database()), before);
}

TEST(LibraryImport, OpeningALibraryRemovesWhatKilnDoesNotMake) {
    std::vector<uint8_t> bytes = kilnLibrary([](Database& db) {
        db.exec(
            "CREATE TRIGGER wipe AFTER INSERT ON projects BEGIN DELETE FROM versions; END;"
            "CREATE VIEW everything AS SELECT * FROM versions;"
            "CREATE INDEX by_length ON versions (length(code));"
            "DROP INDEX projects_by_update; CREATE INDEX projects_by_update ON projects (name);");
    });
    Database db(":memory:");
    test::deserialize(db, bytes);
    Store store(std::move(db), {});
    const std::vector<std::string>& removed = store.schemaStatus().removed;
    ASSERT_EQ(removed.size(), 4u);
    EXPECT_EQ(removed[0], "a trigger named “wipe” that Kiln does not make");
    EXPECT_EQ(removed[1], "a view named “everything” that Kiln does not make");
    Database reference = referenceSchema(currentSchemaVersion());
    EXPECT_FALSE(schemaDifference(store.database(), reference, "The library")) << "nothing foreign is left";
    EXPECT_EQ(store.listProjects(10).items.size(), 2u);
    EXPECT_TRUE(store.database().defensive());
}

// ---- App data (schema 2 on) ----------------------------------------------------------------------

namespace {

// A library after the Kiln file `bytes` is imported into an empty one: its projects added (`add`),
// or the library rebuilt from it (Replace).
Store importedIntoAnEmptyLibrary(const std::vector<uint8_t>& bytes, bool add) {
    ImportFile file = ImportFile::check(bytes);
    if (add) {
        Store library = Store::openInMemory(test::steppingClock());
        file.addTo(library.database(), [] { return int64_t{5}; });
        return library;
    }
    Database copy(":memory:");
    test::deserialize(copy, file.buildLibrary(nullptr, [] { return int64_t{1}; }));
    return Store(std::move(copy), {});
}

}  // namespace

TEST(LibraryImport, AppDataComesWithItsProjectAsText) {
    const std::vector<uint8_t> bytes = kilnLibrary([](Database& db) {
        db.exec(
            "INSERT INTO app_data (project_id, key, value, chars) SELECT id, 'count', '7', 6 FROM projects "
            "WHERE public_id = '00000000000000aa';"
            "INSERT INTO app_data (project_id, key, value, chars) SELECT id, x'41ff', 12, -99 FROM projects "
            "WHERE public_id = '00000000000000aa';");
    });
    for (bool add : {true, false}) {
        Store library = importedIntoAnEmptyLibrary(bytes, add);
        std::optional<Project> alpha;
        for (const ProjectSummary& item : library.listProjects(10).items) {
            if (item.project.name == "Alpha") alpha = item.project;
        }
        ASSERT_TRUE(alpha);
        const std::vector<AppDataItem> items = library.getAppData(alpha->id);
        ASSERT_EQ(items.size(), 2u) << (add ? "add" : "replace");
        EXPECT_EQ(items[0].key, "A\xEF\xBF\xBD");
        EXPECT_EQ(items[0].value, "12");
        EXPECT_EQ(items[1].key, "count");
        EXPECT_EQ(items[1].value, "7");
        EXPECT_EQ(library.appDataLength(alpha->id), 2 + 2 + 5 + 1) << "counted again, whatever the file said";
    }
}

TEST(LibraryImport, AppDataPastTheCapIsLeftOut) {
    const std::vector<uint8_t> bytes = kilnLibrary([](Database& db) {
        Statement insert(db,
                         "INSERT INTO app_data (project_id, key, value, chars) "
                         "SELECT id, ?, ?, 0 FROM projects WHERE public_id = '00000000000000aa'");
        for (const char* key : {"a", "b", "c"}) {
            insert.reset();
            insert.bind(1, std::string(key)).bind(2, std::string(kAppDataMaxLength / 2, 'x'));
            insert.run();
        }
    });
    Store library = Store::openInMemory(test::steppingClock());
    ImportFile::check(bytes).addTo(library.database(), [] { return int64_t{5}; });
    for (const ProjectSummary& item : library.listProjects(10).items) {
        if (item.project.name != "Alpha") continue;
        EXPECT_EQ(library.getAppData(item.project.id).size(), 1u);
        EXPECT_LE(library.appDataLength(item.project.id), kAppDataMaxLength);
    }
}

// ---- Versions' consoles (schema 3 on) -------------------------------------------------------------

TEST(LibraryImport, AVersionsConsoleComesWithItAndItsErrorsAreCountedAgain) {
    const std::vector<uint8_t> bytes = kilnLibrary([](Database& db) {
        db.exec(
            "INSERT INTO version_console (version_id, entries, dropped, errors, updated_at) "
            "SELECT min(id), '[{\"level\":\"error\",\"text\":\"boom\",\"line\":3}]', -5, 999, 1 FROM versions;"
            "INSERT INTO version_console (version_id, entries, dropped, errors, updated_at) "
            "SELECT max(id), 'not json', 0, 1, 1 FROM versions;");
    });
    for (bool add : {true, false}) {
        Store library = importedIntoAnEmptyLibrary(bytes, add);
        Statement kept(library.database(), "SELECT entries, dropped, errors FROM version_console");
        ASSERT_TRUE(kept.step()) << (add ? "add" : "replace");
        EXPECT_EQ(kept.columnText(0), R"([{"level":"error","text":"boom","line":3}])");
        EXPECT_EQ(kept.columnInt(1), 0) << "a negative count is none";
        EXPECT_EQ(kept.columnInt(2), 1) << "counted again, whatever the file said";
        EXPECT_FALSE(kept.step()) << "what is not a JSON array of entries is left out";
    }
}

TEST(LibraryImport, AFileFromBeforeAppDataImports) {
    Database db = referenceSchema(1);
    test::addLibraryContent(db);
    ImportFile file = ImportFile::check(serialize(db));
    EXPECT_EQ(file.summary().schema_version, 1);
    Store library = Store::openInMemory(test::steppingClock());
    EXPECT_EQ(file.addTo(library.database(), [] { return int64_t{5}; }), 2);
    Database copy(":memory:");
    test::deserialize(copy, file.buildLibrary(nullptr, [] { return int64_t{1}; }));
    Store rebuilt(std::move(copy), {});
    EXPECT_EQ(rebuilt.schemaStatus().schema_version, currentSchemaVersion());
    EXPECT_TRUE(rebuilt.getAppData(rebuilt.getProjectByPublicId("00000000000000aa")->id).empty());
}
