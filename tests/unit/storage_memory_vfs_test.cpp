// The "kiln-mem" VFS: SQLite files in MemoryPagers, the commit signal, locks, and what each
// journal_mode / synchronous setting makes SQLite do (the facts behind DurableDatabase's pragmas).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/storage/memory_vfs.h"
#include "core/store/sqlite.h"
#include "storage_test_support.h"

using namespace kiln::storage;
using kiln::store::Database;
using kiln::store::SqliteError;

namespace {

// A pager attached to the VFS, with a listener that keeps, for each commit, the pages the
// pager says changed and the whole file after it.
struct CommitLog {
    std::shared_ptr<MemoryPager> pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    std::vector<PageChanges> commits;
    std::vector<std::vector<uint8_t>> images{{}};  // the file after each commit (the first: empty)
    AttachedMemoryFile file{pager, {true, [this] {
                                        commits.push_back(pager->changes());
                                        pager->clearChanges();
                                        images.push_back(pager->contents());
                                    }}};
};

Database connect(const AttachedMemoryFile& file, const char* pragmas = "PRAGMA journal_mode = MEMORY") {
    Database db(file.uri());
    db.exec(pragmas);
    return db;
}

std::string blob(size_t size, char fill) {
    return std::string(size, fill);
}

}  // namespace

TEST(MemoryVfs, KeepsADatabaseInThePager) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    AttachedMemoryFile file(pager);
    {
        Database db = connect(file);
        db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('hello')");
    }
    const std::vector<uint8_t> bytes = pager->contents();
    ASSERT_GE(bytes.size(), 2 * kDefaultPageSize);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 16), std::string("SQLite format 3\0", 16));
    EXPECT_EQ(bytes.size() % kDefaultPageSize, 0u);
    EXPECT_EQ(bytes[18], 1);  // a rollback-journal file, as sql.js writes them
    Database again = connect(file);
    EXPECT_EQ(again.queryInt("SELECT count(*) FROM t WHERE x = 'hello'"), 1);
    kiln::store::Statement check(again, "PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.columnText(0), "ok");
}

TEST(MemoryVfs, SignalsEachCommitOnceWithExactlyThePagesThatChanged) {
    CommitLog log;
    Database db = connect(log.file, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX t_body ON t (body)");
    db.exec("BEGIN; INSERT INTO t (body) VALUES ('" + blob(20000, 'a') +
            "'); INSERT INTO t (body) VALUES ('b'); COMMIT");
    db.exec("UPDATE t SET body = 'c' WHERE id = 2");
    db.exec("DELETE FROM t WHERE id = 1");
    db.exec("VACUUM");
    ASSERT_EQ(log.commits.size(), 6u);  // two statements, a transaction, three statements
    for (size_t i = 0; i < log.commits.size(); ++i) {
        EXPECT_EQ(log.commits[i].pages, kiln::test::differingPages(log.images[i], log.images[i + 1])) << "commit " << i;
        EXPECT_EQ(uint64_t{log.commits[i].page_count} * kDefaultPageSize, log.images[i + 1].size()) << "commit " << i;
    }
    EXPECT_LT(log.images[6].size(), log.images[5].size()) << "VACUUM should have shrunk the file";
    EXPECT_FALSE(log.pager->hasChanges());
}

TEST(MemoryVfs, ReadsAndRollbacksAreNoCommits) {
    CommitLog log;
    Database db = connect(log.file);
    db.exec("CREATE TABLE t (body TEXT)");
    const size_t commits = log.commits.size();
    const std::vector<uint8_t> before = log.pager->contents();
    db.queryInt("SELECT count(*) FROM t");
    db.exec("BEGIN; INSERT INTO t VALUES ('x'); ROLLBACK");
    EXPECT_EQ(log.commits.size(), commits);
    // A write transaction that writes nothing is signalled, with nothing in it.
    db.exec("BEGIN IMMEDIATE; COMMIT");
    ASSERT_EQ(log.commits.size(), commits + 1);
    EXPECT_TRUE(log.commits.back().pages.empty());
    EXPECT_EQ(uint64_t{log.commits.back().page_count} * kDefaultPageSize, before.size());
    EXPECT_EQ(log.pager->contents(), before);
    EXPECT_FALSE(log.pager->hasChanges());
}

TEST(MemoryVfs, ARollbackAfterTheCacheSpilledRestoresEveryByte) {
    CommitLog log;
    Database db =
        connect(log.file, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = NORMAL; PRAGMA cache_size = 10");
    db.exec("CREATE TABLE t (body TEXT)");
    db.exec("INSERT INTO t VALUES ('" + blob(50000, 'k') + "')");
    const std::vector<uint8_t> before = log.pager->contents();
    const MemoryFileCounters start = log.file.counters();
    db.exec("BEGIN");
    for (int i = 0; i < 20; ++i) db.exec("INSERT INTO t VALUES ('" + blob(10000, static_cast<char>('a' + i)) + "')");
    EXPECT_GT(log.file.counters().writes, start.writes) << "the transaction should have spilled pages to the file";
    db.exec("ROLLBACK");
    // Undoing the spilled pages ends with a sync, which is why xSync cannot mean "committed".
    EXPECT_GT(log.file.counters().syncs, start.syncs);
    EXPECT_EQ(log.file.counters().commits, start.commits);
    std::vector<uint8_t> after = log.pager->contents();
    after.resize(before.size());  // SQLite may leave the file longer until the next commit truncates it
    EXPECT_EQ(after, before);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 1);
}

// The facts behind DurableDatabase's pragmas, measured: with journal_mode=MEMORY, xSync comes at
// commit only when synchronous is not OFF, but SQLITE_FCNTL_SYNC and COMMIT_PHASETWO come once
// per commit whatever synchronous says. A rollback that spilled pages syncs too: xSync is no
// commit signal. With journal_mode=DELETE the journal is a file of its own, gone after commit.
TEST(MemoryVfs, CommitSignalComesOncePerTransactionWhateverSynchronousSays) {
    struct Case {
        const char* pragmas;
        uint64_t syncs_per_commit;
    };
    for (const Case& c : {Case{"PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF", 0},
                          Case{"PRAGMA journal_mode = MEMORY; PRAGMA synchronous = NORMAL", 1},
                          Case{"PRAGMA journal_mode = MEMORY; PRAGMA synchronous = FULL", 1},
                          Case{"PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF", 0}}) {
        CommitLog log;
        Database db = connect(log.file, c.pragmas);
        db.exec("CREATE TABLE t (body TEXT)");
        const MemoryFileCounters start = log.file.counters();
        for (int i = 0; i < 5; ++i) db.exec("INSERT INTO t VALUES ('" + blob(3000, 'x') + "')");
        const MemoryFileCounters& now = log.file.counters();
        EXPECT_EQ(now.commits - start.commits, 5u) << c.pragmas;
        EXPECT_EQ(now.sync_signals - start.sync_signals, 5u) << c.pragmas;
        EXPECT_EQ(now.syncs - start.syncs, 5 * c.syncs_per_commit) << c.pragmas;
        EXPECT_EQ(log.commits.size(), 6u) << c.pragmas;
    }
}

TEST(MemoryVfs, RefusesPagesSmallerThanThePagersWhenAskedForWholePages) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    AttachedMemoryFile file(pager, {true, {}});
    Database db = connect(file, "PRAGMA page_size = 1024; PRAGMA journal_mode = MEMORY");
    try {
        db.exec("CREATE TABLE t (x)");
        FAIL() << "a 1024-byte page was written into a 4096-byte pager";
    } catch (const SqliteError& error) {
        EXPECT_EQ(error.primaryCode(), SQLITE_IOERR);
    }
    EXPECT_EQ(pager->size(), 0u);
}

TEST(MemoryVfs, LocksKeepTwoConnectionsApart) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    AttachedMemoryFile file(pager);
    Database first = connect(file);
    Database second = connect(file);
    first.exec("CREATE TABLE t (x)");
    EXPECT_FALSE(file.locked());
    first.exec("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");
    EXPECT_TRUE(file.locked());
    try {
        second.exec("BEGIN IMMEDIATE");
        FAIL() << "two writers at once";
    } catch (const SqliteError& error) {
        EXPECT_EQ(error.primaryCode(), SQLITE_BUSY);
    }
    EXPECT_EQ(second.queryInt("SELECT count(*) FROM t"), 0);  // reads the committed state
    first.exec("COMMIT");
    EXPECT_FALSE(file.locked());
    EXPECT_EQ(second.queryInt("SELECT count(*) FROM t"), 1);
    second.exec("INSERT INTO t VALUES (2)");
    EXPECT_EQ(first.queryInt("SELECT count(*) FROM t"), 2);
}

TEST(MemoryVfs, TemporaryFilesAndJournalsLiveInMemoryToo) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    AttachedMemoryFile file(pager);
    Database db = connect(file, "PRAGMA journal_mode = DELETE; PRAGMA temp_store = FILE; PRAGMA cache_size = 10");
    db.exec("CREATE TABLE t (x TEXT); CREATE TEMP TABLE scratch (y TEXT)");
    db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
        "INSERT INTO scratch SELECT printf('%08d-%s', i, hex(randomblob(50))) FROM n");
    db.exec("INSERT INTO t SELECT y FROM scratch ORDER BY substr(y, 10)");
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 2000);
    int exists = 1;
    sqlite3_vfs* vfs = sqlite3_vfs_find(kMemoryVfsName);
    ASSERT_NE(vfs, nullptr);
    vfs->xAccess(vfs, (file.name() + "-journal").c_str(), SQLITE_ACCESS_EXISTS, &exists);
    EXPECT_EQ(exists, 0) << "the journal outlived its transaction";
}

TEST(MemoryVfs, ADetachedFileKeepsOpenConnectionsWorkingWithoutSignals) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    int signals = 0;
    auto file = std::make_unique<AttachedMemoryFile>(pager, MemoryFileOptions{true, [&signals] { ++signals; }});
    Database db = connect(*file);
    db.exec("CREATE TABLE t (x)");
    EXPECT_EQ(signals, 1);
    const std::string uri = file->uri();
    file.reset();
    db.exec("INSERT INTO t VALUES (1)");
    EXPECT_EQ(signals, 1);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 1);
    EXPECT_THROW(Database(uri, kiln::store::OpenMode::ReadWrite), SqliteError);
}

TEST(MemoryVfs, AConnectionSeesPagesReplacedUnderItBetweenTransactions) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    AttachedMemoryFile file(pager);
    Database db = connect(file);
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('old')");
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t WHERE x = 'old'"), 1);

    // Another database with the same schema, further along (its change counter is higher).
    auto other = std::make_shared<MemoryPager>(kDefaultPageSize);
    {
        AttachedMemoryFile other_file(other);
        Database writer = connect(other_file);
        writer.exec("CREATE TABLE t (x)");
        for (int i = 0; i < 5; ++i) writer.exec("INSERT INTO t VALUES ('new')");
    }
    pager->restore(other->snapshot());
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t WHERE x = 'new'"), 5);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t WHERE x = 'old'"), 0);
}

TEST(MemoryVfs, RefusesWalModeAndStaysUsable) {
    CommitLog log;
    Database db = connect(log.file, "PRAGMA locking_mode = EXCLUSIVE");
    db.exec("CREATE TABLE t (x)");
    try {
        db.exec("PRAGMA journal_mode = WAL");
        FAIL() << "WAL mode was accepted";
    } catch (const SqliteError& error) {
        EXPECT_NE(std::string(error.what()).find("no WAL mode"), std::string::npos) << error.what();
    }
    db.exec("INSERT INTO t VALUES (1)");
    EXPECT_FALSE(log.commits.back().pages.empty()) << "the commit did not reach the pager";
    EXPECT_EQ(log.pager->page(1)[18], 1);
}
