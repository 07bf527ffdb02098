// Released schema versions stay readable: the database each released version made migrates to
// the current schema with every row kept, and the queries each released version ran still run.
// Fixtures are written by tools/fixture.cpp (see CONTRIBUTING.md, "Add a migration").
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/store/store.h"
#include "core/sync/library_docs.h"
#include "test_support.h"

using namespace kiln::store;
using kiln::test::readFile;
using kiln::test::TempPath;
using kiln::test::writeFile;

namespace {

std::string fixturePath(const std::string& name) {
    return std::string(KILN_FIXTURES_DIR) + "/" + name;
}

struct Table {
    std::vector<std::string> columns;
    std::multiset<std::string> rows;  // each row as its values' literals joined
};

std::multiset<std::string> readRows(Database& db, const std::string& sql) {
    std::multiset<std::string> rows;
    Statement select(db, sql);
    while (select.step()) {
        std::string row;
        for (int i = 0; i < select.columnCount(); ++i) row += select.columnAsLiteral(i) + "|";
        rows.insert(row);
    }
    return rows;
}

std::string columnList(const std::vector<std::string>& columns) {
    std::string list;
    for (const std::string& column : columns) list += (list.empty() ? "\"" : ", \"") + column + "\"";
    return list;
}

std::map<std::string, Table> dumpTables(Database& db) {
    std::map<std::string, Table> tables;
    Statement names(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (names.step()) {
        Table& table = tables[names.columnText(0)];
        Statement columns(db, "SELECT name FROM pragma_table_info(?)");
        columns.bind(1, names.columnText(0));
        while (columns.step()) table.columns.push_back(columns.columnText(0));
        table.rows = readRows(db, "SELECT " + columnList(table.columns) + " FROM \"" + names.columnText(0) + "\"");
    }
    return tables;
}

// Runs every query of a release's queries-v<N>.json on db, each rolled back; returns the failures.
std::vector<std::string> runReleasedQueries(Database& db, const nlohmann::json& fixture) {
    std::vector<std::string> failures;
    for (const auto& query : fixture.at("queries")) {
        const std::string name = query.at("name");
        try {
            Transaction transaction(db);
            Statement statement(db, query.at("sql").get<std::string>());
            for (const auto& [parameter, value] : query.at("params").items()) {
                if (value.is_number_integer())
                    statement.bind(parameter.c_str(), value.get<int64_t>());
                else if (value.is_null())
                    statement.bind(parameter.c_str(), nullptr);
                else
                    statement.bind(parameter.c_str(), value.get<std::string>());
            }
            statement.run();
        } catch (const std::exception& error) {
            failures.push_back(name + ": " + error.what());
        }
    }
    return failures;
}

// A scratch copy of a fixture database, so tests never change the committed file.
std::string copyOfFixture(const TempPath& path, int version) {
    const std::string bytes = readFile(fixturePath("schema-v" + std::to_string(version) + ".sqlite"));
    EXPECT_FALSE(bytes.empty()) << "missing fixture for schema version " << version;
    writeFile(path.str(), bytes);
    return path.str();
}

nlohmann::json queriesOf(int version) {
    const std::string text = readFile(fixturePath("queries-v" + std::to_string(version) + ".json"));
    EXPECT_FALSE(text.empty()) << "missing query fixture for schema version " << version;
    return text.empty() ? nlohmann::json{{"queries", nlohmann::json::array()}} : nlohmann::json::parse(text);
}

}  // namespace

TEST(Fixtures, EveryReleasedVersionHasItsFixtures) {
    for (int version = 1; version <= currentSchemaVersion(); ++version) {
        EXPECT_FALSE(readFile(fixturePath("schema-v" + std::to_string(version) + ".sqlite")).empty()) << version;
        EXPECT_EQ(queriesOf(version).at("schema_version"), version);
    }
}

TEST(Fixtures, EveryReleasedDatabaseMigratesWithEveryRowKept) {
    for (int version = 1; version <= currentSchemaVersion(); ++version) {
        SCOPED_TRACE("schema-v" + std::to_string(version));
        TempPath path;
        copyOfFixture(path, version);
        std::map<std::string, Table> before;
        {
            Database db(path.str());
            before = dumpTables(db);
        }
        ASSERT_GT(before.at("versions").rows.size(), 3u) << "the fixture holds data worth keeping";

        Store store = Store::open(path.str());
        EXPECT_EQ(store.schemaStatus().found_version, version);
        EXPECT_EQ(store.schemaStatus().schema_version, currentSchemaVersion());
        for (const auto& [name, table] : before) {
            EXPECT_EQ(readRows(store.database(), "SELECT " + columnList(table.columns) + " FROM \"" + name + "\""),
                      table.rows)
                << "rows of " << name << " changed";
        }
    }
}

// The migration that brought global ids gives one to every version made before it.
TEST(Fixtures, VersionsMadeBeforeGlobalIdsGetOneEachWhenMigrated) {
    for (int version = 1; version < kGlobalIdSchemaVersion; ++version) {
        SCOPED_TRACE("schema-v" + std::to_string(version));
        TempPath path;
        Store store = Store::open(copyOfFixture(path, version));
        const std::multiset<std::string> ids =
            readRows(store.database(),
                     "SELECT (SELECT global_id FROM version_global_ids WHERE version_id = versions.id) FROM versions");
        EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "two versions share an id";
        for (const std::string& id : ids) EXPECT_EQ(id.size(), 32u + 3u) << id;  // 'hex'| as a literal
    }
}

TEST(Fixtures, EveryReleasedVersionsQueriesRunOnTheCurrentSchema) {
    for (int version = 1; version <= currentSchemaVersion(); ++version) {
        SCOPED_TRACE("queries-v" + std::to_string(version));
        TempPath path;
        Store store = Store::open(copyOfFixture(path, version));
        nlohmann::json fixture = queriesOf(version);
        EXPECT_FALSE(fixture.at("queries").empty());
        std::vector<std::string> failures = runReleasedQueries(store.database(), fixture);
        EXPECT_TRUE(failures.empty()) << failures.front();
    }
}

TEST(Fixtures, TheCurrentQueriesAreTheOnesOfTheCurrentFixture) {
    // A query changed after its release is fine, but then the fixture of the release must not
    // be mistaken for it: the current version's fixture lists exactly today's statements.
    nlohmann::json fixture = queriesOf(currentSchemaVersion());
    std::map<std::string, std::string> released;
    for (const auto& query : fixture.at("queries")) released[query.at("name")] = query.at("sql");
    std::vector<NamedQuery> current = storeQueries();
    current.insert(current.end(), kiln::sync::libraryDocsQueries().begin(), kiln::sync::libraryDocsQueries().end());
    for (const NamedQuery& query : current) {
        auto found = released.find(query.name);
        ASSERT_NE(found, released.end()) << query.name << " is missing from queries-v" << currentSchemaVersion()
                                         << ".json";
        EXPECT_EQ(found->second, query.sql) << query.name;
    }
}

// The two checks above are only worth having if a breaking migration makes them fail. These
// append migrations that break the rules (rename a column, drop a column) and show that the
// released queries then fail, by name.
// The failures of the released queries on the current fixture after one more migration, `sql`.
std::vector<std::string> failuresAfterMigration(const char* name, const char* sql) {
    TempPath path;
    StoreOptions options;
    options.migrations = migrations();
    options.migrations.push_back({currentSchemaVersion() + 1, name, sql});
    Store store = Store::open(copyOfFixture(path, currentSchemaVersion()), options);
    return runReleasedQueries(store.database(), queriesOf(currentSchemaVersion()));
}

TEST(Fixtures, ARenamedColumnBreaksTheReleasedQueries) {
    std::vector<std::string> failures =
        failuresAfterMigration("rename", "ALTER TABLE versions RENAME COLUMN model TO model_name");
    ASSERT_FALSE(failures.empty());
    EXPECT_NE(failures.front().find("no such column: v.model"), std::string::npos) << failures.front();
}

TEST(Fixtures, ADroppedColumnBreaksTheReleasedQueries) {
    std::vector<std::string> failures =
        failuresAfterMigration("drop", "ALTER TABLE versions DROP COLUMN endpoint_label");
    std::string names;
    for (const std::string& failure : failures) names += failure.substr(0, failure.find(':')) + " ";
    EXPECT_EQ(names, "listProjects insertVersion getVersion listVersions sync.versionDoc sync.insertSyncedVersion ")
        << "every query that uses the column";
}
