// Kiln: the "kiln-mem" VFS.
//
// Index
//   Files        the registry of named files, and the entry every handle shares
//   Locks        SQLite's lock levels between the handles of one file
//   I/O methods  sqlite3_io_methods over a MemoryPager
//   VFS methods  open, delete, access, full path; time and randomness from the default VFS
//   Attaching    AttachedMemoryFile
#include "core/storage/memory_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <map>
#include <new>

namespace kiln::storage {

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

struct FileHandle;

struct MemoryFileEntry {
    std::shared_ptr<MemoryPager> pager;
    MemoryFileOptions options;
    MemoryFileCounters counters;
    std::string name;  // empty for temporary files
    bool attached = false;
    int handles = 0;
    // Lock holders: how many handles hold at least SHARED, and which one holds RESERVED and
    // which PENDING or EXCLUSIVE (both block new readers).
    int shared = 0;
    const FileHandle* reserved = nullptr;
    const FileHandle* exclusive = nullptr;
};

struct FileHandle {
    std::shared_ptr<MemoryFileEntry> entry;
    int lock = SQLITE_LOCK_NONE;
};

namespace {

// SQLite allocates szOsFile bytes and hands them to xOpen; the C++ state lives behind a pointer
// so that this stays a plain C struct.
struct VfsFile {
    sqlite3_file base;
    FileHandle* handle;
};

FileHandle& handleOf(sqlite3_file* file) {
    return *reinterpret_cast<VfsFile*>(file)->handle;
}
MemoryFileEntry& entryOf(sqlite3_file* file) {
    return *handleOf(file).entry;
}

// Never destroyed: an AttachedMemoryFile held by a global may detach after static destructors ran.
std::map<std::string, std::shared_ptr<MemoryFileEntry>>& registry() {
    static auto* files = new std::map<std::string, std::shared_ptr<MemoryFileEntry>>();
    return *files;
}

// Drops a file SQLite created by name (a journal, say) once no handle uses it. Attached files
// stay until their AttachedMemoryFile goes.
void forgetIfUnused(const std::shared_ptr<MemoryFileEntry>& entry) {
    if (entry->attached || entry->handles > 0 || entry->name.empty()) return;
    auto found = registry().find(entry->name);
    if (found != registry().end() && found->second == entry) registry().erase(found);
}

// ---------------------------------------------------------------------------------------------
// Locks. SQLite asks for SHARED, then RESERVED, then EXCLUSIVE (passing PENDING, which keeps new
// readers out while the writer waits for the others to finish), and unlocks to SHARED or NONE.
// ---------------------------------------------------------------------------------------------

int lockFile(sqlite3_file* file, int level) {
    FileHandle& handle = handleOf(file);
    MemoryFileEntry& entry = *handle.entry;
    if (handle.lock >= level) return SQLITE_OK;
    if (level == SQLITE_LOCK_SHARED) {
        if (entry.exclusive && entry.exclusive != &handle) return SQLITE_BUSY;
        ++entry.shared;
    } else if (level == SQLITE_LOCK_RESERVED) {
        if (entry.reserved && entry.reserved != &handle) return SQLITE_BUSY;
        entry.reserved = &handle;
    } else {
        if (entry.exclusive && entry.exclusive != &handle) return SQLITE_BUSY;
        entry.exclusive = &handle;
        if (entry.shared > 1) {
            handle.lock = SQLITE_LOCK_PENDING;
            return SQLITE_BUSY;
        }
    }
    handle.lock = level;
    return SQLITE_OK;
}

int unlockFile(sqlite3_file* file, int level) {
    FileHandle& handle = handleOf(file);
    MemoryFileEntry& entry = *handle.entry;
    if (handle.lock <= level) return SQLITE_OK;
    if (entry.exclusive == &handle) entry.exclusive = nullptr;
    if (entry.reserved == &handle) entry.reserved = nullptr;
    if (level == SQLITE_LOCK_NONE) --entry.shared;
    handle.lock = level;
    return SQLITE_OK;
}

int checkReservedLock(sqlite3_file* file, int* result) {
    const MemoryFileEntry& entry = entryOf(file);
    *result = entry.reserved != nullptr || entry.exclusive != nullptr;
    return SQLITE_OK;
}

// ---------------------------------------------------------------------------------------------
// I/O methods
// ---------------------------------------------------------------------------------------------

int closeFile(sqlite3_file* file) {
    FileHandle* handle = reinterpret_cast<VfsFile*>(file)->handle;
    unlockFile(file, SQLITE_LOCK_NONE);
    std::shared_ptr<MemoryFileEntry> entry = std::move(handle->entry);
    delete handle;
    --entry->handles;
    forgetIfUnused(entry);
    return SQLITE_OK;
}

int readFile(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
    const size_t inside = entryOf(file).pager->read(static_cast<uint64_t>(offset), buffer, static_cast<size_t>(amount));
    return inside < static_cast<size_t>(amount) ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int writeFile(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    MemoryFileEntry& entry = entryOf(file);
    const uint32_t page_size = entry.pager->pageSize();
    if (entry.options.whole_pages && (offset % page_size != 0 || amount % page_size != 0)) return SQLITE_IOERR_WRITE;
    try {
        entry.pager->write(static_cast<uint64_t>(offset), data, static_cast<size_t>(amount));
    } catch (const std::bad_alloc&) {
        return SQLITE_IOERR_NOMEM;
    }
    ++entry.counters.writes;
    entry.counters.bytes_written += static_cast<uint64_t>(amount);
    return SQLITE_OK;
}

int truncateFile(sqlite3_file* file, sqlite3_int64 size) {
    MemoryFileEntry& entry = entryOf(file);
    if (entry.options.whole_pages && size % entry.pager->pageSize() != 0) return SQLITE_IOERR_TRUNCATE;
    try {
        entry.pager->truncate(static_cast<uint64_t>(size));
    } catch (const std::bad_alloc&) {
        return SQLITE_IOERR_NOMEM;
    }
    return SQLITE_OK;
}

int syncFile(sqlite3_file* file, int) {
    ++entryOf(file).counters.syncs;
    return SQLITE_OK;
}

int fileSize(sqlite3_file* file, sqlite3_int64* size) {
    *size = static_cast<sqlite3_int64>(entryOf(file).pager->size());
    return SQLITE_OK;
}

int fileControl(sqlite3_file* file, int op, void* argument) {
    MemoryFileEntry& entry = entryOf(file);
    switch (op) {
        case SQLITE_FCNTL_SYNC:
            ++entry.counters.sync_signals;
            return SQLITE_OK;
        case SQLITE_FCNTL_COMMIT_PHASETWO:
            ++entry.counters.commits;
            try {
                if (entry.options.on_commit) entry.options.on_commit();
            } catch (...) {
                // The listener promised not to throw; an exception must still not cross SQLite.
                return SQLITE_IOERR;
            }
            return SQLITE_OK;
        case SQLITE_FCNTL_PRAGMA: {
            // Refusing WAL here, before SQLite rewrites the header for it, keeps the file one
            // that opens again (see the WAL rule in memory_vfs.h).
            auto** pragma = static_cast<char**>(argument);
            if (sqlite3_stricmp(pragma[1], "journal_mode") == 0 && pragma[2] &&
                sqlite3_stricmp(pragma[2], "wal") == 0) {
                pragma[0] = sqlite3_mprintf("%s files have no WAL mode", kMemoryVfsName);
                return SQLITE_ERROR;
            }
            return SQLITE_NOTFOUND;
        }
        case SQLITE_FCNTL_VFSNAME:
            *static_cast<char**>(argument) = sqlite3_mprintf("%s", kMemoryVfsName);
            return SQLITE_OK;
        default:
            return SQLITE_NOTFOUND;
    }
}

int sectorSize(sqlite3_file*) {
    return 512;
}

int deviceCharacteristics(sqlite3_file*) {
    return SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL | SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

sqlite3_io_methods makeIoMethods() {
    sqlite3_io_methods methods = {};
    methods.iVersion = 1;  // no shared memory (so no WAL) and no memory mapping
    methods.xClose = closeFile;
    methods.xRead = readFile;
    methods.xWrite = writeFile;
    methods.xTruncate = truncateFile;
    methods.xSync = syncFile;
    methods.xFileSize = fileSize;
    methods.xLock = lockFile;
    methods.xUnlock = unlockFile;
    methods.xCheckReservedLock = checkReservedLock;
    methods.xFileControl = fileControl;
    methods.xSectorSize = sectorSize;
    methods.xDeviceCharacteristics = deviceCharacteristics;
    return methods;
}

const sqlite3_io_methods kIoMethods = makeIoMethods();

// ---------------------------------------------------------------------------------------------
// VFS methods
// ---------------------------------------------------------------------------------------------

sqlite3_vfs* defaultVfs(sqlite3_vfs* vfs) {
    return static_cast<sqlite3_vfs*>(vfs->pAppData);
}

int openFile(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    file->pMethods = nullptr;
    // A file whose header asks for WAL (18 and 19 set to 2) gets an error here rather than a
    // mode whose commits would never reach the pager.
    if (flags & SQLITE_OPEN_WAL) return SQLITE_CANTOPEN;
    std::shared_ptr<MemoryFileEntry> entry;
    try {
        if (!name) {
            entry = std::make_shared<MemoryFileEntry>();
            entry->pager = std::make_shared<MemoryPager>(kDefaultPageSize);
        } else if (auto found = registry().find(name); found != registry().end()) {
            entry = found->second;
        } else if (flags & SQLITE_OPEN_CREATE) {
            entry = std::make_shared<MemoryFileEntry>();
            entry->pager = std::make_shared<MemoryPager>(kDefaultPageSize);
            entry->name = name;
            registry()[name] = entry;
        } else {
            return SQLITE_CANTOPEN;
        }
        reinterpret_cast<VfsFile*>(file)->handle = new FileHandle{entry};
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    }
    ++entry->handles;
    file->pMethods = &kIoMethods;
    if (out_flags) *out_flags = flags;
    return SQLITE_OK;
}

int deleteFile(sqlite3_vfs*, const char* name, int) {
    auto found = registry().find(name);
    if (found != registry().end() && !found->second->attached) registry().erase(found);
    return SQLITE_OK;
}

int accessFile(sqlite3_vfs*, const char* name, int, int* result) {
    *result = registry().count(name) != 0;
    return SQLITE_OK;
}

int fullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
    const size_t length = std::strlen(name);
    if (length + 1 > static_cast<size_t>(size)) return SQLITE_CANTOPEN;
    std::memcpy(out, name, length + 1);
    return SQLITE_OK;
}

int randomness(sqlite3_vfs* vfs, int size, char* out) {
    sqlite3_vfs* base = defaultVfs(vfs);
    if (base) return base->xRandomness(base, size, out);
    std::memset(out, 0, static_cast<size_t>(size));
    return size;
}

int sleepFor(sqlite3_vfs* vfs, int microseconds) {
    sqlite3_vfs* base = defaultVfs(vfs);
    return base ? base->xSleep(base, microseconds) : 0;
}

int currentTime(sqlite3_vfs* vfs, double* out) {
    sqlite3_vfs* base = defaultVfs(vfs);
    return base ? base->xCurrentTime(base, out) : SQLITE_ERROR;
}

int currentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    sqlite3_vfs* base = defaultVfs(vfs);
    if (base && base->iVersion >= 2 && base->xCurrentTimeInt64) return base->xCurrentTimeInt64(base, out);
    double days = 0;
    const int rc = currentTime(vfs, &days);
    *out = static_cast<sqlite3_int64>(days * 86400000.0);
    return rc;
}

int lastError(sqlite3_vfs* vfs, int size, char* out) {
    sqlite3_vfs* base = defaultVfs(vfs);
    return base ? base->xGetLastError(base, size, out) : 0;
}

}  // namespace

void registerMemoryVfs() {
    static sqlite3_vfs vfs = {};
    static const bool registered = [] {
        vfs.iVersion = 2;  // up to xCurrentTimeInt64
        vfs.szOsFile = static_cast<int>(sizeof(VfsFile));
        vfs.mxPathname = 512;
        vfs.zName = kMemoryVfsName;
        vfs.pAppData = sqlite3_vfs_find(nullptr);  // the default VFS, for time and randomness
        vfs.xOpen = openFile;
        vfs.xDelete = deleteFile;
        vfs.xAccess = accessFile;
        vfs.xFullPathname = fullPathname;
        vfs.xRandomness = randomness;
        vfs.xSleep = sleepFor;
        vfs.xCurrentTime = currentTime;
        vfs.xGetLastError = lastError;
        vfs.xCurrentTimeInt64 = currentTimeInt64;
        return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
    }();
    (void)registered;
}

// ---------------------------------------------------------------------------------------------
// Attaching
// ---------------------------------------------------------------------------------------------

AttachedMemoryFile::AttachedMemoryFile(std::shared_ptr<MemoryPager> pager, MemoryFileOptions options) {
    registerMemoryVfs();
    static uint64_t counter = 0;
    do {
        name_ = "kiln-" + std::to_string(++counter);
    } while (registry().count(name_) != 0);
    entry_ = std::make_shared<MemoryFileEntry>();
    entry_->pager = std::move(pager);
    entry_->options = std::move(options);
    entry_->name = name_;
    entry_->attached = true;
    registry()[name_] = entry_;
}

AttachedMemoryFile::AttachedMemoryFile(AttachedMemoryFile&& other) noexcept
    : entry_(std::move(other.entry_)), name_(std::move(other.name_)) {}

AttachedMemoryFile& AttachedMemoryFile::operator=(AttachedMemoryFile&& other) noexcept {
    if (this != &other) {
        detach();
        entry_ = std::move(other.entry_);
        name_ = std::move(other.name_);
    }
    return *this;
}

AttachedMemoryFile::~AttachedMemoryFile() {
    detach();
}

void AttachedMemoryFile::detach() {
    if (!entry_) return;
    entry_->options.on_commit = nullptr;
    entry_->attached = false;
    registry().erase(name_);
    entry_.reset();
}

std::string AttachedMemoryFile::uri() const {
    return "file:" + name_ + "?vfs=" + kMemoryVfsName;
}

bool AttachedMemoryFile::locked() const {
    return entry_->shared > 0 || entry_->reserved != nullptr || entry_->exclusive != nullptr;
}

const MemoryFileCounters& AttachedMemoryFile::counters() const {
    return entry_->counters;
}

}  // namespace kiln::storage
