// Kiln: "kiln-mem", a SQLite VFS whose files are MemoryPagers.
//
// Index
//   kMemoryVfsName, registerMemoryVfs()   the VFS, registered once, never the default
//   MemoryFileOptions                     whole-page writes only; the commit listener
//   MemoryFileCounters                    what SQLite did to a file (for tests and benchmarks)
//   AttachedMemoryFile                    RAII: a pager made openable by SQLite under a unique name
//
// Rules, each checked by a test (storage_memory_vfs_test.cpp):
// - An attached file is the pager it was given; connections open it with uri(). Any other name
//   SQLite opens (a journal if journal_mode is not MEMORY) and every temporary file is a private
//   pager that disappears when its last handle closes: nothing here outlives the process.
// - The commit signal is SQLITE_FCNTL_COMMIT_PHASETWO: SQLite sends it once after each write
//   transaction commits, in every journal mode and whatever PRAGMA synchronous says, once the file
//   has its final size. xSync is no commit signal: it is skipped with synchronous=OFF, and SQLite
//   also syncs the file while it rolls a transaction back.
// - There is no WAL mode: its commits go to the WAL file, not to the pages the commit signal
//   hands over. PRAGMA journal_mode=WAL fails (even with locking_mode=EXCLUSIVE, where SQLite
//   would need no shared memory), and so does opening a WAL file.
// - Locks are SQLite's five levels, kept between the connections of this process, so a second
//   connection to the same file is safe (one connection per file is the plan).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/storage/memory_pager.h"

namespace kiln::storage {

constexpr char kMemoryVfsName[] = "kiln-mem";

// Registers the VFS with SQLite (not as the default). Safe to call more than once.
void registerMemoryVfs();

struct MemoryFileOptions {
    // Refuse (SQLITE_IOERR_WRITE / _TRUNCATE) writes and sizes that are not whole pages of the
    // pager, so every commit is a set of whole pages. SQLite writes a database file in whole pages
    // of its page size; this fails only if that page size is smaller than the pager's.
    bool whole_pages = false;
    // Called after every write transaction on the file commits, before SQLite unlocks it; the
    // pager's changes() then hold exactly that transaction's pages. Must not throw and must
    // not use the connection.
    std::function<void()> on_commit;
};

struct MemoryFileCounters {
    uint64_t writes = 0;         // xWrite calls
    uint64_t bytes_written = 0;  // bytes passed to xWrite
    uint64_t syncs = 0;          // xSync calls
    uint64_t sync_signals = 0;   // SQLITE_FCNTL_SYNC: sent where xSync is, even with synchronous=OFF
    uint64_t commits = 0;        // SQLITE_FCNTL_COMMIT_PHASETWO
};

struct MemoryFileEntry;

// Makes a pager openable as a SQLite file (registering the VFS if needed) for as long as it lives.
// Move-only. When it goes, the name is forgotten and the listener is no longer called; connections
// still open keep working on the pager, detached from whatever listened.
class AttachedMemoryFile {
public:
    AttachedMemoryFile(std::shared_ptr<MemoryPager> pager, MemoryFileOptions options = {});
    AttachedMemoryFile(AttachedMemoryFile&& other) noexcept;
    AttachedMemoryFile& operator=(AttachedMemoryFile&& other) noexcept;
    AttachedMemoryFile(const AttachedMemoryFile&) = delete;
    AttachedMemoryFile& operator=(const AttachedMemoryFile&) = delete;
    ~AttachedMemoryFile();

    // The file's name in the VFS, unique in the process ("kiln-<n>").
    const std::string& name() const { return name_; }
    // What to give sqlite3_open_v2 (with SQLITE_OPEN_URI) or kiln::store::Database.
    std::string uri() const;
    // True while a connection holds any lock on the file: inside a transaction, or with a
    // statement that has not been reset. The pager must not be replaced then.
    bool locked() const;
    const MemoryFileCounters& counters() const;

private:
    void detach();

    std::shared_ptr<MemoryFileEntry> entry_;
    std::string name_;
};

}  // namespace kiln::storage
