// Helpers shared by the storage tests: a fake key-value backend that answers at once or on
// demand, fails on request and keeps its state after every write (so a test can "crash" at any
// step); fake peers (a shared lock and announcements, as Web Locks and a BroadcastChannel give
// browser tabs); and the pages that differ between two database images.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/storage/kv_backend.h"
#include "core/storage/memory_pager.h"
#include "core/storage/shared_writer.h"

namespace kiln::test {

class FakeBackend : public storage::KvBackend {
public:
    using State = std::map<std::string, storage::Bytes>;

    explicit FakeBackend(State state = {}) : state_(std::move(state)) { history_.push_back(state_); }

    // While held, operations queue up (as a browser's would while a transaction is in flight)
    // and run, in order, only when released.
    void hold() { held_ = true; }
    // Runs the oldest queued operation; false if there was none.
    bool releaseOne() {
        if (queue_.empty()) return false;
        auto operation = std::move(queue_.front());
        queue_.pop_front();
        operation();
        return true;
    }
    void releaseAll() {
        held_ = false;
        while (releaseOne()) {
        }
    }
    size_t queued() const { return queue_.size(); }

    // The next `count` writes fail with `code` and change nothing (count < 0: all of them).
    void failWrites(storage::KvCode code, int count = 1) {
        fail_code_ = code;
        fail_count_ = count;
    }
    // Every read fails with `code` (Ok: reads work again).
    void failReads(storage::KvCode code) { read_code_ = code; }

    State& state() { return state_; }
    // The state after each successful write, starting with the initial one: reopening a new
    // FakeBackend from history()[k] is a crash right after the k-th write.
    const std::vector<State>& history() const { return history_; }
    // Keeps no history from now on: a long run of large writes would not fit a wasm build's memory.
    void forgetHistory() {
        keep_history_ = false;
        history_.clear();
    }
    // Bytes (keys and values) each successful write carried.
    const std::vector<size_t>& writtenBytes() const { return written_bytes_; }
    size_t failedWrites() const { return failed_writes_; }

    void get(const std::string& key, GetDone done) override {
        run([this, key, done] {
            if (read_code_ != storage::KvCode::Ok) return done({read_code_, "injected read failure"}, std::nullopt);
            auto found = state_.find(key);
            done({}, found == state_.end() ? std::nullopt : std::optional<storage::Bytes>(found->second));
        });
    }

    void scan(const std::string& begin, const std::string& end, ScanDone done) override {
        run([this, begin, end, done] {
            std::vector<storage::KvEntry> entries;
            if (read_code_ != storage::KvCode::Ok) return done({read_code_, "injected read failure"}, entries);
            for (auto it = state_.lower_bound(begin); it != state_.end() && it->first < end; ++it) {
                entries.push_back({it->first, it->second});
            }
            done({}, std::move(entries));
        });
    }

    void listKeys(const std::string& begin, const std::string& end, KeysDone done) override {
        run([this, begin, end, done] {
            std::vector<std::string> keys;
            if (read_code_ != storage::KvCode::Ok) return done({read_code_, "injected read failure"}, keys);
            for (auto it = state_.lower_bound(begin); it != state_.end() && it->first < end; ++it) {
                keys.push_back(it->first);
            }
            done({}, std::move(keys));
        });
    }

    void write(storage::KvWriteBatch batch, WriteDone done) override {
        run([this, batch = std::move(batch), done] {
            if (fail_count_ != 0) {
                if (fail_count_ > 0) --fail_count_;
                ++failed_writes_;
                return done({fail_code_, "injected write failure"});
            }
            State next = state_;
            size_t bytes = 0;
            for (const storage::KvWrite& write : batch) {
                bytes += write.key.size() + write.value.size();
                if (write.op == storage::KvWrite::Op::Delete) {
                    next.erase(write.key);
                } else if (write.op == storage::KvWrite::Op::Insert && next.count(write.key)) {
                    ++failed_writes_;
                    return done({storage::KvCode::Conflict, "key exists: " + write.key});
                } else {
                    next[write.key] = write.value;
                }
            }
            state_ = std::move(next);
            if (keep_history_) history_.push_back(state_);
            written_bytes_.push_back(bytes);
            done({});
        });
    }

private:
    void run(std::function<void()> operation) {
        if (held_) {
            queue_.push_back(std::move(operation));
        } else {
            operation();
        }
    }

    State state_;
    std::vector<State> history_;
    bool keep_history_ = true;
    std::vector<size_t> written_bytes_;
    std::deque<std::function<void()>> queue_;
    bool held_ = false;
    storage::KvCode fail_code_ = storage::KvCode::Ok;
    int fail_count_ = 0;
    size_t failed_writes_ = 0;
    storage::KvCode read_code_ = storage::KvCode::Ok;
};

// A lock with shared and exclusive modes, granted first come first served (as Web Locks are),
// and a channel on which every link hears the others' announcements. Grants and news are
// delivered at once, or, when deferred, queued until deliverOne()/deliverAll(), as a browser
// delivers them in later tasks.
class FakePeers {
public:
    class Link : public storage::PeerLink {
    public:
        explicit Link(FakePeers& peers) : peers_(peers) { peers_.links_.insert(this); }
        ~Link() override { peers_.links_.erase(this); }

        void acquire(LockMode mode, std::function<void()> granted) override {
            peers_.requests_.push_back({this, mode, std::move(granted)});
            peers_.grant();
        }
        void release() override { peers_.release(this); }
        void announce() override {
            ++peers_.announcements_;
            for (Link* link : peers_.links_) {
                if (link != this)
                    peers_.post([link] {
                        if (link->news_) link->news_();
                    });
            }
        }
        void setNewsListener(std::function<void()> news) override { news_ = std::move(news); }

    private:
        FakePeers& peers_;
        std::function<void()> news_;
    };

    explicit FakePeers(bool deferred = false) : deferred_(deferred) {}

    bool deliverOne() {
        if (events_.empty()) return false;
        auto event = std::move(events_.front());
        events_.pop_front();
        event();
        return true;
    }
    void deliverAll() {
        while (deliverOne()) {
        }
    }
    size_t pending() const { return events_.size(); }
    bool holdsExclusive(const Link& link) const { return exclusive_ == &link; }
    bool holdsAny(const Link& link) const { return exclusive_ == &link || shared_.count(&link) > 0; }
    size_t announcements() const { return announcements_; }

private:
    struct Request {
        Link* link;
        storage::PeerLink::LockMode mode;
        std::function<void()> granted;
    };

    void grant() {
        while (!requests_.empty()) {
            Request& next = requests_.front();
            const bool free = next.mode == storage::PeerLink::LockMode::Shared
                                  ? exclusive_ == nullptr
                                  : exclusive_ == nullptr && shared_.empty();
            if (!free) return;
            Request request = std::move(next);
            requests_.pop_front();
            if (request.mode == storage::PeerLink::LockMode::Exclusive) {
                exclusive_ = request.link;
            } else {
                shared_.insert(request.link);
            }
            post(std::move(request.granted));
        }
    }

    void release(Link* link) {
        for (auto it = requests_.begin(); it != requests_.end(); ++it) {
            if (it->link == link) {
                requests_.erase(it);
                return;
            }
        }
        if (exclusive_ == link) exclusive_ = nullptr;
        shared_.erase(link);
        grant();
    }

    void post(std::function<void()> event) {
        if (deferred_) {
            events_.push_back(std::move(event));
        } else {
            event();
        }
    }

    bool deferred_;
    std::set<Link*> links_;
    std::deque<Request> requests_;
    const Link* exclusive_ = nullptr;
    std::set<const Link*> shared_;
    std::deque<std::function<void()>> events_;
    size_t announcements_ = 0;
};

// The 1-based numbers of the pages of `after` whose bytes differ from `before` (a page that
// `before` lacks differs): what a commit from before to after must record.
inline std::vector<uint32_t> differingPages(const std::vector<uint8_t>& before, const std::vector<uint8_t>& after,
                                            uint32_t page_size = storage::kDefaultPageSize) {
    std::vector<uint32_t> pages;
    for (size_t offset = 0; offset < after.size(); offset += page_size) {
        const bool same =
            offset + page_size <= before.size() &&
            std::equal(after.begin() + offset, after.begin() + offset + page_size, before.begin() + offset);
        if (!same) pages.push_back(static_cast<uint32_t>(offset / page_size + 1));
    }
    return pages;
}

}  // namespace kiln::test
