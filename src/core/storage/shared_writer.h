// Kiln: one store, several writers (browser tabs), one writer at a time.
//
// Index
//   PeerLink       what the platform provides: a lock shared with the other writers, and news
//   SharedWriter   runs writes under the lock, after taking in what the others saved
//
// The rules (see durable_database.h for why each is needed):
// - Writes run only under the exclusive lock, and only after refresh() has taken in every commit
//   the others stored before it was granted, so this side's next record follows their last one.
// - The lock is kept until everything written under it is saved and no base image is being
//   written (a compaction, an import): two writers must never write base images at once. Only a
//   Conflict, which stops this side's saving for good, lets it go earlier.
// - One round of writes per grant: the writes waiting when it comes (and those they ask for) run,
//   and later ones wait for the next grant. Web Locks grants in order of request, so a tab that
//   keeps writing cannot starve another one waiting for its turn.
// - On release, the others are told (announce); each refreshes under the shared lock, so that no
//   writer compacts under its reads.
// Between writes this side holds nothing, and a tab that is closed or crashes loses its lock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "core/storage/durable_database.h"

namespace kiln::storage {

// The others sharing this store. In the browser: Web Locks and a BroadcastChannel (both scoped to
// the origin, or to the partition of a third-party iframe). A browser calls back in a later task;
// a fake may call back from inside the call, and SharedWriter copes with both.
class PeerLink {
public:
    enum class LockMode { Shared, Exclusive };

    virtual ~PeerLink() = default;
    // Asks for the lock; `granted` is called once it is held, possibly before acquire() returns.
    // One request at a time: ask again only after release().
    virtual void acquire(LockMode mode, std::function<void()> granted) = 0;
    // Gives back the lock granted last; if it is still being asked for, gives it back as soon as
    // it is granted (and `granted` is not called).
    virtual void release() = 0;
    // Tells every other peer that new commits are saved: their news listener is called.
    virtual void announce() = 0;
    // Called whenever another peer announces. Replaces any previous listener.
    virtual void setNewsListener(std::function<void()> news) = 0;
};

class SharedWriter {
public:
    enum class LockState {
        None,              // nothing held, nothing asked for
        WaitingShared,     // asked for the shared lock, to take in another writer's news
        Shared,            // reading another writer's commits
        WaitingExclusive,  // writes are waiting for the lock
        Exclusive,         // this side writes (or waits for its writes to be saved)
    };

    // Coordinates `database` (which must outlive this) through `link`. With `holding_lock`, the
    // caller already holds the exclusive lock (it opened the database under it, and may have
    // committed under it: a store's migrations): it is released like any other, once everything
    // is saved, possibly before the constructor returns.
    // Installs the database's status listener.
    SharedWriter(DurableDatabase& database, PeerLink& link, bool holding_lock = false);
    SharedWriter(const SharedWriter&) = delete;
    SharedWriter& operator=(const SharedWriter&) = delete;
    // Gives back the lock if it is held; writes still waiting are dropped.
    ~SharedWriter();

    // Runs `write` (which commits through the database's connection, or not at all) once this side
    // holds the exclusive lock and is up to date: at once if it already is. Writes run in the
    // order given; a write may ask for further writes. It must not throw (app actions turn their
    // failures into messages).
    void write(std::function<void()> write);
    // Called after another writer's commits were taken in (the database's connections see them at
    // their next statement): re-read what is shown. Replaces any previous listener.
    void setChangeListener(std::function<void()> changed);

    LockState lockState() const { return lock_; }
    size_t waitingWrites() const { return writes_.size(); }

private:
    void step();
    void request(PeerLink::LockMode mode);
    void onGranted(PeerLink::LockMode mode);
    void onRefreshed(const RefreshResult& result);
    void runWrites();
    bool finished() const;
    void releaseLock();

    DurableDatabase& database_;
    PeerLink& link_;
    LockState lock_ = LockState::None;
    std::deque<std::function<void()>> writes_;
    std::function<void()> changed_;
    bool news_ = false;        // another writer announced commits not taken in yet
    bool refreshing_ = false;  // a refresh() is in flight
    bool up_to_date_ = false;  // refreshed since the exclusive lock was granted
    bool round_done_ = false;  // this grant's round of writes has run
    bool stepping_ = false;    // inside step(): calls from within it only ask for another round
    bool step_again_ = false;
    uint64_t committed_at_grant_ = 0;
    std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace kiln::storage
