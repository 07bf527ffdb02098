// The RAII layer over SQLite: typed binds and columns, errors with codes, transactions.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/store/sqlite.h"

using kiln::store::Database;
using kiln::store::SqliteError;
using kiln::store::Statement;
using kiln::store::Transaction;

namespace {

Database tableDb() {
    Database db(":memory:");
    db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT UNIQUE)");
    return db;
}

}  // namespace

TEST(Sqlite, IsTheVersionTheBuildPins) {
    EXPECT_EQ(Database::libraryVersion(), "3.50.4");
}

TEST(Sqlite, IsBuiltWithSqlJsOptionsAndFts5) {
    Database db(":memory:");
    Statement options(db, "SELECT group_concat(compile_options, ' ') FROM pragma_compile_options");
    ASSERT_TRUE(options.step());
    const std::string all = " " + options.columnText(0) + " ";
    for (const char* option : {"OMIT_LOAD_EXTENSION", "DISABLE_LFS", "ENABLE_FTS3", "ENABLE_FTS3_PARENTHESIS",
                               "THREADSAFE=0", "ENABLE_NORMALIZE", "ENABLE_FTS5"}) {
        EXPECT_NE(all.find(std::string(" ") + option + " "), std::string::npos) << option << " in" << all;
    }
}

TEST(Sqlite, BindsAndReadsEveryType) {
    Database db = tableDb();
    Statement insert(db, "INSERT INTO t VALUES (?, ?, ?)");
    insert.bind(1, int64_t{1} << 40).bind(2, 2.5).bind(3, std::string_view("h\xc3\xa9llo\0x", 8));
    insert.run();
    Statement select(db, "SELECT i, r, s, NULL FROM t");
    ASSERT_TRUE(select.step());
    EXPECT_EQ(select.columnInt(0), int64_t{1} << 40);
    EXPECT_DOUBLE_EQ(select.columnDouble(1), 2.5);
    EXPECT_EQ(select.columnText(2), std::string("h\xc3\xa9llo\0x", 8)) << "text keeps its length, NULs included";
    EXPECT_TRUE(select.isNull(3));
    EXPECT_EQ(select.columnOptionalInt(3), std::nullopt);
    EXPECT_EQ(select.columnOptionalText(2), std::string("h\xc3\xa9llo\0x", 8));
    EXPECT_FALSE(select.step());
}

TEST(Sqlite, BindsByNameAndOptional) {
    Database db = tableDb();
    Statement insert(db, "INSERT INTO t (i, s) VALUES (:i, :s)");
    insert.bind(":i", std::optional<int64_t>()).bind(":s", "x");
    insert.run();
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t WHERE i IS NULL AND s = 'x'"), 1);
}

TEST(Sqlite, UnknownParameterNameThrowsRange) {
    Database db = tableDb();
    Statement insert(db, "INSERT INTO t (i) VALUES (:i)");
    try {
        insert.bind(":nope", 1);
        FAIL() << "expected SqliteError";
    } catch (const SqliteError& error) {
        EXPECT_EQ(error.code(), SQLITE_RANGE);
        EXPECT_NE(std::string(error.what()).find(":nope"), std::string::npos);
    }
}

TEST(Sqlite, PrepareErrorCarriesCodeMessageAndSql) {
    Database db = tableDb();
    try {
        Statement bad(db, "SELECT nope FROM t");
        FAIL() << "expected SqliteError";
    } catch (const SqliteError& error) {
        EXPECT_EQ(error.primaryCode(), SQLITE_ERROR);
        EXPECT_NE(std::string(error.what()).find("no such column: nope"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("SELECT nope FROM t"), std::string::npos) << error.what();
    }
}

TEST(Sqlite, StepErrorCarriesExtendedCode) {
    Database db = tableDb();
    db.exec("INSERT INTO t (s) VALUES ('same')");
    Statement insert(db, "INSERT INTO t (s) VALUES ('same')");
    try {
        insert.run();
        FAIL() << "expected SqliteError";
    } catch (const SqliteError& error) {
        EXPECT_EQ(error.code(), SQLITE_CONSTRAINT_UNIQUE);
    }
    // The statement is usable again after the failure.
    db.exec("DELETE FROM t");
    insert.run();
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 1);
}

TEST(Sqlite, TransactionRollsBackUnlessCommitted) {
    Database db = tableDb();
    {
        Transaction transaction(db);
        db.exec("INSERT INTO t (i) VALUES (1)");
        EXPECT_TRUE(db.inTransaction());
    }
    EXPECT_FALSE(db.inTransaction());
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 0);
    {
        Transaction transaction(db);
        db.exec("INSERT INTO t (i) VALUES (2)");
        transaction.commit();
    }
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 1);
}

TEST(Sqlite, TransactionRollsBackWhenAnExceptionLeavesIt) {
    Database db = tableDb();
    EXPECT_THROW(
        {
            Transaction transaction(db);
            db.exec("INSERT INTO t (i) VALUES (1)");
            db.exec("INSERT INTO missing VALUES (1)");
            transaction.commit();
        },
        SqliteError);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 0);
}

TEST(Sqlite, OpeningAMissingFileWithoutCreateFails) {
    EXPECT_THROW(Database("/nonexistent-dir/kiln.sqlite", kiln::store::OpenMode::ReadWrite), SqliteError);
}
