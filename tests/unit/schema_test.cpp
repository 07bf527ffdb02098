// Opening a database: Kiln's own are migrated, anything else is refused untouched, and a newer
// Kiln's is opened read-only.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/store/schema.h"
#include "core/store/store.h"
#include "test_support.h"

using namespace kiln::store;
using kiln::test::readFile;
using kiln::test::TempPath;
using kiln::test::writeFile;

namespace {

int64_t pragma(Database& db, const std::string& name) {
    return db.queryInt("PRAGMA " + name);
}

// Makes a current Kiln database file with one project and one version.
void makeKilnFile(const std::string& path) {
    Store store = Store::open(path);
    Project project = store.createProject("Kept");
    store.insertVersion({project.id, {}, "prompt", "<p>code</p>", "model", "label", {}});
}

StoreErrorKind openKind(const std::string& path) {
    try {
        Store::open(path);
    } catch (const StoreError& error) {
        EXPECT_GT(std::string(error.what()).size(), 20u) << "the message says what happened";
        return error.kind();
    }
    ADD_FAILURE() << "expected the file to be refused";
    return StoreErrorKind::InvalidArgument;
}

std::vector<Migration> withExtra(const char* sql) {
    std::vector<Migration> list = migrations();
    list.push_back({currentSchemaVersion() + 1, "test step", sql});
    return list;
}

}  // namespace

TEST(Schema, MigrationsAreNumberedFromOneWithoutGaps) {
    const auto& list = migrations();
    ASSERT_FALSE(list.empty());
    for (size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ(currentSchemaVersion(), list.back().version);
}

TEST(Schema, NewDatabaseGetsKilnIdAndCurrentVersion) {
    Database db(":memory:");
    SchemaStatus status = openSchema(db);
    EXPECT_EQ(status.found_version, 0);
    EXPECT_EQ(status.schema_version, currentSchemaVersion());
    EXPECT_FALSE(status.read_only);
    EXPECT_EQ(pragma(db, "application_id"), kApplicationId);
    EXPECT_EQ(pragma(db, "user_version"), currentSchemaVersion());
}

// Opening a current database reads its header in one query, and finds no version without a
// global id (kGiveGlobalIds) in one more; it writes nothing.
TEST(Schema, CurrentDatabaseOpensWithTwoQueriesAndNoWrite) {
    TempPath path;
    makeKilnFile(path.str());
    const std::string before = readFile(path.str());
    Database db(path.str());
    int statements = 0;
    sqlite3_trace_v2(
        db.handle(), SQLITE_TRACE_STMT,
        [](unsigned, void* counter, void*, void* sql) {
            // Sub-programs (here: the pragma functions' own) are traced as "-- ..." lines.
            if (std::string(static_cast<const char*>(sql)).rfind("--", 0) != 0) ++*static_cast<int*>(counter);
            return 0;
        },
        &statements);
    SchemaStatus status = openSchema(db);
    EXPECT_EQ(statements, 2);
    EXPECT_EQ(status.found_version, currentSchemaVersion());
    EXPECT_EQ(readFile(path.str()), before);
}

TEST(Schema, NotSqliteIsRefusedAndLeftUntouched) {
    TempPath path;
    const std::string bytes = "<html>this is not a database</html>" + std::string(4096, 'x');
    writeFile(path.str(), bytes);
    EXPECT_EQ(openKind(path.str()), StoreErrorKind::NotSqlite);
    EXPECT_EQ(readFile(path.str()), bytes);
}

TEST(Schema, TruncatedHeaderIsRefusedAndLeftUntouched) {
    TempPath path;
    makeKilnFile(path.str());
    const std::string cut = readFile(path.str()).substr(0, 60);
    writeFile(path.str(), cut);
    EXPECT_EQ(openKind(path.str()), StoreErrorKind::NotSqlite);
    EXPECT_EQ(readFile(path.str()), cut);
}

TEST(Schema, TruncatedBodyFailsWithAnErrorAndIsLeftUntouched) {
    TempPath path;
    {
        Store store = Store::open(path.str());
        Project project = store.createProject("Big");
        for (int i = 0; i < 20; ++i)
            store.insertVersion({project.id, {}, "p", std::string(5000, 'a' + i % 26), "", "", {}});
    }
    const std::string whole = readFile(path.str());
    const std::string cut = whole.substr(0, whole.size() / 2);
    writeFile(path.str(), cut);
    // The header page survives, so the file opens; reading the lost pages must fail loudly.
    try {
        Store store = Store::open(path.str());
        Project project = *store.getProjectByPublicId(store.listProjects(1).items.at(0).project.public_id);
        for (int n = 1; n <= 20; ++n) store.getCode(project.id, n);
        FAIL() << "reading a truncated database should fail";
    } catch (const SqliteError& error) {
        EXPECT_EQ(error.primaryCode(), SQLITE_CORRUPT) << error.what();
    } catch (const StoreError& error) {
        EXPECT_EQ(error.kind(), StoreErrorKind::NotSqlite) << error.what();
    }
    EXPECT_EQ(readFile(path.str()), cut);
}

TEST(Schema, OtherApplicationIdIsRefusedAndLeftUntouched) {
    TempPath path;
    {
        Database db(path.str());
        db.exec("PRAGMA application_id = 1234; CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')");
    }
    const std::string before = readFile(path.str());
    EXPECT_EQ(openKind(path.str()), StoreErrorKind::NotKiln);
    EXPECT_EQ(readFile(path.str()), before);
}

TEST(Schema, UnrelatedTablesWithoutIdAreRefusedAndLeftUntouched) {
    TempPath path;
    {
        Database db(path.str());
        db.exec("CREATE TABLE projects (whatever TEXT); INSERT INTO projects VALUES ('theirs')");
    }
    const std::string before = readFile(path.str());
    EXPECT_EQ(openKind(path.str()), StoreErrorKind::NotKiln);
    EXPECT_EQ(readFile(path.str()), before);
}

TEST(Schema, NewerSchemaOpensReadOnlyAndIsNeverWritten) {
    TempPath path;
    makeKilnFile(path.str());
    {
        Database db(path.str());
        db.exec("PRAGMA user_version = " + std::to_string(currentSchemaVersion() + 5));
    }
    const std::string before = readFile(path.str());

    Store store = Store::open(path.str());
    EXPECT_TRUE(store.readOnly());
    EXPECT_NE(store.schemaStatus().message.find("newer Kiln"), std::string::npos);
    // Reading works ...
    ProjectPage page = store.listProjects(10);
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(store.getCode(page.items[0].project.id), "<p>code</p>");
    // ... writing is refused with the same explanation ...
    try {
        store.createProject("New");
        FAIL() << "expected a read-only error";
    } catch (const StoreError& error) {
        EXPECT_EQ(error.kind(), StoreErrorKind::ReadOnly);
    }
    EXPECT_THROW(store.setSetting("k", "v"), StoreError);
    // ... and even SQL that goes around the store cannot write.
    EXPECT_THROW(store.database().exec("DELETE FROM versions"), SqliteError);
    EXPECT_EQ(readFile(path.str()), before);
}

TEST(Schema, FailingMigrationRollsBackAndLeavesTheFileUnchanged) {
    TempPath path;
    makeKilnFile(path.str());
    const std::string before = readFile(path.str());
    StoreOptions options;
    options.migrations = withExtra(
        "ALTER TABLE versions ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;"
        "INSERT INTO no_such_table VALUES (1);");
    try {
        Store::open(path.str(), options);
        FAIL() << "expected MigrationFailed";
    } catch (const StoreError& error) {
        EXPECT_EQ(error.kind(), StoreErrorKind::MigrationFailed);
        const std::string message = error.what();
        EXPECT_NE(message.find("test step"), std::string::npos) << message;
        EXPECT_NE(message.find("no such table: no_such_table"), std::string::npos) << message;
    }
    EXPECT_EQ(readFile(path.str()), before);
    // And the current build still opens it as before.
    Store store = Store::open(path.str());
    EXPECT_EQ(store.schemaStatus().schema_version, currentSchemaVersion());
}

TEST(Schema, PendingMigrationsRunInOrderAndKeepRows) {
    TempPath path;
    makeKilnFile(path.str());
    StoreOptions options;
    options.migrations = withExtra("ALTER TABLE versions ADD COLUMN rating INTEGER NOT NULL DEFAULT 3;");
    Store store = Store::open(path.str(), options);
    EXPECT_EQ(store.schemaStatus().found_version, currentSchemaVersion());
    EXPECT_EQ(store.schemaStatus().schema_version, currentSchemaVersion() + 1);
    EXPECT_EQ(store.database().queryInt("SELECT rating FROM versions"), 3);
    EXPECT_EQ(store.database().queryInt("PRAGMA user_version"), currentSchemaVersion() + 1);
}
