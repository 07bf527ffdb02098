// Kiln: CouchDB's replication protocol, both ways, as a state machine that never does I/O.
//
// Index
//   HttpRequest, HttpResponse   what goes to the server and what comes back (the caller sends it)
//   LocalDocs                   the documents on this side, as the protocol needs to see them
//   SyncError, SyncProgress     how a pass went, in terms a status line can show
//   Replicator                  one pass: pull, then push
//   watchRequest, readWatch     between passes, the server's changes as a long poll
//
// A pass is what CouchDB's replicator does, once in each direction, with the server's database
// (any CouchDB-protocol peer: Apache CouchDB, Cloudant, PouchDB Server) on the other side:
//
//   pull  GET _local/<id>  ->  GET _changes?style=all_docs&since=…  ->  (what is missing here)
//         ->  POST _bulk_get?revs=true (or, where the server has none, GET <doc>?rev=…&revs=true
//         one at a time)  ->  stored here with their history  ->  PUT _local/<id>, and here
//   push  GET _local/<id>  ->  (changes here since…)  ->  POST _revs_diff  ->  POST _bulk_docs
//         with new_edits: false  ->  PUT _local/<id>, and here
//
// A server that finds a batch too big (413) gets half as many changes per batch, down to one; a
// single change it still refuses is counted as refused and passed. A revision _bulk_get does not
// give (another error than not_found, or none) is asked for alone; only a 404 means it is gone.
//
// Changes go in batches; a checkpoint (the last sequence done) is written on both sides after
// each batch is stored, and a pass starts from it only when both sides agree on it (else from the
// start: asking again what is missing costs requests, never correctness). So a pass cut at any
// point (a dropped connection, a closed tab, an error) loses nothing and, run again, stores
// nothing twice.
//
// The Replicator holds no socket and no clock: request() is the next request to send, and the
// caller hands its answer to receive(). Tests drive it against a fake server in memory; Kiln
// drives it through fetch, so a pass never blocks a frame.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln::sync {

struct HttpRequest {
    std::string method;  // "GET", "POST" or "PUT"
    std::string path;    // relative to the database's URL, query included: "_changes?since=0&…"
    std::string body;    // JSON for POST and PUT; empty for GET
};

struct HttpResponse {
    int status = 0;    // 0: no answer (offline, refused, cut, blocked by CORS)
    std::string body;  // the whole body, as received (possibly cut short)
};

// One change on this side: a document and its leaf revisions.
struct LocalChange {
    uint64_t seq = 0;
    std::string id;
    std::vector<std::string> revs;
};

// The documents on this side. Documents cross as CouchDB's JSON: "_id", "_rev", "_revisions",
// "_deleted" and the document's own members.
class LocalDocs {
public:
    virtual ~LocalDocs() = default;
    // Changes after sequence `since`, oldest first, at most `limit`.
    virtual std::vector<LocalChange> changesSince(uint64_t since, size_t limit) = 0;
    // How many changes there are after `since` (for progress).
    virtual uint64_t changesAfter(uint64_t since) = 0;
    // Of these revisions (document id -> revisions), those this side does not have.
    virtual std::map<std::string, std::vector<std::string>> missingRevs(
        const std::map<std::string, std::vector<std::string>>& revs) = 0;
    // The document at `rev`, with "_revisions"; nullopt when this side does not have it.
    virtual std::optional<nlohmann::json> getDoc(const std::string& id, const std::string& rev) = 0;
    // Keeps documents from the other side with the revisions they carry (new_edits: false), all
    // or none. Returns how many were refused (not a document this side keeps, or not valid); a
    // refused document is not stored and does not stop the others. Throws when nothing could be
    // stored (storage failed): the pass stops and its checkpoint does not move.
    virtual size_t putDocs(const std::vector<nlohmann::json>& docs) = 0;
    // The last sequence done by replication `id` as this side recorded it, or nullopt.
    virtual std::optional<std::string> checkpoint(const std::string& id) = 0;
    virtual void setCheckpoint(const std::string& id, const std::string& last_seq) = 0;
};

enum class SyncError {
    None,
    Offline,       // no answer at all: offline, server down, or CORS not enabled for this page
    Unauthorized,  // 401: the user name or password is wrong (or the session expired)
    Forbidden,     // 403: this user may not read or write this database
    NoDatabase,    // 404 on the database itself
    Server,        // 5xx, or another status the protocol does not expect
    BadAnswer,     // a body that is not the JSON the protocol defines (cut short, or not CouchDB)
    Storage,       // this side could not store what came (LocalDocs::putDocs threw)
};

enum class SyncStage { Pulling, Pushing, Done, Failed };

struct SyncProgress {
    SyncStage stage = SyncStage::Pulling;
    uint64_t pulled = 0;   // documents stored here in this pass
    uint64_t pushed = 0;   // documents the server took in this pass
    uint64_t refused = 0;  // documents either side refused to keep (see LocalDocs::putDocs)
    uint64_t pending = 0;  // changes the current direction still has to look at, when known
    SyncError error = SyncError::None;
    int status = 0;      // the HTTP status behind `error`
    std::string detail;  // technical: the request and what the server said
};

class Replicator {
public:
    struct Options {
        size_t batch = 100;  // changes per _changes request and per batch pushed
    };

    // A pass between `local` and the database `remote` names (its URL: checkpoints are kept per
    // pair of peers, so another server or database starts from the beginning). `local_id` names
    // this side for good (a library's own random id).
    Replicator(LocalDocs& local, const std::string& local_id, const std::string& remote, Options options);
    Replicator(LocalDocs& local, const std::string& local_id, const std::string& remote)
        : Replicator(local, local_id, remote, Options{}) {}

    // The request to send now; nullopt once the pass is over (progress().stage is Done or Failed).
    const std::optional<HttpRequest>& request() const { return request_; }
    // The answer to request(). Advances the pass to its next request, or ends it.
    void receive(const HttpResponse& response);

    const SyncProgress& progress() const { return progress_; }
    // Where the pull got to on the server: its last sequence, once the pass is Done.
    const nlohmann::json& pulledUpTo() const { return since_; }

private:
    enum class Step {
        PullCheckpoint,
        PullChanges,
        PullBulkGet,
        PullGetOne,
        PullSaveCheckpoint,
        PushCheckpoint,
        PushRevsDiff,
        PushBulkDocs,
        PushSaveCheckpoint,
        RefreshCheckpoint,  // after a 409 on a checkpoint: its current _rev, then the PUT once more
        Over,
    };

    void step(const HttpResponse& response);
    void fail(SyncError error, const HttpResponse& response, const std::string& what);
    void send(Step step, std::string method, std::string path, std::string body = {});

    void startPull(const nlohmann::json& remote_checkpoint);
    void askChanges();
    const char* takeChanges(const nlohmann::json& answer);  // nullptr, or what is wrong with it
    void fetchNextOne();
    void storePulled();
    void startPush(const nlohmann::json& remote_checkpoint);
    void pushBatch();
    void takeRevsDiff(const nlohmann::json& answer);
    void saveCheckpoint(Step step, const std::string& id, const nlohmann::json& last_seq);

    LocalDocs& local_;
    Options options_;
    std::string pull_id_;  // the replications' ids: their _local documents and local checkpoints
    std::string push_id_;
    std::optional<HttpRequest> request_;
    Step step_ = Step::PullCheckpoint;
    SyncProgress progress_;

    std::string checkpoint_rev_;   // the server's _local document's _rev for the current direction
    bool refreshed_ = false;       // a 409 on the checkpoint was met, and its _rev read again
    Step save_step_ = Step::Over;  // the checkpoint being saved when that 409 came
    // Pull.
    nlohmann::json since_;                                      // where _changes starts
    nlohmann::json batch_last_seq_;                             // where the batch ends
    bool batch_full_ = false;                                   // more changes may follow it
    std::vector<std::pair<std::string, std::string>> missing_;  // (id, rev) to fetch
    size_t next_one_ = 0;                                       // the single GET in flight
    std::vector<nlohmann::json> pulled_;
    // Push.
    uint64_t push_since_ = 0;
    uint64_t push_batch_end_ = 0;
    std::vector<LocalChange> push_changes_;  // the batch being pushed
    size_t push_limit_ = SIZE_MAX;           // fewer changes per batch after a 413
    uint64_t pushing_ = 0;                   // documents in the _bulk_docs request in flight
};

// Between passes, the server is watched: its _changes as a long poll, which it answers once there
// are changes after `since` (the sequence the last pull got to), or after `timeout_ms` without.
HttpRequest watchRequest(const nlohmann::json& since, int64_t timeout_ms);

struct WatchResult {
    // Changed: a revision this side lacks, time for a pass. Quiet: none (no change, or only ones
    // this side has, such as its own pushes): watch again from `since`. Failed: no valid answer.
    enum class Kind { Changed, Quiet, Failed };
    Kind kind = Kind::Failed;
    nlohmann::json since;  // the server's last_seq in the answer (Quiet and Changed)
};
WatchResult readWatch(const HttpResponse& response, LocalDocs& local);

}  // namespace kiln::sync
