// Kiln: SharedWriter (the rules are in shared_writer.h).
//
// One state machine, driven by step(): it runs after every event that can change what to do next
// (a write asked for, news, a grant, a refresh done, a change of the database's save status).
// Events that arrive while it runs (a commit inside a write reports its status at once) only ask
// for another round, so writes never run inside a commit and the lock never goes mid-write.
#include "core/storage/shared_writer.h"

namespace kiln::storage {

SharedWriter::SharedWriter(DurableDatabase& database, PeerLink& link, bool holding_lock)
    : database_(database), link_(link) {
    if (holding_lock) {
        lock_ = LockState::Exclusive;
        up_to_date_ = true;  // opened under the lock: nothing newer can exist
        committed_at_grant_ = database_.status().committed;
    }
    database_.setStatusListener([this](const SaveStatus&) { step(); });
    link_.setNewsListener([this] {
        news_ = true;
        step();
    });
    // What was committed under the lock before this writer existed may be saved already.
    if (holding_lock) step();
}

SharedWriter::~SharedWriter() {
    database_.setStatusListener(nullptr);
    link_.setNewsListener(nullptr);
    if (lock_ != LockState::None) link_.release();
}

void SharedWriter::write(std::function<void()> write) {
    writes_.push_back(std::move(write));
    step();
}

void SharedWriter::setChangeListener(std::function<void()> changed) {
    changed_ = std::move(changed);
}

void SharedWriter::step() {
    if (stepping_) {
        step_again_ = true;
        return;
    }
    stepping_ = true;
    do {
        step_again_ = false;
        if (lock_ == LockState::None) {
            if (!writes_.empty()) {
                request(PeerLink::LockMode::Exclusive);
            } else if (news_) {
                request(PeerLink::LockMode::Shared);
            }
        } else if (lock_ == LockState::Exclusive && up_to_date_) {
            if (!round_done_) {
                runWrites();
                round_done_ = true;
            }
            if (finished()) {
                releaseLock();
                if (!writes_.empty()) step_again_ = true;  // asked for during this round: the next grant's
            }
        }
    } while (step_again_);
    stepping_ = false;
}

void SharedWriter::request(PeerLink::LockMode mode) {
    lock_ = mode == PeerLink::LockMode::Shared ? LockState::WaitingShared : LockState::WaitingExclusive;
    link_.acquire(mode, [this, mode, alive = std::weak_ptr<char>(alive_)] {
        if (!alive.expired()) onGranted(mode);
    });
}

void SharedWriter::onGranted(PeerLink::LockMode mode) {
    lock_ = mode == PeerLink::LockMode::Shared ? LockState::Shared : LockState::Exclusive;
    // Whatever was announced before the grant is stored by now, and this refresh takes it in.
    news_ = false;
    up_to_date_ = false;
    round_done_ = false;
    refreshing_ = true;
    database_.refresh([this, alive = std::weak_ptr<char>(alive_)](const RefreshResult& result) {
        if (!alive.expired()) onRefreshed(result);
    });
}

void SharedWriter::onRefreshed(const RefreshResult& result) {
    refreshing_ = false;
    // A failed refresh is no reason to hold back: the next record is an Insert, so a write that
    // does not follow the others' last one fails with Conflict instead of overwriting anything.
    committed_at_grant_ = database_.status().committed;
    if (lock_ == LockState::Shared) {
        link_.release();
        lock_ = LockState::None;
    } else {
        up_to_date_ = true;
    }
    if ((result.commits_applied > 0 || result.reloaded) && changed_) changed_();
    step();
}

void SharedWriter::runWrites() {
    while (!writes_.empty()) {
        std::function<void()> write = std::move(writes_.front());
        writes_.pop_front();
        write();
    }
}

bool SharedWriter::finished() const {
    const SaveStatus status = database_.status();
    if (status.error && status.error->kind == StorageErrorKind::Conflict) return true;
    return status.state == SaveState::Saved && !status.compacting;
}

void SharedWriter::releaseLock() {
    const bool wrote = database_.status().committed != committed_at_grant_;
    link_.release();
    lock_ = LockState::None;
    up_to_date_ = false;
    if (wrote) link_.announce();
}

}  // namespace kiln::storage
