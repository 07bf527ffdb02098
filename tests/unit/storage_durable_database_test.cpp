// DurableDatabase over a fake backend that fails, holds writes in flight and "crashes" (a state
// from its history reopened) between any two steps.
//
// Index
//   Fixture          open, a store over it, random commits, reopening
//   Commits          records, states, failures, conflicts, bytes written
//   Recovery         crashes, cut and damaged records, gaps
//   Compaction       folding, crash safety, commits in between, the automatic policy
//   Refresh          another writer's commits
//   Export, import   plain SQLite files in and out, and every refusal
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "core/storage/durable_database.h"
#include "core/store/store.h"
#include "storage_test_support.h"
#include "test_support.h"

using namespace kiln::storage;
using kiln::store::Database;
using kiln::store::Store;
using kiln::store::StoreError;
using kiln::store::StoreErrorKind;
using kiln::test::FakeBackend;

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

namespace {

constexpr char kName[] = "kiln";

DurableOptions testOptions() {
    DurableOptions options;
    options.chunk_pages = 8;  // several chunks even for a small database
    options.compact_automatically = false;
    return options;
}

struct Opened {
    std::unique_ptr<DurableDatabase> database;
    std::optional<StorageError> error;
};

// Opens from a backend that answers at once.
Opened openFrom(FakeBackend& backend, DurableOptions options = testOptions()) {
    Opened opened;
    bool answered = false;
    DurableDatabase::open(
        backend, kName,
        [&](std::unique_ptr<DurableDatabase> database, std::optional<StorageError> error) {
            opened.database = std::move(database);
            opened.error = std::move(error);
            answered = true;
        },
        options);
    EXPECT_TRUE(answered);
    return opened;
}

std::unique_ptr<DurableDatabase> mustOpen(FakeBackend& backend, DurableOptions options = testOptions()) {
    Opened opened = openFrom(backend, options);
    EXPECT_FALSE(opened.error) << opened.error->detail;
    return std::move(opened.database);
}

std::string integrity(Database& db) {
    kiln::store::Statement check(db, "PRAGMA integrity_check");
    return check.step() ? check.columnText(0) : "no row";
}

std::string code(std::mt19937& random, size_t size = 20000) {
    static const char kAlphabet[] = "<div class=app>{}();=+-*/ abcdefghijklmnopqrstuvwxyz0123456789\n";
    std::string text(size, ' ');
    for (char& c : text) c = kAlphabet[random() % (sizeof kAlphabet - 1)];
    return text;
}

// A durable database with a store over it, and the file as it was after each commit (the schema's
// too: each migration is a commit of its own).
class Session {
public:
    explicit Session(FakeBackend& backend, DurableOptions options = testOptions())
        : database(mustOpen(backend, options)),
          images{{database->status().committed, database->exportBytes()}},
          store(migratedOneByOne(), kiln::test::steppingClock()) {
        remember();
    }

    // One commit: a new project, or a new 20 KB version of a random one.
    void randomCommit(std::mt19937& random) {
        if (projects.empty() || random() % 4 == 0) {
            projects.push_back(store.createProject("Project " + std::to_string(projects.size() + 1)).id);
        } else {
            const int64_t project = projects[random() % projects.size()];
            store.insertVersion({project, {}, "make it better", code(random), "test-model", "Loopback", {}});
        }
        remember();
    }

    void randomCommits(std::mt19937& random, int count) {
        for (int i = 0; i < count; ++i) randomCommit(random);
    }

    void remember() { images[database->status().committed] = database->exportBytes(); }
    uint64_t lastCommit() const { return images.rbegin()->first; }
    const Bytes& latest() const { return images.rbegin()->second; }
    // The commit after which the file was `bytes`, or -1 if it never was.
    int64_t commitOf(const Bytes& bytes) const {
        for (const auto& [sequence, image] : images) {
            if (image == bytes) return static_cast<int64_t>(sequence);
        }
        return -1;
    }

    std::unique_ptr<DurableDatabase> database;
    std::map<uint64_t, Bytes> images;  // the file after each commit, by sequence number
    Store store;
    std::vector<int64_t> projects;

private:
    // A connection brought to the current schema one migration at a time, so that the file after
    // each of them is remembered.
    Database migratedOneByOne() {
        Database db = database->connect();
        const std::vector<kiln::store::Migration>& all = kiln::store::migrations();
        for (auto end = all.begin() + 1; end <= all.end(); ++end) {
            if (db.queryInt("PRAGMA user_version") >= (end - 1)->version) continue;
            kiln::store::openSchema(db, {all.begin(), end});
            remember();
        }
        return db;
    }
};

// Reopens the database from a backend state, checks it, and returns its bytes.
Bytes reopened(const FakeBackend::State& state, ReplayReport* report = nullptr) {
    FakeBackend backend(state);
    auto database = mustOpen(backend);
    if (!database) return {};
    if (report) *report = database->recovery();
    Database db = database->connect();
    EXPECT_EQ(integrity(db), "ok");
    return database->exportBytes();
}

// A crash after any write of the backend's history reopens to a state the session committed, never
// older than after an earlier write; after the last write, to the last commit.
void expectEveryCrashReopensToACommit(const FakeBackend& backend, const Session& session) {
    int64_t previous = 0;
    for (const FakeBackend::State& state : backend.history()) {
        const int64_t commit = session.commitOf(reopened(state));
        ASSERT_GE(commit, 0) << "a crash left a state that was never committed";
        EXPECT_GE(commit, previous);
        previous = commit;
    }
    EXPECT_EQ(previous, static_cast<int64_t>(session.lastCommit()));
}

std::vector<std::string> keysUnder(const FakeBackend::State& state, const std::string& prefix) {
    std::vector<std::string> keys;
    for (const auto& entry : state) {
        if (entry.first.compare(0, prefix.size(), prefix) == 0) keys.push_back(entry.first);
    }
    return keys;
}

// A database file made by a store in memory, outside any backend.
Bytes kilnFile(int projects, uint32_t page_size = kDefaultPageSize) {
    auto pager = std::make_shared<MemoryPager>(page_size);
    AttachedMemoryFile file(pager);
    {
        Database db(file.uri());
        db.exec("PRAGMA page_size = " + std::to_string(page_size) + "; PRAGMA journal_mode = MEMORY");
        Store store(std::move(db), kiln::test::steppingClock());
        for (int i = 0; i < projects; ++i) {
            auto project = store.createProject("Imported " + std::to_string(i + 1));
            store.insertVersion({project.id, {}, "imported", "<p>imported</p>", "m", "e", {}});
        }
    }
    return pager->contents();
}

// A database file made by running sql on an empty database.
Bytes sqliteFile(const std::string& sql) {
    auto pager = std::make_shared<MemoryPager>(kDefaultPageSize);
    AttachedMemoryFile file(pager);
    {
        Database db(file.uri());
        db.exec("PRAGMA journal_mode = MEMORY");
        db.exec(sql);
    }
    return pager->contents();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Commits
// ---------------------------------------------------------------------------------------------

TEST(DurableDatabase, ANewDatabaseIsCreatedAndEachCommitSaved) {
    FakeBackend backend;
    auto database = mustOpen(backend);
    Store store(database->connect(), kiln::test::steppingClock());
    const uint64_t schema = kiln::store::migrations().size();  // each migration is one commit
    EXPECT_EQ(database->status().state, SaveState::Saved);
    EXPECT_EQ(database->status().committed, schema);
    EXPECT_EQ(database->status().saved, schema);
    std::vector<std::string> keys{manifestKey(kName)};
    for (uint64_t sequence = 1; sequence <= schema; ++sequence) keys.push_back(logKey(kName, sequence));
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keysUnder(backend.state(), ""), keys);
    store.createProject("First");
    EXPECT_EQ(database->status().saved, schema + 1);
    EXPECT_TRUE(backend.state().count(logKey(kName, schema + 1)));
    EXPECT_TRUE(database->recovery().stopped_because.empty());
}

TEST(DurableDatabase, EachTransactionIsOneRecordOfExactlyThePagesItChanged) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(7);
    session.randomCommits(random, 12);
    for (uint64_t sequence = 1; sequence <= session.lastCommit(); ++sequence) {
        const Bytes& value = backend.state().at(logKey(kName, sequence));
        std::string problem;
        auto record = decodeRecord(value.data(), value.size(), problem);
        ASSERT_TRUE(record) << problem;
        std::vector<uint32_t> pages;
        for (const PageView& page : record->pages) pages.push_back(page.number);
        EXPECT_EQ(pages, kiln::test::differingPages(session.images.at(sequence - 1), session.images.at(sequence)))
            << "record " << sequence;
    }
    EXPECT_EQ(backend.history().size(), session.lastCommit() + 1) << "one write per commit";
}

TEST(DurableDatabase, BytesWrittenPerCommitAreAtMostTwiceTheDirtyPageBytes) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(11);
    session.randomCommits(random, 40);
    for (size_t write = 0; write < backend.writtenBytes().size(); ++write) {
        const uint64_t sequence = write + 1;
        const Bytes& value = backend.state().at(logKey(kName, sequence));
        std::string problem;
        auto record = decodeRecord(value.data(), value.size(), problem);
        ASSERT_TRUE(record) << problem;
        const size_t dirty = record->pages.size() * kDefaultPageSize;
        EXPECT_LE(backend.writtenBytes()[write], 2 * dirty) << "commit " << sequence;
    }
}

TEST(DurableDatabase, SaveStateFollowsTheBackendsAcknowledgments) {
    FakeBackend backend;
    Session session(backend);
    const uint64_t opened = session.lastCommit();
    std::vector<SaveState> seen;
    session.database->setStatusListener([&](const SaveStatus& status) {
        if (seen.empty() || seen.back() != status.state) seen.push_back(status.state);
    });
    backend.hold();
    session.store.createProject("One");  // handed to the backend at once
    EXPECT_EQ(session.database->status().state, SaveState::Saving);
    session.store.createProject("Two");  // waits for the write in flight
    EXPECT_EQ(session.database->status().state, SaveState::Unsaved);
    session.store.createProject("Three");
    EXPECT_EQ(session.database->status().committed, opened + 3);
    EXPECT_EQ(session.database->status().saved, opened);
    ASSERT_TRUE(backend.releaseOne());
    EXPECT_EQ(session.database->status().saved, opened + 1);
    EXPECT_EQ(session.database->status().state, SaveState::Saving);  // Two and Three, in one batch
    ASSERT_TRUE(backend.releaseOne());
    EXPECT_EQ(session.database->status().state, SaveState::Saved);
    EXPECT_EQ(session.database->status().saved, opened + 3);
    EXPECT_EQ(seen,
              (std::vector<SaveState>{SaveState::Saving, SaveState::Unsaved, SaveState::Saving, SaveState::Saved}));
    // Still one record per commit, in two writes.
    EXPECT_TRUE(backend.state().count(logKey(kName, opened + 2)) && backend.state().count(logKey(kName, opened + 3)));
    EXPECT_EQ(reopened(backend.state()), session.database->exportBytes());
}

TEST(DurableDatabase, AFailedWriteKeepsCommitsInMemoryAndTheyAreSavedOnceStorageWorks) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(3);
    session.randomCommits(random, 3);
    const FakeBackend::State before_failure = backend.state();
    const uint64_t saved = session.lastCommit();

    backend.failWrites(KvCode::QuotaExceeded, -1);
    session.randomCommits(random, 5);
    SaveStatus status = session.database->status();
    EXPECT_EQ(status.state, SaveState::NotSaved);
    ASSERT_TRUE(status.error);
    EXPECT_EQ(status.error->kind, StorageErrorKind::QuotaExceeded);
    EXPECT_EQ(status.error->detail, "injected write failure") << "the backend's words, as the technical detail";
    EXPECT_EQ(status.saved, saved);
    EXPECT_EQ(status.committed, saved + 5);
    EXPECT_EQ(backend.state(), before_failure);
    // The app keeps working in memory.
    EXPECT_EQ(session.store.listProjects(100).items.size(), session.projects.size());

    backend.failWrites(KvCode::Ok, 0);
    session.database->retrySaving();
    status = session.database->status();
    EXPECT_EQ(status.state, SaveState::Saved);
    EXPECT_FALSE(status.error);
    EXPECT_EQ(reopened(backend.state()), session.latest());
}

TEST(DurableDatabase, TheNextCommitRetriesAFailedWriteByItself) {
    FakeBackend backend;
    Session session(backend);
    backend.failWrites(KvCode::Unavailable, 1);
    session.store.createProject("Lost for a moment");
    EXPECT_EQ(session.database->status().state, SaveState::NotSaved);
    EXPECT_EQ(session.database->status().error->kind, StorageErrorKind::Unavailable);
    session.store.createProject("Brings the first along");
    EXPECT_EQ(session.database->status().state, SaveState::Saved);
    EXPECT_EQ(backend.failedWrites(), 1u);
    EXPECT_EQ(reopened(backend.state()), session.database->exportBytes());
}

TEST(DurableDatabase, CommitsWaitingForAFailingBackendAreBoundedInMemory) {
    DurableOptions options = testOptions();
    options.max_waiting_bytes = 100 * 1024;
    FakeBackend backend;
    Session session(backend, options);
    std::mt19937 random(61);
    backend.failWrites(KvCode::QuotaExceeded, -1);
    session.randomCommits(random, 40);  // about a megabyte of records
    EXPECT_EQ(session.database->status().state, SaveState::NotSaved);
    EXPECT_TRUE(session.database->compacting()) << "the records should have given way to a base image";
    backend.failWrites(KvCode::Ok, 0);
    session.database->retrySaving();
    EXPECT_EQ(session.database->status().state, SaveState::Saved);
    EXPECT_FALSE(session.database->compacting());
    EXPECT_EQ(reopened(backend.state()), session.latest());
}

TEST(DurableDatabase, ASecondWriterGetsAConflictInsteadOfOverwritingTheFirst) {
    FakeBackend backend;
    Session first(backend);
    auto second = mustOpen(backend);
    Store second_store(second->connect(), kiln::test::steppingClock());
    first.store.createProject("From the first");
    second_store.createProject("From the second");  // both are commit 2
    EXPECT_EQ(second->status().state, SaveState::NotSaved);
    EXPECT_EQ(second->status().error->kind, StorageErrorKind::Conflict);
    const FakeBackend::State after = backend.state();
    second->retrySaving();
    second_store.createProject("Still not saved");
    EXPECT_EQ(backend.state(), after) << "a writer in conflict must stop writing";
    EXPECT_EQ(reopened(backend.state()), first.database->exportBytes());
}

TEST(DurableDatabase, DestroyedWithAWriteInFlightIgnoresItsAnswer) {
    FakeBackend backend;
    uint64_t in_flight = 0;
    {
        Session session(backend);
        backend.hold();
        session.store.createProject("In flight");
        in_flight = session.database->status().committed;
    }
    backend.releaseAll();
    EXPECT_TRUE(backend.state().count(logKey(kName, in_flight)));
}

TEST(DurableDatabase, WithoutStorageEverythingWorksInMemoryAndSaysSo) {
    FakeBackend unused;
    const auto noop = [](std::unique_ptr<DurableDatabase>, std::optional<StorageError>) {};
    EXPECT_THROW(DurableDatabase::open(unused, "a/b", noop), std::invalid_argument);
    auto database = DurableDatabase::openWithoutStorage({StorageErrorKind::Unavailable, "no IndexedDB"});
    Store store(database->connect(), kiln::test::steppingClock());
    store.createProject("Only here");
    EXPECT_EQ(database->status().state, SaveState::NotSaved);
    EXPECT_EQ(database->status().error->kind, StorageErrorKind::Unavailable);
    EXPECT_FALSE(database->compact());
    Bytes bytes = database->exportBytes();
    FakeBackend backend;
    Session other(backend);
    other.database->importBytes(bytes);
    EXPECT_EQ(other.store.listProjects(10).items.at(0).project.name, "Only here");
}

// ---------------------------------------------------------------------------------------------
// Recovery
// ---------------------------------------------------------------------------------------------

TEST(DurableDatabase, ReplayGivesTheSameBytesAfterRandomCommits) {
    for (unsigned seed : {1u, 2u, 3u}) {
        FakeBackend backend;
        Session session(backend);
        std::mt19937 random(seed);
        session.randomCommits(random, 30);
        ReplayReport report;
        EXPECT_EQ(reopened(backend.state(), &report), session.latest()) << "seed " << seed;
        EXPECT_EQ(report.records_applied, session.lastCommit());
        EXPECT_TRUE(report.stopped_because.empty());
    }
}

TEST(DurableDatabase, ACrashAfterAnyWriteReopensToTheCommitsSavedBeforeIt) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(5);
    backend.hold();
    // Writes in flight while commits keep coming: batches of one, two or three records.
    for (int i = 0; i < 12; ++i) {
        session.randomCommit(random);
        if (i % 3 == 2) backend.releaseOne();
    }
    backend.releaseAll();
    ASSERT_EQ(session.database->status().state, SaveState::Saved);
    expectEveryCrashReopensToACommit(backend, session);
}

TEST(DurableDatabase, ATornLastRecordIsDroppedReportedAndWrittenOver) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(9);
    session.randomCommits(random, 6);
    const uint64_t last = session.lastCommit();
    Bytes& value = backend.state()[logKey(kName, last)];
    value.resize(value.size() / 3);

    FakeBackend::State state = backend.state();
    FakeBackend torn(state);
    Session again(torn);
    EXPECT_EQ(again.latest(), session.images.at(last - 1));
    EXPECT_NE(again.database->recovery().stopped_because.find("damaged"), std::string::npos);
    EXPECT_EQ(again.database->recovery().dropped_keys, std::vector<std::string>{logKey(kName, last)});
    EXPECT_EQ(again.database->status().committed, last - 1);
    again.store.createProject("After the tear");  // reuses the torn record's number
    EXPECT_EQ(again.database->status().state, SaveState::Saved);
    EXPECT_EQ(reopened(torn.state()), again.database->exportBytes());
}

TEST(DurableDatabase, ARecordCutAtEveryLengthLosesOnlyThatCommit) {
    DurableOptions options = testOptions();
    options.page_size = 512;  // small records, so that every length can be tried
    FakeBackend backend;
    uint64_t last = 0;
    {
        auto database = mustOpen(backend, options);
        Store store(database->connect(), kiln::test::steppingClock());
        store.createProject("Kept");
        store.setSetting("theme", "dark");
        last = database->status().committed;
    }
    const FakeBackend::State whole = backend.state();
    const std::string key = logKey(kName, last);
    const Bytes record = whole.at(key);
    FakeBackend::State before_last = whole;
    before_last.erase(key);
    FakeBackend reference_backend(before_last);
    const Bytes reference = mustOpen(reference_backend, options)->exportBytes();
    for (size_t length = 0; length < record.size(); ++length) {
        FakeBackend::State cut = whole;
        cut[key].resize(length);
        FakeBackend cut_backend(cut);
        auto database = mustOpen(cut_backend, options);
        ASSERT_EQ(database->exportBytes(), reference) << "cut to " << length;
        ASSERT_EQ(database->recovery().last_sequence, last - 1);
    }
}

TEST(DurableDatabase, ADamagedByteAnywhereLosesThatCommitAndThoseAfterIt) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(13);
    session.randomCommits(random, 8);
    const uint64_t last = session.lastCommit();
    std::mt19937 damage(2024);
    for (int trial = 0; trial < 60; ++trial) {
        const uint64_t sequence = 1 + damage() % last;
        FakeBackend::State state = backend.state();
        Bytes& value = state[logKey(kName, sequence)];
        value[damage() % value.size()] ^= static_cast<uint8_t>(1 + damage() % 255);
        ReplayReport report;
        ASSERT_EQ(reopened(state, &report), session.images.at(sequence - 1)) << "record " << sequence;
        EXPECT_EQ(report.last_sequence, sequence - 1);
        EXPECT_EQ(report.dropped_keys.size(), last - sequence + 1);
    }
}

TEST(DurableDatabase, AMissingRecordStopsReplayAtTheGap) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(17);
    session.randomCommits(random, 6);
    const uint64_t last = session.lastCommit();
    // One of the random commits, after every migration's: reopening finds the schema complete.
    const uint64_t gap = last - 2;
    backend.state().erase(logKey(kName, gap));

    FakeBackend gapped(backend.state());
    Session again(gapped);
    EXPECT_EQ(again.latest(), session.images.at(gap - 1));
    EXPECT_NE(again.database->recovery().stopped_because.find("record " + std::to_string(gap) + " is missing"),
              std::string::npos);
    EXPECT_EQ(again.database->recovery().dropped_keys.size(), last - gap);
    again.store.createProject("Fills the gap");
    EXPECT_EQ(keysUnder(gapped.state(), logPrefix(kName)).back(), logKey(kName, gap))
        << "the records stranded behind the gap should be gone";
    EXPECT_EQ(reopened(gapped.state()), again.database->exportBytes());
}

TEST(DurableDatabase, OpenRefusesDamagedMetadataAndChangesNothing) {
    FakeBackend source;
    {
        Session session(source);
        std::mt19937 random(19);
        session.randomCommits(random, 20);
        ASSERT_TRUE(session.database->compact());
        session.randomCommits(random, 2);
    }
    auto refused = [](FakeBackend::State state, const std::string& what) {
        FakeBackend backend(state);
        Opened opened = openFrom(backend);
        EXPECT_FALSE(opened.database) << what;
        EXPECT_EQ(backend.state(), state) << what;
        return opened.error ? *opened.error : StorageError{};
    };
    FakeBackend::State state = source.state();
    state[manifestKey(kName)][10] ^= 1;
    StorageError error = refused(state, "damaged manifest");
    EXPECT_EQ(error.kind, StorageErrorKind::Damaged);
    EXPECT_NE(error.detail.find("manifest"), std::string::npos);

    state = source.state();
    state.erase(manifestKey(kName));
    EXPECT_EQ(refused(state, "missing manifest").kind, StorageErrorKind::Damaged);

    state = source.state();
    state.erase(baseChunkKey(kName, 1, 1));
    error = refused(state, "missing chunk");
    EXPECT_NE(error.detail.find("chunk 1"), std::string::npos);

    FakeBackend unreadable(source.state());
    unreadable.failReads(KvCode::Unavailable);
    Opened opened = openFrom(unreadable);
    EXPECT_FALSE(opened.database);
    EXPECT_EQ(opened.error->kind, StorageErrorKind::Unavailable);
}

// ---------------------------------------------------------------------------------------------
// Compaction
// ---------------------------------------------------------------------------------------------

TEST(DurableDatabase, CompactionFoldsTheLogIntoANewBaseImage) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(23);
    session.randomCommits(random, 15);
    const uint64_t folded = session.database->status().committed;
    EXPECT_GT(session.database->storedLogBytes(), 0u);
    ASSERT_TRUE(session.database->compact());
    EXPECT_FALSE(session.database->compacting());
    EXPECT_EQ(session.database->storedLogBytes(), 0u);
    EXPECT_TRUE(keysUnder(backend.state(), logPrefix(kName)).empty());
    const size_t pages = session.latest().size() / kDefaultPageSize;
    EXPECT_EQ(keysUnder(backend.state(), basePrefix(kName)).size(), (pages + 7) / 8);
    std::string problem;
    auto manifest = decodeManifest(backend.state().at(manifestKey(kName)), problem);
    ASSERT_TRUE(manifest) << problem;
    EXPECT_EQ(manifest->generation, 1u);
    EXPECT_EQ(manifest->base_sequence, folded);
    EXPECT_EQ(reopened(backend.state()), session.latest());

    session.randomCommits(random, 5);
    ASSERT_TRUE(session.database->compact());
    EXPECT_EQ(keysUnder(backend.state(), basePrefix(kName)).size(),
              (session.latest().size() / kDefaultPageSize + 7) / 8)
        << "the old generation should be gone";
    session.randomCommits(random, 3);
    ReplayReport report;
    EXPECT_EQ(reopened(backend.state(), &report), session.latest());
    EXPECT_EQ(report.records_applied, 3u);
}

TEST(DurableDatabase, CompactionIsCrashSafeAtEveryStep) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(29);
    session.randomCommits(random, 25);
    const size_t start = backend.history().size() - 1;
    ASSERT_TRUE(session.database->compact());
    const size_t steps = backend.history().size() - 1 - start;
    EXPECT_GT(steps, 3u) << "several chunks, then the switch";
    for (size_t step = start; step < backend.history().size(); ++step) {
        const FakeBackend::State& state = backend.history()[step];
        ReplayReport report;
        EXPECT_EQ(reopened(state, &report), session.latest()) << "crash after step " << step - start;
        EXPECT_TRUE(report.stopped_because.empty());
        std::string problem;
        const uint64_t generation = decodeManifest(state.at(manifestKey(kName)), problem)->generation;
        EXPECT_EQ(generation, step + 1 < backend.history().size() ? 0u : 1u);
    }
}

TEST(DurableDatabase, CommitsDuringCompactionAreSavedAndEveryCrashIsConsistent) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(31);
    session.randomCommits(random, 25);
    backend.hold();
    ASSERT_TRUE(session.database->compact());
    EXPECT_TRUE(session.database->compacting());
    for (int i = 0; i < 8; ++i) {
        session.randomCommit(random);
        backend.releaseOne();
    }
    backend.releaseAll();
    EXPECT_FALSE(session.database->compacting());
    EXPECT_EQ(session.database->status().state, SaveState::Saved);
    expectEveryCrashReopensToACommit(backend, session);
}

TEST(DurableDatabase, CompactsByItselfSoTheLogStaysBounded) {
    DurableOptions options = testOptions();
    options.compact_automatically = true;
    options.compaction_min_log_bytes = 256 * 1024;
    FakeBackend backend;
    backend.forgetHistory();  // 80 commits of 20 KB and their search index: no crash is replayed here
    Session session(backend, options);
    std::mt19937 random(37);
    uint64_t largest_log = 0;
    for (int i = 0; i < 80; ++i) {
        session.randomCommit(random);
        largest_log = std::max(largest_log, session.database->storedLogBytes());
    }
    const uint64_t database_bytes = session.latest().size();
    EXPECT_LE(largest_log, std::max<uint64_t>(options.compaction_min_log_bytes, database_bytes / 2) + 64 * 1024);
    std::string problem;
    EXPECT_GT(decodeManifest(backend.state().at(manifestKey(kName)), problem)->generation, 1u);
    EXPECT_EQ(reopened(backend.state()), session.latest());
}

TEST(DurableDatabase, CompactsByItselfOnceTheLogHoldsManyRecords) {
    DurableOptions options = testOptions();
    options.compact_automatically = true;
    options.compaction_max_log_records = 12;
    FakeBackend backend;
    Session session(backend, options);
    size_t most_records = 0;
    for (int i = 0; i < 60; ++i) {
        session.store.createProject("Small change " + std::to_string(i));  // far below any byte threshold
        session.remember();
        most_records = std::max(most_records, keysUnder(backend.state(), logPrefix(kName)).size());
    }
    EXPECT_LE(most_records, options.compaction_max_log_records + 1);
    EXPECT_LT(session.database->storedLogBytes(), options.compaction_min_log_bytes);
    EXPECT_EQ(reopened(backend.state()), session.latest());
}

// ---------------------------------------------------------------------------------------------
// Refresh
// ---------------------------------------------------------------------------------------------

TEST(DurableDatabase, RefreshTakesInAnotherWritersCommits) {
    FakeBackend backend;
    Session first(backend);
    Session second(backend);  // opened after the schema: nothing of its own to write
    EXPECT_EQ(second.database->status().committed, first.lastCommit());

    first.store.createProject("Made in the first tab");
    RefreshResult result;
    second.database->refresh([&](const RefreshResult& r) { result = r; });
    EXPECT_FALSE(result.busy || result.error || result.reloaded);
    EXPECT_EQ(result.commits_applied, 1u);
    EXPECT_EQ(second.store.listProjects(10).items.at(0).project.name, "Made in the first tab");

    second.store.createProject("Made in the second tab");
    EXPECT_EQ(second.database->status().state, SaveState::Saved);
    first.database->refresh([&](const RefreshResult& r) { result = r; });
    EXPECT_EQ(result.commits_applied, 1u);
    EXPECT_EQ(first.store.listProjects(10).items.size(), 2u);

    // The first compacts and goes on; the second has to reload the new base image.
    std::mt19937 random(41);
    first.randomCommits(random, 6);
    ASSERT_TRUE(first.database->compact());
    first.randomCommits(random, 2);
    second.database->refresh([&](const RefreshResult& r) { result = r; });
    EXPECT_TRUE(result.reloaded);
    EXPECT_EQ(result.commits_applied, 8u);
    EXPECT_EQ(second.database->exportBytes(), first.database->exportBytes());
    Database& db = second.store.database();
    EXPECT_EQ(integrity(db), "ok");
    second.store.createProject("After the reload");
    EXPECT_EQ(second.database->status().state, SaveState::Saved);
    EXPECT_EQ(reopened(backend.state()), second.database->exportBytes());
}

TEST(DurableDatabase, RefreshWaitsWhileThisSideHasWorkInFlight) {
    FakeBackend backend;
    Session first(backend);
    backend.hold();
    first.store.createProject("In flight");
    RefreshResult result;
    first.database->refresh([&](const RefreshResult& r) { result = r; });
    EXPECT_TRUE(result.busy);
    backend.releaseAll();
    first.database->refresh([&](const RefreshResult& r) { result = r; });
    EXPECT_FALSE(result.busy);
    EXPECT_EQ(result.commits_applied, 0u);
}

// ---------------------------------------------------------------------------------------------
// Export and import
// ---------------------------------------------------------------------------------------------

TEST(DurableDatabase, ExportIsAPlainSqliteFile) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(43);
    session.randomCommits(random, 6);
    kiln::test::TempPath path;
    const Bytes bytes = session.database->exportBytes();
    kiln::test::writeFile(path.str(), std::string(bytes.begin(), bytes.end()));
    Store copy = Store::open(path.str());
    Database& db = copy.database();
    EXPECT_EQ(integrity(db), "ok");
    EXPECT_EQ(copy.listProjects(100).items.size(), session.projects.size());
    EXPECT_EQ(kiln::test::readFile(path.str()), std::string(bytes.begin(), bytes.end())) << "opening wrote to it";
}

TEST(DurableDatabase, ImportReplacesTheDatabaseUnderAnOpenStoreAndSavesIt) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(47);
    session.randomCommits(random, 5);
    const Bytes file = kilnFile(3);
    const auto status = session.database->importBytes(file);
    EXPECT_EQ(status.schema_version, kiln::store::currentSchemaVersion());
    const auto projects = session.store.listProjects(100).items;
    ASSERT_EQ(projects.size(), 3u);
    EXPECT_EQ(projects[0].project.name, "Imported 3");
    EXPECT_EQ(session.database->status().state, SaveState::Saved);
    EXPECT_TRUE(keysUnder(backend.state(), logPrefix(kName)).empty());
    session.store.createProject("After the import");
    EXPECT_EQ(reopened(backend.state()), session.database->exportBytes());
    Bytes imported = session.database->exportBytes();
    EXPECT_EQ(imported.size() % kDefaultPageSize, 0u);
}

TEST(DurableDatabase, ImportIsCrashSafeAtEveryStep) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(53);
    session.randomCommits(random, 10);
    const Bytes before = session.latest();
    const size_t start = backend.history().size() - 1;
    session.database->importBytes(kilnFile(300));
    const Bytes after = session.database->exportBytes();
    ASSERT_GT(backend.history().size() - start, 3u);
    for (size_t step = start; step < backend.history().size(); ++step) {
        const Bytes bytes = reopened(backend.history()[step]);
        EXPECT_EQ(bytes, step + 1 < backend.history().size() ? before : after) << "crash after step " << step - start;
    }
}

TEST(DurableDatabase, ImportAtAnyPointOfACompactionWins) {
    const Bytes file = kilnFile(300);
    for (int released = 0;; ++released) {
        FakeBackend backend;
        Session session(backend);
        std::mt19937 random(67);
        session.randomCommits(random, 20);
        backend.hold();
        ASSERT_TRUE(session.database->compact());
        int done = 0;
        while (done < released && backend.releaseOne()) ++done;
        const bool compaction_over = !session.database->compacting();
        // Every round replays the same commits and compaction steps before its import: the last
        // round, which has them all, checks them, and each round the states from its import on.
        const size_t first_checked = compaction_over ? 0 : backend.history().size() - 1;
        session.database->importBytes(file);
        const Bytes imported = session.database->exportBytes();
        backend.releaseAll();
        EXPECT_EQ(session.database->status().state, SaveState::Saved) << released;
        EXPECT_EQ(reopened(backend.state()), imported) << released;
        for (size_t step = first_checked; step < backend.history().size(); ++step) {
            const Bytes bytes = reopened(backend.history()[step]);
            EXPECT_TRUE(bytes == imported || session.commitOf(bytes) >= 0)
                << released << ", crash after write " << step;
        }
        if (compaction_over) break;
    }
}

TEST(DurableDatabase, ImportWhileSavingFailsIsSavedWhenStorageWorksAgain) {
    FakeBackend backend;
    Session session(backend);
    backend.failWrites(KvCode::QuotaExceeded, -1);
    session.store.createProject("Never saved");
    session.database->importBytes(kilnFile(2));
    EXPECT_EQ(session.database->status().state, SaveState::NotSaved);
    backend.failWrites(KvCode::Ok, 0);
    session.database->retrySaving();
    EXPECT_EQ(session.database->status().state, SaveState::Saved);
    EXPECT_EQ(reopened(backend.state()), session.database->exportBytes());
}

TEST(DurableDatabase, ImportConvertsPageSizesAndWalHeaders) {
    FakeBackend backend;
    Session session(backend);
    Bytes file = kilnFile(2, 1024);
    file[18] = file[19] = 2;  // as a WAL-mode database is stored
    session.database->importBytes(file);
    EXPECT_EQ(session.store.database().queryInt("PRAGMA page_size"), 4096);
    EXPECT_EQ(session.store.listProjects(10).items.size(), 2u);
    const Bytes bytes = session.database->exportBytes();
    EXPECT_EQ(bytes[18], 1);
    EXPECT_EQ(reopened(backend.state()), bytes);
}

TEST(DurableDatabase, ImportMigratesAnOlderSchema) {
    FakeBackend backend;
    Session session(backend);
    const auto status = session.database->importBytes(sqliteFile("CREATE TABLE t (x); DROP TABLE t"));
    EXPECT_EQ(status.found_version, 0);
    EXPECT_EQ(status.schema_version, kiln::store::currentSchemaVersion());
    EXPECT_EQ(session.store.database().queryInt("PRAGMA application_id"), kiln::store::kApplicationId);
}

TEST(DurableDatabase, ImportRefusesBadFilesAndChangesNothing) {
    FakeBackend backend;
    Session session(backend);
    std::mt19937 random(59);
    session.randomCommits(random, 4);
    const Bytes before = session.database->exportBytes();
    const FakeBackend::State stored = backend.state();
    const SaveStatus status = session.database->status();

    Bytes damaged = kilnFile(200);
    for (size_t i = 2 * kDefaultPageSize; i < 3 * kDefaultPageSize; ++i) damaged[i] = static_cast<uint8_t>(i * 13);
    Bytes newer = kilnFile(1);
    const uint32_t newer_version = kiln::store::currentSchemaVersion() + 1;
    for (int i = 0; i < 4; ++i)
        newer[60 + i] = static_cast<uint8_t>(newer_version >> (8 * (3 - i)));  // PRAGMA user_version, big-endian
    Bytes garbage(8192);
    for (uint8_t& byte : garbage) byte = static_cast<uint8_t>(random());
    const Bytes valid = kilnFile(1);
    struct Case {
        const char* what;
        Bytes bytes;
        StoreErrorKind kind;
        const char* says;
    };
    const std::vector<Case> cases = {
        {"nothing", {}, StoreErrorKind::NotSqlite, "not a SQLite database"},
        {"garbage", garbage, StoreErrorKind::NotSqlite, "not a SQLite database"},
        {"cut short", Bytes(valid.begin(), valid.end() - 100), StoreErrorKind::NotSqlite, "cut short"},
        {"damaged page", damaged, StoreErrorKind::NotSqlite, "damaged"},
        {"another application", sqliteFile("PRAGMA application_id = 42; CREATE TABLE t (x)"), StoreErrorKind::NotKiln,
         "another application"},
        {"tables without an id", sqliteFile("CREATE TABLE t (x)"), StoreErrorKind::NotKiln, "another application"},
        {"newer schema", newer, StoreErrorKind::ReadOnly, "newer Kiln"},
    };
    for (const Case& c : cases) {
        try {
            session.database->importBytes(c.bytes);
            ADD_FAILURE() << c.what << " was imported";
        } catch (const StoreError& error) {
            EXPECT_EQ(error.kind(), c.kind) << c.what << ": " << error.what();
            EXPECT_NE(std::string(error.what()).find(c.says), std::string::npos) << c.what << ": " << error.what();
            EXPECT_NE(std::string(error.what()).find("Nothing was changed"), std::string::npos) << c.what;
        }
        EXPECT_EQ(session.database->exportBytes(), before) << c.what;
        EXPECT_EQ(backend.state(), stored) << c.what;
        EXPECT_EQ(session.database->status(), status) << c.what;
    }
    EXPECT_EQ(session.store.listProjects(100).items.size(), session.projects.size());
}
