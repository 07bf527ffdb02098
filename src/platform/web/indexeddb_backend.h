// Kiln: the key-value backend in the browser, over IndexedDB (its JS half is web/js/idb.js).
//
// One object store of string keys and Uint8Array values. Each write batch is one readwrite
// transaction, acknowledged on its complete event (that is what "saved" means); KvWrite::Insert
// is IndexedDB's add(), so a taken key aborts the batch with ConstraintError, reported as
// Conflict. QuotaExceededError is QuotaExceeded; no IndexedDB, a blocked open, SecurityError or a
// lost connection is Unavailable (and the next operation opens the database again).
//
// Durability: Kiln asks for 'relaxed' by default, which lets the browser acknowledge a commit
// once it has written it (to the OS), without waiting for it to be flushed to the disk: the
// commit survives the tab, the renderer or the whole browser crashing, but not necessarily the
// machine losing power. 'strict' flushes every commit, which costs several times more per commit
// (scripts/bench storage measures both).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/storage/kv_backend.h"

namespace kiln::web {

struct IndexedDbOptions {
    std::string database = "kiln";       // the IndexedDB database's name
    std::string durability = "relaxed";  // the readwrite transactions' hint: "strict", "relaxed" or "default"
    // Called after each answer was delivered: the page's frame loop sleeps until woken.
    std::function<void()> after_answer;
};

class IndexedDbBackend : public storage::KvBackend {
public:
    // Opens nothing yet: the first operation opens the database (and creates it if needed).
    explicit IndexedDbBackend(IndexedDbOptions options = {});
    // Answers still to come are dropped.
    ~IndexedDbBackend() override;

    void get(const std::string& key, GetDone done) override;
    void scan(const std::string& begin, const std::string& end, ScanDone done) override;
    void listKeys(const std::string& begin, const std::string& end, KeysDone done) override;
    void write(storage::KvWriteBatch batch, WriteDone done) override;

private:
    IndexedDbOptions options_;
    int handle_;  // the database in idb.js
    std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace kiln::web
