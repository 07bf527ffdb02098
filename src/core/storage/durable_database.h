// Kiln: a SQLite database that lives in memory and is saved, commit by commit, to a key-value store.
//
// Index
//   StorageError       why loading or saving failed: a kind and the technical detail (app/messages.h
//                      puts it in words for the user)
//   SaveState          saved / saving / unsaved / not saved, from the backend's acknowledgments
//   DurableOptions     page size, chunk size, when to compact
//   RefreshResult      what refresh() found
//   DurableDatabase    open (replay), connect, commit -> record, compaction, refresh, export, import
//
// How it works. open() reads the manifest, the base image it names and the log (page_log.h) and
// replays them into a MemoryPager, which memory_vfs.h makes a SQLite file. connect() opens a
// connection to it. When a write transaction commits, the VFS calls back, and the pages it
// changed become one record, queued for the backend. At most one backend write is in flight;
// records that queue up behind it go together in the next batch (still one key each), so storage
// never holds a record whose predecessor is missing, except after damage. A commit counts as
// saved when the batch that holds it is acknowledged. A failed write keeps its records queued
// (in memory, the database keeps working) until the next commit or retrySaving() tries again.
//
// The connection's pragmas, and why:
//   journal_mode=MEMORY   the rollback journal stays in SQLite's heap: nothing but database pages
//                         reaches the VFS, and ROLLBACK still works (journal_mode=OFF would not).
//   synchronous=OFF       durability comes from the page log, so xSync has nothing to do; the
//                         commit signal (SQLITE_FCNTL_COMMIT_PHASETWO) comes with any setting.
//   temp_store=MEMORY     temporary tables and indexes stay in SQLite's heap.
//   locking_mode=NORMAL   (the default) a connection re-reads the header at each transaction,
//                         so it notices pages replaced under it by refresh() or importBytes().
//   page_size             the pager's (4096): every commit is whole pages of the log.
//
// Two writers (browser tabs) share one store under a lock held outside this class (Web Locks).
// A writer takes the lock and calls refresh() before it starts a write transaction, so that its
// next record follows the other's last; it keeps the lock until status() is Saved and
// compacting() is false. The other side, told of new commits (BroadcastChannel), calls refresh().
// Records are written with KvWrite::Insert, so should the lock ever fail, the second writer gets
// Conflict instead of overwriting the first one's commit.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/storage/kv_backend.h"
#include "core/storage/memory_pager.h"
#include "core/storage/memory_vfs.h"
#include "core/storage/page_log.h"
#include "core/store/schema.h"
#include "core/store/sqlite.h"

namespace kiln::storage {

enum class StorageErrorKind {
    QuotaExceeded,  // no room left: changes stay in memory; saving resumes when there is room
    Unavailable,    // no storage, or blocked: changes stay in memory
    Conflict,       // another writer saved at the same time: this one stops saving (export, reload)
    Damaged,        // what is stored cannot be read: nothing was opened, nothing was changed
    Failed,         // anything else the backend reported
};

struct StorageError {
    StorageErrorKind kind = StorageErrorKind::Failed;
    std::string detail;  // technical: what the backend reported, or what is damaged; may be empty
};

enum class SaveState {
    Saved,     // the backend acknowledged every commit
    Saving,    // every commit has been handed to the backend; some are not acknowledged yet
    Unsaved,   // some commits wait for the write in flight to finish before they are handed over
    NotSaved,  // the last write failed (see error): commits are kept in memory and retried
};

struct SaveStatus {
    SaveState state = SaveState::Saved;
    uint64_t committed = 0;             // sequence number of the last commit in memory
    uint64_t saved = 0;                 // every commit up to this one is durable
    bool compacting = false;            // a base image (compaction or import) is being written
    std::optional<StorageError> error;  // the last failure, until a write succeeds

    bool operator==(const SaveStatus& other) const;
    bool operator!=(const SaveStatus& other) const { return !(*this == other); }
};

struct DurableOptions {
    uint32_t page_size = kDefaultPageSize;  // for a new database; a stored one keeps its own
    // Pages per base image chunk: 8 MiB values at 4 KiB. IndexedDB reads a few large values
    // much faster than many small ones; a commit that waits behind a chunk's write waits longer.
    uint32_t chunk_pages = 2048;
    // Compact by itself (in between commit writes) once the log outweighs
    // max(compaction_min_log_bytes, half the database), or holds more than
    // compaction_max_log_records records: opening then reads at most about 1.5 times the
    // database, in few small values (Chromium's IndexedDB reads each small value for about a
    // quarter of a millisecond, as long as it takes for a megabyte in large values).
    bool compact_automatically = true;
    uint64_t compaction_min_log_bytes = uint64_t{4} << 20;
    size_t compaction_max_log_records = 128;
    // While writes fail, commits wait in memory as records. Past max(max_waiting_bytes, the
    // database's size) they are replaced by one base image of the whole database, written once
    // storage works again: memory stays bounded and nothing is dropped.
    uint64_t max_waiting_bytes = uint64_t{8} << 20;
};

struct RefreshResult {
    // Nothing was done: this side has unsaved commits, a write in flight or an open transaction.
    bool busy = false;
    uint64_t commits_applied = 0;  // the other writer's commits now in memory
    bool reloaded = false;         // its compaction or import replaced the base image: all reloaded
    std::optional<StorageError> error;
};

class DurableDatabase {
public:
    using OpenDone = std::function<void(std::unique_ptr<DurableDatabase> database, std::optional<StorageError> error)>;
    using StatusListener = std::function<void(const SaveStatus& status)>;
    using RefreshDone = std::function<void(const RefreshResult& result)>;

    // Reads database `name` from backend (nothing stored: a new, empty database) and replays it.
    // done gets the database, or an error and no database: Damaged if the manifest or the base
    // image cannot be read (nothing stored is changed then), or the backend's failure. A torn,
    // damaged or missing log record is no error: replay keeps the state before it and says so
    // in recovery(). backend must outlive the database. Throws std::invalid_argument for an
    // empty name or one with a '/' (it would share keys with another database).
    static void open(KvBackend& backend, const std::string& name, OpenDone done, DurableOptions options = {});
    // A database kept in memory only, for when storage failed to open: status() is NotSaved with
    // `reason` from its first commit on, and exportBytes() is the way to keep the data.
    static std::unique_ptr<DurableDatabase> openWithoutStorage(StorageError reason, DurableOptions options = {});

    DurableDatabase(const DurableDatabase&) = delete;
    DurableDatabase& operator=(const DurableDatabase&) = delete;
    // Outstanding backend callbacks are ignored from here on. Connections still open keep
    // working on the pages, but nothing they commit is saved.
    ~DurableDatabase();

    // A new connection to the database, with the pragmas above. Throws SqliteError. It must not
    // outlive this object if its commits are to be saved; one connection is the plan.
    store::Database connect();
    const std::string& name() const { return name_; }

    SaveStatus status() const;
    // Called whenever status() changes, possibly from inside a commit: it must not use the
    // database connection. Replaces any previous listener. By the time it hears Saved, whatever
    // that acknowledgment set off (the next batch, a compaction) has started and shows in status.
    void setStatusListener(StatusListener listener);
    // Tries again to write what a failure left unsaved (also done by every new commit). Does
    // nothing after a Conflict, which no retry can resolve.
    void retrySaving();
    // What open() found: how far replay got and whether it stopped early.
    const ReplayReport& recovery() const { return recovery_; }
    // Bytes of log records in storage after the base image.
    uint64_t storedLogBytes() const { return stored_log_bytes_; }

    // True when compaction would pay off (see DurableOptions) and none is running.
    bool compactionAdvised() const;
    // Starts folding everything committed so far into a new base image; its steps are written in
    // between commit writes. Returns false (and does nothing) if one is running, if there is no
    // storage, or if a transaction has written uncommitted pages (try again after it).
    bool compact();
    bool compacting() const { return job_.has_value(); }

    // Takes in what another writer saved since this side's last commit: its new records, or all
    // of it if it replaced the base image. Connections see it at their next transaction.
    void refresh(RefreshDone done);

    // The whole database as a plain SQLite file (sql.js opens it). Throws std::logic_error while
    // a transaction has written pages it has not committed.
    Bytes exportBytes() const;
    // Replaces the whole database by `bytes`, a SQLite file, once it passed every check: SQLite
    // header, PRAGMA integrity_check, Kiln's application id, a schema version this Kiln knows
    // (an older one is migrated; another page size is converted). Throws store::StoreError
    // (NotSqlite, NotKiln, MigrationFailed, ReadOnly for a newer schema) having changed nothing,
    // or std::logic_error inside a transaction. On success open connections see the new database
    // at their next statement; it is saved as a new base image (status() says when).
    store::SchemaStatus importBytes(const Bytes& bytes);
    // Puts back `bytes`, an image exportBytes() gave earlier (the Undo of a replace), byte for
    // byte: unlike importBytes nothing is checked or converted, and the header's change counter
    // is kept unless open connections would then miss the change (it equals the current one).
    // Saved as a new base image. Throws std::logic_error inside a transaction,
    // store::ImportRefused for bytes that are not a SQLite file (store::checkImportHeader) and
    // std::invalid_argument for an image of another page size.
    void restoreBytes(const Bytes& bytes);

private:
    struct Record {
        uint64_t sequence = 0;
        Bytes bytes;
    };
    struct BaseImageJob {
        uint64_t serial = 0;
        Manifest manifest;
        PageSnapshot snapshot;
        uint32_t next_chunk = 0;
    };
    struct Loaded;
    class Loader;
    using LoadDone = std::function<void(std::optional<StorageError> error, Loaded loaded)>;

    DurableDatabase(KvBackend* backend, std::string name, DurableOptions options, Loaded loaded);
    // Reads database `name` from backend and replays it into a new pager (of page_size if
    // nothing is stored yet).
    static void load(KvBackend& backend, const std::string& name, uint32_t page_size, LoadDone done);

    void onCommit();
    void pump();
    Manifest emptyManifest() const;
    void sendRecords();
    void onRecordsWritten(const KvStatus& status);
    void advanceDurable();
    void succeed();
    void fail(const KvStatus& status);
    void notify();
    bool busy() const;
    void takeLoaded(Loaded loaded);

    bool startBaseImage(bool supersede);
    void advanceBaseImage();
    void onChunkWritten(uint64_t serial, const KvStatus& status);
    void onKeysListed(uint64_t serial, const KvStatus& status, const std::vector<std::string>& keys);
    void onSwitchWritten(uint64_t serial, const Manifest& manifest, const KvStatus& status);
    void adoptManifest(const Manifest& manifest);
    void replaceImage(const std::shared_ptr<MemoryPager>& copy, bool keep_counter);

    void onRefreshScan(const RefreshDone& done, const KvStatus& status, const std::vector<KvEntry>& entries);
    void onRefreshLoaded(const RefreshDone& done, const std::optional<StorageError>& error, Loaded loaded);
    template <typename Callback>
    auto guarded(Callback callback);

    KvBackend* backend_;
    std::string name_;
    DurableOptions options_;
    std::shared_ptr<MemoryPager> pager_;
    AttachedMemoryFile file_;
    std::optional<Manifest> manifest_;  // as stored; empty until the first write stores one
    uint64_t last_generation_ = 0;      // the highest generation stored or being written
    uint64_t committed_ = 0;
    uint64_t durable_ = 0;
    std::set<uint64_t> acked_;               // records stored above durable_, waiting for a gap to close
    std::map<uint64_t, size_t> stored_log_;  // records stored after the base image, and their sizes
    uint64_t stored_log_bytes_ = 0;
    std::deque<Record> queued_;    // committed, not yet handed to the backend
    std::vector<Record> sending_;  // in the write in flight
    bool writing_ = false;
    std::vector<std::string> doomed_keys_;  // records replay dropped: deleted before their numbers are reused
    std::optional<BaseImageJob> job_;
    uint64_t job_serial_ = 0;
    uint64_t superseded_through_ = 0;  // commits folded into an import's base image, not logged
    std::optional<StorageError> error_;
    bool conflict_ = false;
    ReplayReport recovery_;
    StatusListener listener_;
    SaveStatus last_notified_;
    std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace kiln::storage
