// Kiln: the small key-value store that durable storage is written to.
//
// Index
//   Bytes, KvCode, KvStatus   values and the outcome of an operation
//   KvWrite, KvWriteBatch     what one atomic write does
//   KvBackend                 the interface: get, scan, listKeys, write, all completing by callback
//   prefixEnd()               the exclusive end of the range of keys that start with a prefix
//
// In the browser this is IndexedDB (one object store, string keys, Uint8Array values), which
// answers later: a write is durable only when its transaction completes. Natively and in tests
// it is a map that may answer at once, or on demand to simulate writes still in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kiln::storage {

using Bytes = std::vector<uint8_t>;

enum class KvCode {
    Ok,
    QuotaExceeded,  // the browser refused to store more (QuotaExceededError)
    Unavailable,    // no storage at all, or blocked (private modes, embedded contexts, closed database)
    Conflict,       // an Insert found its key taken: another writer got there first
    Failed,         // anything else; message says what
};

struct KvStatus {
    KvCode code = KvCode::Ok;
    std::string message;  // the backend's own words, for details and logs; empty when ok

    bool ok() const { return code == KvCode::Ok; }
};

struct KvEntry {
    std::string key;
    Bytes value;
};

struct KvWrite {
    enum class Op {
        Put,     // store value under key, replacing what was there
        Insert,  // store value under key; the whole batch fails with Conflict if key exists
        Delete,  // remove key; no error if it is absent
    };
    Op op = Op::Put;
    std::string key;
    Bytes value;  // empty for Delete
};

// Applied in order, all or nothing (one IndexedDB readwrite transaction).
using KvWriteBatch = std::vector<KvWrite>;

// Every method returns at once and reports through its callback, exactly once: possibly before
// the method returns (a synchronous backend), possibly much later. Operations take effect in the
// order they were issued, so a read issued after a write sees it, and writes never reorder.
// A backend destroyed with operations outstanding may drop their callbacks; callers guard
// against outliving it (DurableDatabase does).
class KvBackend {
public:
    using GetDone = std::function<void(KvStatus status, std::optional<Bytes> value)>;
    using ScanDone = std::function<void(KvStatus status, std::vector<KvEntry> entries)>;
    using KeysDone = std::function<void(KvStatus status, std::vector<std::string> keys)>;
    using WriteDone = std::function<void(KvStatus status)>;

    virtual ~KvBackend() = default;

    // The value under key, or nullopt if there is none.
    virtual void get(const std::string& key, GetDone done) = 0;
    // Every entry with begin <= key < end, in ascending key order (byte-wise; keys are ASCII).
    virtual void scan(const std::string& begin, const std::string& end, ScanDone done) = 0;
    // The keys of scan(begin, end) without their values.
    virtual void listKeys(const std::string& begin, const std::string& end, KeysDone done) = 0;
    // Applies the batch atomically. ok means durable: after a crash the batch is there, whole.
    // A failure means none of it was applied.
    virtual void write(KvWriteBatch batch, WriteDone done) = 0;
};

// The smallest key greater than every key that starts with prefix (for scan and listKeys).
// prefix must be non-empty ASCII whose last character is not 0x7f.
inline std::string prefixEnd(std::string prefix) {
    prefix.back() = static_cast<char>(prefix.back() + 1);
    return prefix;
}

}  // namespace kiln::storage
