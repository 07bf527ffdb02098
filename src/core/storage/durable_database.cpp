// Kiln: DurableDatabase.
//
// Index
//   Errors        backend outcomes -> StorageError (a kind and the detail; no words for the user)
//   Loading       one scan: manifest, base image, log; shared by open() and refresh()
//   Life cycle    open, openWithoutStorage, connect, status
//   Commits       the commit callback, the write pump, acknowledgments
//   Base images   compaction and import: chunks, then the switch
//   Refresh       taking in another writer's commits
//   Export and import
#include "core/storage/durable_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "core/store/library_import.h"

namespace kiln::storage {

bool SaveStatus::operator==(const SaveStatus& other) const {
    const bool same_error = error.has_value() == other.error.has_value() &&
                            (!error || (error->kind == other.error->kind && error->detail == other.error->detail));
    return state == other.state && committed == other.committed && saved == other.saved &&
           compacting == other.compacting && same_error;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

namespace {

StorageError storageError(const KvStatus& status) {
    switch (status.code) {
        case KvCode::QuotaExceeded:
            return {StorageErrorKind::QuotaExceeded, status.message};
        case KvCode::Unavailable:
            return {StorageErrorKind::Unavailable, status.message};
        case KvCode::Conflict:
            return {StorageErrorKind::Conflict, status.message};
        case KvCode::Ok:
        case KvCode::Failed:
            break;
    }
    return {StorageErrorKind::Failed, status.message};
}

StorageError damaged(const std::string& problem) {
    return {StorageErrorKind::Damaged, problem};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

struct DurableDatabase::Loaded {
    std::optional<Manifest> manifest;  // empty: nothing is stored yet
    std::shared_ptr<MemoryPager> pager;
    ReplayReport report;
    std::map<uint64_t, size_t> log_sizes;  // the records replayed, and their sizes
};

// Reads one database in one scan of all its keys (base image, log, manifest): one round trip,
// one consistent snapshot, whatever another writer does meanwhile. Its pending callback shares
// it, so it lives until it has called done.
class DurableDatabase::Loader : public std::enable_shared_from_this<Loader> {
public:
    Loader(KvBackend& backend, std::string name, uint32_t page_size, LoadDone done)
        : backend_(backend), name_(std::move(name)), page_size_(page_size), done_(std::move(done)) {}

    void start() {
        const std::string begin = databasePrefix(name_);
        backend_.scan(begin, prefixEnd(begin),
                      [self = shared_from_this()](KvStatus status, std::vector<KvEntry> entries) {
                          self->onScan(status, entries);
                      });
    }

private:
    void onScan(const KvStatus& status, const std::vector<KvEntry>& entries) {
        if (!status.ok()) return fail(storageError(status));
        const std::string manifest_key = manifestKey(name_);
        const auto manifest = std::find_if(entries.begin(), entries.end(),
                                           [&](const KvEntry& entry) { return entry.key == manifest_key; });
        if (manifest == entries.end()) {
            // The first write stores a manifest with the first record, so entries without one
            // mean it was lost: refuse rather than start afresh over whatever is left.
            if (!entries.empty()) {
                return fail(damaged("the manifest is missing but " + std::to_string(entries.size()) +
                                    " other entries are stored"));
            }
            loaded_.pager = std::make_shared<MemoryPager>(page_size_);
            return done_(std::nullopt, std::move(loaded_));
        }
        std::string problem;
        loaded_.manifest = decodeManifest(manifest->value, problem);
        if (!loaded_.manifest) return fail(damaged("the manifest is " + problem));
        loaded_.pager = std::make_shared<MemoryPager>(loaded_.manifest->page_size);
        loaded_.report.base_sequence = loaded_.report.last_sequence = loaded_.manifest->base_sequence;
        if (loaded_.manifest->generation != 0) {
            problem = loadBaseImage(name_, *loaded_.manifest, entries, *loaded_.pager);
            if (!problem.empty()) return fail(damaged(problem));
        }
        applyLog(name_, entries, *loaded_.pager, loaded_.report);
        for (const KvEntry& entry : entries) {
            auto sequence = parseLogKey(name_, entry.key);
            if (sequence && *sequence > loaded_.report.base_sequence && *sequence <= loaded_.report.last_sequence) {
                loaded_.log_sizes[*sequence] = entry.value.size();
            }
        }
        done_(std::nullopt, std::move(loaded_));
    }

    void fail(StorageError error) { done_(std::move(error), Loaded{}); }

    KvBackend& backend_;
    std::string name_;
    uint32_t page_size_;
    LoadDone done_;
    Loaded loaded_;
};

void DurableDatabase::load(KvBackend& backend, const std::string& name, uint32_t page_size, LoadDone done) {
    std::make_shared<Loader>(backend, name, page_size, std::move(done))->start();
}

void DurableDatabase::takeLoaded(Loaded loaded) {
    manifest_ = loaded.manifest;
    if (manifest_) last_generation_ = std::max(last_generation_, manifest_->generation);
    committed_ = durable_ = loaded.report.last_sequence;
    acked_.clear();
    stored_log_ = std::move(loaded.log_sizes);
    stored_log_bytes_ = 0;
    for (const auto& [sequence, size] : stored_log_) stored_log_bytes_ += size;
    doomed_keys_ = loaded.report.dropped_keys;
}

// ---------------------------------------------------------------------------------------------
// Life cycle
// ---------------------------------------------------------------------------------------------

template <typename Callback>
auto DurableDatabase::guarded(Callback callback) {
    return [alive = std::weak_ptr<char>(alive_), callback = std::move(callback)](auto&&... arguments) mutable {
        if (!alive.expired()) callback(std::forward<decltype(arguments)>(arguments)...);
    };
}

DurableDatabase::DurableDatabase(KvBackend* backend, std::string name, DurableOptions options, Loaded loaded)
    : backend_(backend),
      name_(std::move(name)),
      options_(options),
      pager_(loaded.pager),
      file_(pager_, MemoryFileOptions{true, [this] { onCommit(); }}) {
    recovery_ = loaded.report;
    takeLoaded(std::move(loaded));
}

DurableDatabase::~DurableDatabase() = default;

void DurableDatabase::open(KvBackend& backend, const std::string& name, OpenDone done, DurableOptions options) {
    if (name.empty() || name.find('/') != std::string::npos) {
        throw std::invalid_argument("a durable database name must be non-empty and without '/': " + name);
    }
    KvBackend* kv = &backend;
    load(backend, name, options.page_size, [kv, name, options, done](std::optional<StorageError> error, Loaded loaded) {
        if (error) return done(nullptr, error);
        done(std::unique_ptr<DurableDatabase>(new DurableDatabase(kv, name, options, std::move(loaded))), std::nullopt);
    });
}

std::unique_ptr<DurableDatabase> DurableDatabase::openWithoutStorage(StorageError reason, DurableOptions options) {
    Loaded loaded;
    loaded.pager = std::make_shared<MemoryPager>(options.page_size);
    std::unique_ptr<DurableDatabase> database(new DurableDatabase(nullptr, "", options, std::move(loaded)));
    database->error_ = std::move(reason);
    database->last_notified_ = database->status();
    return database;
}

store::Database DurableDatabase::connect() {
    store::Database db(file_.uri(), store::OpenMode::ReadWriteCreate);
    db.exec("PRAGMA page_size = " + std::to_string(pager_->pageSize()) +
            "; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY");
    return db;
}

SaveStatus DurableDatabase::status() const {
    SaveStatus status;
    status.committed = committed_;
    status.saved = durable_;
    status.compacting = job_.has_value();
    status.error = error_;
    if (durable_ >= committed_) {
        status.state = SaveState::Saved;
    } else if (error_) {
        status.state = SaveState::NotSaved;
    } else if (!queued_.empty()) {
        status.state = SaveState::Unsaved;
    } else {
        status.state = SaveState::Saving;
    }
    return status;
}

void DurableDatabase::setStatusListener(StatusListener listener) {
    listener_ = std::move(listener);
    last_notified_ = status();
}

void DurableDatabase::notify() {
    const SaveStatus now = status();
    if (now == last_notified_) return;
    last_notified_ = now;
    if (listener_) listener_(now);
}

void DurableDatabase::retrySaving() {
    pump();
    notify();
}

// ---------------------------------------------------------------------------------------------
// Commits
// ---------------------------------------------------------------------------------------------

void DurableDatabase::onCommit() {
    if (!pager_->hasChanges()) return;
    if (!backend_) {
        // Nothing can be saved: keeping records would only use memory. The reason is in error_.
        pager_->clearChanges();
        ++committed_;
        return notify();
    }
    try {
        const PageChanges changes = pager_->changes();
        std::vector<PageView> pages;
        pages.reserve(changes.pages.size());
        for (uint32_t number : changes.pages) pages.push_back({number, pager_->page(number)});
        const uint64_t sequence = committed_ + 1;
        queued_.push_back({sequence, encodeRecord({sequence, pager_->pageSize(), changes.page_count}, pages)});
        pager_->clearChanges();
        committed_ = sequence;
    } catch (const std::bad_alloc&) {
        // No record for this commit: only a base image of the whole database can save it now.
        pager_->clearChanges();
        ++committed_;
        startBaseImage(true);
    }
    // While writes fail, records pile up in memory; past a bound one base image replaces them.
    uint64_t waiting = 0;
    for (const Record& record : queued_) waiting += record.bytes.size();
    if (error_ && waiting > std::max(options_.max_waiting_bytes, pager_->size())) startBaseImage(true);
    pump();
    notify();
}

void DurableDatabase::pump() {
    if (!backend_ || writing_ || conflict_) return;
    if (!queued_.empty()) return sendRecords();
    if (!job_ && options_.compact_automatically && compactionAdvised()) startBaseImage(false);
    if (job_) advanceBaseImage();
}

Manifest DurableDatabase::emptyManifest() const {
    Manifest manifest;
    manifest.page_size = pager_->pageSize();
    manifest.chunk_pages = options_.chunk_pages;
    return manifest;
}

void DurableDatabase::sendRecords() {
    KvWriteBatch batch;
    if (!manifest_) batch.push_back({KvWrite::Op::Insert, manifestKey(name_), encodeManifest(emptyManifest())});
    for (const std::string& key : doomed_keys_) batch.push_back({KvWrite::Op::Delete, key, {}});
    for (const Record& record : queued_) {
        batch.push_back({KvWrite::Op::Insert, logKey(name_, record.sequence), record.bytes});
    }
    sending_.assign(std::make_move_iterator(queued_.begin()), std::make_move_iterator(queued_.end()));
    queued_.clear();
    writing_ = true;
    backend_->write(std::move(batch), guarded([this](KvStatus status) { onRecordsWritten(status); }));
    notify();
}

void DurableDatabase::onRecordsWritten(const KvStatus& status) {
    writing_ = false;
    if (!status.ok()) {
        // Back to the front of the queue, in order, unless an import has replaced them.
        for (auto record = sending_.rbegin(); record != sending_.rend(); ++record) {
            if (record->sequence > superseded_through_) queued_.push_front(std::move(*record));
        }
        sending_.clear();
        return fail(status);
    }
    if (!manifest_) manifest_ = emptyManifest();
    doomed_keys_.clear();
    for (const Record& record : sending_) {
        acked_.insert(record.sequence);
        stored_log_[record.sequence] = record.bytes.size();
        stored_log_bytes_ += record.bytes.size();
    }
    sending_.clear();
    succeed();
}

void DurableDatabase::advanceDurable() {
    while (!acked_.empty() && *acked_.begin() <= durable_ + 1) {
        durable_ = std::max(durable_, *acked_.begin());
        acked_.erase(acked_.begin());
    }
}

void DurableDatabase::succeed() {
    error_.reset();
    advanceDurable();
    // Pump first: a listener that hears Saved (and, say, lets another writer in) must already see
    // the compaction this acknowledgment starts.
    pump();
    notify();
}

void DurableDatabase::fail(const KvStatus& status) {
    error_ = storageError(status);
    if (status.code == KvCode::Conflict) conflict_ = true;
    notify();
}

bool DurableDatabase::busy() const {
    return !queued_.empty() || writing_ || job_ || pager_->hasChanges() || file_.locked();
}

// ---------------------------------------------------------------------------------------------
// Base images. A job snapshots the pages (sharing them: later commits copy what they change),
// writes one chunk per batch so commit writes can go in between, then lists the keys and writes
// the switch batch. Generations only grow, so a job never writes over chunks a manifest names.
// A job replaced by another (an import during compaction) finds out by its serial number.
// ---------------------------------------------------------------------------------------------

bool DurableDatabase::compactionAdvised() const {
    if (!backend_ || job_ || conflict_) return false;
    return stored_log_bytes_ > std::max(options_.compaction_min_log_bytes, pager_->size() / 2) ||
           stored_log_.size() > options_.compaction_max_log_records;
}

bool DurableDatabase::compact() {
    if (!backend_ || job_ || conflict_ || !startBaseImage(false)) return false;
    pump();
    notify();
    return true;
}

bool DurableDatabase::startBaseImage(bool supersede) {
    if (!backend_ || pager_->hasChanges()) return false;
    BaseImageJob job;
    job.serial = ++job_serial_;
    job.manifest = emptyManifest();
    job.manifest.generation = ++last_generation_;
    job.manifest.base_sequence = committed_;
    job.manifest.database_pages = pager_->pageCount();
    job.snapshot = pager_->snapshot();
    if (supersede) {
        // The image holds these commits: only it can save them now, not their records.
        superseded_through_ = committed_;
        queued_.clear();
    }
    job_ = std::move(job);
    return true;
}

void DurableDatabase::advanceBaseImage() {
    const BaseImageJob& job = *job_;
    const uint64_t serial = job.serial;
    writing_ = true;
    if (job.next_chunk < job.manifest.chunkCount()) {
        const Manifest& manifest = job.manifest;
        KvWriteBatch batch;
        batch.push_back({KvWrite::Op::Put, baseChunkKey(name_, manifest.generation, job.next_chunk),
                         encodeBaseChunk(job.snapshot, manifest.base_sequence, manifest.chunk_pages, job.next_chunk)});
        backend_->write(std::move(batch), guarded([this, serial](KvStatus status) { onChunkWritten(serial, status); }));
        return;
    }
    const std::string begin = databasePrefix(name_);
    backend_->listKeys(begin, prefixEnd(begin), guarded([this, serial](KvStatus status, std::vector<std::string> keys) {
                           onKeysListed(serial, status, keys);
                       }));
}

void DurableDatabase::onChunkWritten(uint64_t serial, const KvStatus& status) {
    writing_ = false;
    if (!status.ok()) return fail(status);
    if (job_ && job_->serial == serial) ++job_->next_chunk;
    succeed();
}

void DurableDatabase::onKeysListed(uint64_t serial, const KvStatus& status, const std::vector<std::string>& keys) {
    if (!status.ok() || !job_ || job_->serial != serial) {
        writing_ = false;
        return status.ok() ? pump() : fail(status);
    }
    const Manifest manifest = job_->manifest;
    KvWriteBatch batch = switchBatch(name_, manifest, keys);
    for (const std::string& key : doomed_keys_) {
        if (parseLogKey(name_, key).value_or(0) > manifest.base_sequence) {
            batch.push_back({KvWrite::Op::Delete, key, {}});
        }
    }
    backend_->write(std::move(batch),
                    guarded([this, serial, manifest](KvStatus status) { onSwitchWritten(serial, manifest, status); }));
}

void DurableDatabase::onSwitchWritten(uint64_t serial, const Manifest& manifest, const KvStatus& status) {
    writing_ = false;
    if (!status.ok()) return fail(status);
    adoptManifest(manifest);
    doomed_keys_.clear();
    if (job_ && job_->serial == serial) job_.reset();
    succeed();
}

void DurableDatabase::adoptManifest(const Manifest& manifest) {
    // Whichever job wrote it, or another writer: storage holds this image, so every commit up to
    // it is durable and the records it folded are gone.
    manifest_ = manifest;
    last_generation_ = std::max(last_generation_, manifest.generation);
    durable_ = std::max(durable_, manifest.base_sequence);
    stored_log_.erase(stored_log_.begin(), stored_log_.upper_bound(manifest.base_sequence));
    stored_log_bytes_ = 0;
    for (const auto& [sequence, size] : stored_log_) stored_log_bytes_ += size;
    advanceDurable();
}

// ---------------------------------------------------------------------------------------------
// Refresh: one scan from this side's next record to the end of the database's keys reads, in one
// consistent snapshot, the records after this side's last commit and the manifest (whose key
// sorts after every log key). If another writer folded those records into a newer base image
// (its compaction or import), everything is loaded again; otherwise the records are applied.
// The manifest comes first either way: this side must know the stored generation before it
// writes one.
// ---------------------------------------------------------------------------------------------

void DurableDatabase::refresh(RefreshDone done) {
    RefreshResult result;
    result.error = backend_ ? std::nullopt : error_;
    result.busy = backend_ && busy();
    if (!backend_ || result.busy) return done(result);
    backend_->scan(
        logKey(name_, committed_ + 1), prefixEnd(databasePrefix(name_)),
        guarded([this, done](KvStatus status, std::vector<KvEntry> entries) { onRefreshScan(done, status, entries); }));
}

void DurableDatabase::onRefreshScan(const RefreshDone& done, const KvStatus& status,
                                    const std::vector<KvEntry>& entries) {
    RefreshResult result;
    std::optional<Manifest> stored;
    std::string problem;
    const std::string manifest_key = manifestKey(name_);
    const auto manifest =
        std::find_if(entries.begin(), entries.end(), [&](const KvEntry& entry) { return entry.key == manifest_key; });
    if (!status.ok()) {
        result.error = storageError(status);
    } else if (manifest != entries.end() && !(stored = decodeManifest(manifest->value, problem))) {
        result.error = damaged("the manifest is " + problem);
    }
    result.busy = !result.error && busy();
    if (result.error || result.busy) return done(result);

    if (stored && stored->base_sequence > committed_) {
        load(*backend_, name_, pager_->pageSize(),
             guarded([this, done](std::optional<StorageError> error, Loaded loaded) {
                 onRefreshLoaded(done, error, std::move(loaded));
             }));
        return;
    }
    if (stored) adoptManifest(*stored);
    ReplayReport report;
    report.last_sequence = committed_;
    applyLog(name_, entries, *pager_, report);
    for (const KvEntry& entry : entries) {
        auto sequence = parseLogKey(name_, entry.key);
        if (sequence && *sequence <= report.last_sequence) {
            stored_log_[*sequence] = entry.value.size();
            stored_log_bytes_ += entry.value.size();
        }
    }
    result.commits_applied = report.last_sequence - committed_;
    committed_ = durable_ = report.last_sequence;
    doomed_keys_ = report.dropped_keys;
    notify();
    done(result);
}

void DurableDatabase::onRefreshLoaded(const RefreshDone& done, const std::optional<StorageError>& error,
                                      Loaded loaded) {
    RefreshResult result;
    result.error = error;
    result.busy = !error && busy();
    if (result.error || result.busy) return done(result);
    result.reloaded = true;
    result.commits_applied = loaded.report.last_sequence - committed_;
    pager_->restore(loaded.pager->snapshot());
    takeLoaded(std::move(loaded));
    notify();
    done(result);
}

// ---------------------------------------------------------------------------------------------
// Export and import
// ---------------------------------------------------------------------------------------------

namespace {

constexpr size_t kChangeCounterOffset = 24;
constexpr size_t kVersionValidForOffset = 92;

uint32_t loadBigEndian32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
           static_cast<uint32_t>(p[3]);
}

void storeBigEndian32(uint8_t* p, uint32_t value) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

}  // namespace

Bytes DurableDatabase::exportBytes() const {
    if (pager_->hasChanges()) throw std::logic_error("exportBytes inside a transaction that has written pages");
    return pager_->contents();
}

store::SchemaStatus DurableDatabase::importBytes(const Bytes& bytes) {
    if (pager_->hasChanges() || file_.locked()) throw std::logic_error("importBytes inside a transaction");
    store::checkImportHeader(bytes);

    // Every check runs on a private copy, which SQLite may migrate and convert; the database in
    // use is not touched until the copy has passed them all.
    auto copy = std::make_shared<MemoryPager>(pager_->pageSize());
    copy->write(0, bytes.data(), bytes.size());
    // A WAL-mode file without its WAL is a complete database: mark it as a rollback one, which
    // is what this VFS (no shared memory) can open.
    const uint8_t rollback[2] = {1, 1};
    copy->write(18, rollback, 2);
    store::SchemaStatus status;
    {
        AttachedMemoryFile file(copy);
        store::Database db(file.uri(), store::OpenMode::ReadWrite);
        try {
            db.exec("PRAGMA journal_mode = MEMORY");
            store::Statement check(db, "PRAGMA integrity_check(1)");
            const std::string verdict = check.step() ? check.columnText(0) : "no answer";
            if (verdict != "ok") store::refuseDamaged("integrity_check: " + verdict);
        } catch (const store::SqliteError& error) {
            store::refuseDamaged(std::string("SQLite says: ") + error.what());
        }
        status = store::openSchema(db);
        if (status.read_only) store::refuseNewer(status.found_version);
        if (db.queryInt("PRAGMA page_size") != pager_->pageSize()) {
            db.exec("PRAGMA page_size = " + std::to_string(pager_->pageSize()) + "; VACUUM");
        }
    }
    if (copy->size() % pager_->pageSize() != 0) store::refuseDamaged("its pages could not be converted");
    replaceImage(copy, false);
    return status;
}

void DurableDatabase::restoreBytes(const Bytes& bytes) {
    if (pager_->hasChanges() || file_.locked()) throw std::logic_error("restoreBytes inside a transaction");
    store::checkImportHeader(bytes);
    const uint32_t field = uint32_t{bytes[16]} << 8 | bytes[17];
    if ((field == 1 ? 65536 : field) != pager_->pageSize()) {
        throw std::invalid_argument("restoreBytes: the image's page size is not the database's");
    }
    auto copy = std::make_shared<MemoryPager>(pager_->pageSize());
    copy->write(0, bytes.data(), bytes.size());
    replaceImage(copy, true);
}

void DurableDatabase::replaceImage(const std::shared_ptr<MemoryPager>& copy, bool keep_counter) {
    // Open connections notice new content by a changed header (SQLite compares the change
    // counter for equality): make sure it differs from the one they read last.
    uint8_t counter[4];
    const uint32_t current = pager_->size() >= 100 ? loadBigEndian32(pager_->page(1) + kChangeCounterOffset) : 0;
    copy->read(kChangeCounterOffset, counter, 4);
    if (!keep_counter || loadBigEndian32(counter) == current) {
        storeBigEndian32(counter, std::max(current, loadBigEndian32(counter)) + 1);
        copy->write(kChangeCounterOffset, counter, 4);
        copy->write(kVersionValidForOffset, counter, 4);
    }

    pager_->restore(copy->snapshot());
    ++committed_;
    startBaseImage(true);
    pump();
    notify();
}

}  // namespace kiln::storage
