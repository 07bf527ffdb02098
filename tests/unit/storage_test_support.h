// Helpers shared by the storage tests: a fake key-value backend that answers at once or on
// demand, fails on request and keeps its state after every write (so a test can "crash" at any
// step), and the pages that differ between two database images.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/storage/kv_backend.h"
#include "core/storage/memory_pager.h"

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
            history_.push_back(state_);
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
    std::vector<size_t> written_bytes_;
    std::deque<std::function<void()>> queue_;
    bool held_ = false;
    storage::KvCode fail_code_ = storage::KvCode::Ok;
    int fail_count_ = 0;
    size_t failed_writes_ = 0;
    storage::KvCode read_code_ = storage::KvCode::Ok;
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
