// SharedWriter: tabs that share one store write one at a time, take in each other's commits, and
// lose nothing, whatever order the browser delivers grants, news and acknowledgments in.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/storage/shared_writer.h"
#include "core/store/store.h"
#include "storage_test_support.h"
#include "test_support.h"

using namespace kiln::storage;
using kiln::store::Store;
using kiln::test::FakeBackend;
using kiln::test::FakePeers;

namespace {

constexpr char kName[] = "library";

DurableOptions testOptions() {
    DurableOptions options;
    options.chunk_pages = 8;
    options.compact_automatically = false;
    return options;
}

// One tab: opens the database under the exclusive lock, as the app does, then writes through
// its SharedWriter.
struct Tab {
    Tab(FakeBackend& backend, FakePeers& peers, DurableOptions options = testOptions()) : link(peers) {
        bool granted = false;
        link.acquire(PeerLink::LockMode::Exclusive, [&] { granted = true; });
        while (!granted && peers.deliverOne()) {
        }
        EXPECT_TRUE(granted);
        DurableDatabase::open(
            backend, kName,
            [&](std::unique_ptr<DurableDatabase> opened, std::optional<StorageError> error) {
                EXPECT_FALSE(error) << error->detail;
                database = std::move(opened);
            },
            options);
        writer = std::make_unique<SharedWriter>(*database, link, true);
        writer->write([this] { store.emplace(database->connect(), kiln::test::steppingClock()); });
        writer->setChangeListener([this] { ++changes; });
    }

    void createProject(const std::string& name) {
        writer->write([this, name] { store->createProject(name); });
    }

    std::set<std::string> names() {
        std::set<std::string> found;
        for (const auto& item : store->listProjects(1000).items) found.insert(item.project.name);
        return found;
    }

    FakePeers::Link link;
    std::unique_ptr<DurableDatabase> database;
    std::optional<Store> store;
    std::unique_ptr<SharedWriter> writer;
    int changes = 0;
};

std::set<std::string> storedNames(const FakeBackend::State& state) {
    FakeBackend backend(state);
    std::set<std::string> names;
    DurableDatabase::open(backend, kName, [&](std::unique_ptr<DurableDatabase> database, std::optional<StorageError>) {
        Store store(database->connect(), {});
        kiln::store::Statement check(store.database(), "PRAGMA integrity_check");
        EXPECT_TRUE(check.step());
        EXPECT_EQ(check.columnText(0), "ok");
        for (const auto& item : store.listProjects(1000).items) names.insert(item.project.name);
    });
    return names;
}

}  // namespace

TEST(SharedWriter, TheOtherTabSeesEachCommitOnceItIsSaved) {
    FakeBackend backend;
    FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    first.createProject("From the first");
    EXPECT_EQ(first.database->status().state, SaveState::Saved);
    EXPECT_EQ(first.writer->lockState(), SharedWriter::LockState::None);
    EXPECT_EQ(second.changes, 1);
    EXPECT_EQ(second.names(), (std::set<std::string>{"From the first"}));
    second.createProject("From the second");
    EXPECT_EQ(first.names(), (std::set<std::string>{"From the first", "From the second"}));
    EXPECT_EQ(storedNames(backend.state()), first.names());
}

TEST(SharedWriter, AWriteWaitsForTheLockAndRefreshesBeforeItRuns) {
    FakeBackend backend;
    FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    backend.hold();
    first.createProject("Saving slowly");
    // Granted at once; the refresh reads storage, then the write commits.
    while (first.database->status().state != SaveState::Saving) ASSERT_TRUE(backend.releaseOne());
    EXPECT_TRUE(peers.holdsExclusive(first.link)) << "the lock is kept until the commit is saved";
    second.createProject("Waits its turn");
    EXPECT_EQ(second.writer->lockState(), SharedWriter::LockState::WaitingExclusive);
    EXPECT_EQ(second.writer->waitingWrites(), 1u);
    EXPECT_TRUE(second.names().empty());
    backend.releaseAll();
    EXPECT_EQ(second.writer->waitingWrites(), 0u);
    EXPECT_EQ(second.database->status().state, SaveState::Saved);
    EXPECT_EQ(second.names(), (std::set<std::string>{"Saving slowly", "Waits its turn"}));
    EXPECT_EQ(first.names(), second.names());
    EXPECT_FALSE(peers.holdsAny(first.link) || peers.holdsAny(second.link));
}

TEST(SharedWriter, ATabThatKeepsWritingTakesTurnsWithAWaitingOne) {
    FakeBackend backend;
    FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    backend.hold();
    first.createProject("First, 1");
    while (first.database->status().state != SaveState::Saving) ASSERT_TRUE(backend.releaseOne());
    second.createProject("Second");
    first.createProject("First, 2");  // after the second's request: its turn comes after
    EXPECT_EQ(first.writer->waitingWrites(), 1u);
    backend.releaseAll();
    std::vector<std::string> order;
    kiln::store::Statement names(first.store->database(), "SELECT name FROM projects ORDER BY id");
    while (names.step()) order.push_back(names.columnText(0));
    EXPECT_EQ(order, (std::vector<std::string>{"First, 1", "Second", "First, 2"}));
}

TEST(SharedWriter, TwoTabsInterleavingAHundredWritesEachLoseNothing) {
    for (unsigned seed : {1u, 2u, 3u, 4u}) {
        SCOPED_TRACE(seed);
        std::mt19937 random(seed);
        FakeBackend backend;
        FakePeers peers(true);
        DurableOptions options = testOptions();
        options.compact_automatically = true;
        options.compaction_min_log_bytes = 16 * 1024;  // compactions happen under the lock too
        Tab first(backend, peers, options);
        Tab second(backend, peers, options);
        backend.hold();
        std::set<std::string> expected;
        int issued[2] = {0, 0};
        while (issued[0] < 100 || issued[1] < 100 || peers.pending() > 0 || backend.queued() > 0) {
            const unsigned choice = random() % 4;
            const int tab = static_cast<int>(random() % 2);
            if (choice == 0 && issued[tab] < 100) {
                const std::string name = (tab == 0 ? "first " : "second ") + std::to_string(issued[tab]++);
                (tab == 0 ? first : second).createProject(name);
                expected.insert(name);
            } else if (choice == 1) {
                peers.deliverOne();
            } else {
                backend.releaseOne();
            }
        }
        EXPECT_EQ(first.database->status().state, SaveState::Saved);
        EXPECT_EQ(second.database->status().state, SaveState::Saved);
        EXPECT_FALSE(first.database->status().error || second.database->status().error);
        EXPECT_EQ(first.names(), expected);
        EXPECT_EQ(second.names(), expected);
        EXPECT_EQ(storedNames(backend.state()), expected);
    }
}

TEST(SharedWriter, ACompactionKeepsTheLockUntilItsBaseImageIsCurrent) {
    FakeBackend backend;
    FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    for (int i = 0; i < 5; ++i) first.createProject("Project " + std::to_string(i));
    backend.hold();
    first.writer->write([&] { EXPECT_TRUE(first.database->compact()); });
    while (!first.database->compacting()) ASSERT_TRUE(backend.releaseOne());
    second.createProject("After the compaction");
    while (first.database->compacting()) {
        EXPECT_TRUE(peers.holdsExclusive(first.link));
        EXPECT_EQ(second.writer->waitingWrites(), 1u);
        ASSERT_TRUE(backend.releaseOne());
    }
    backend.releaseAll();
    EXPECT_EQ(second.names().size(), 6u);
    EXPECT_EQ(storedNames(backend.state()), second.names());
}

TEST(SharedWriter, AFailureKeepsTheLockUntilTheCommitsAreSaved) {
    FakeBackend backend;
    FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    backend.failWrites(KvCode::QuotaExceeded, -1);
    first.createProject("Kept in memory");
    EXPECT_EQ(first.database->status().state, SaveState::NotSaved);
    second.createProject("Would take its number");
    EXPECT_EQ(second.writer->lockState(), SharedWriter::LockState::WaitingExclusive);
    backend.failWrites(KvCode::Ok, 0);
    first.database->retrySaving();
    EXPECT_EQ(first.database->status().state, SaveState::Saved);
    EXPECT_EQ(second.database->status().state, SaveState::Saved);
    EXPECT_EQ(storedNames(backend.state()), (std::set<std::string>{"Kept in memory", "Would take its number"}));
}

TEST(SharedWriter, AConflictLetsTheLockGo) {
    FakeBackend backend;
    FakePeers peers;
    Tab first(backend, peers);
    Tab second(backend, peers);
    std::unique_ptr<DurableDatabase> rogue;
    DurableDatabase::open(backend, kName, [&](std::unique_ptr<DurableDatabase> database, std::optional<StorageError>) {
        rogue = std::move(database);
    });
    first.writer->write([&] {
        // A writer that ignores the lock takes the next sequence number between the first's
        // refresh and its commit.
        Store(rogue->connect(), {}).createProject("Rogue");
        first.store->createProject("Conflicts");
    });
    EXPECT_EQ(first.database->status().error->kind, StorageErrorKind::Conflict);
    EXPECT_EQ(first.writer->lockState(), SharedWriter::LockState::None);
    second.createProject("Goes on");
    EXPECT_EQ(second.database->status().state, SaveState::Saved);
    EXPECT_EQ(storedNames(backend.state()), (std::set<std::string>{"Rogue", "Goes on"}));
}
