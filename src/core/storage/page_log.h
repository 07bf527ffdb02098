// Kiln: the page log's formats and rules, free of any I/O.
//
// Index
//   crc32c()         the checksum of every record and manifest
//   Page records     one commit's pages, or one chunk of a base image: layout, encode, decode
//   Manifest         names the current base image: generation, folded sequence number, size
//   Keys             where records, chunks and the manifest live in the key-value store
//   Replay           base image + log records -> pages in memory, with a report of what was dropped
//   Base images      chunks of a new base image, and the one batch that makes it current
//
// What is stored, for a database called <name>:
//   <name>/manifest                    the manifest (always present once anything was saved)
//   <name>/base/<generation>/<chunk>   the base image of that generation, in chunks of pages
//   <name>/log/<sequence>              one page record per SQLite transaction after the base
// Numbers are fixed-width lowercase hex, so key order is number order; base < log < manifest. The state is the base
// image named by the manifest, then the records base_sequence+1, +2, ... up to the first one that
// is missing or damaged. A record is written once, in one atomic batch, and never changed.
//
// Compaction writes the chunks of generation g+1 (invisible: the manifest still names g), then
// one batch puts the new manifest and deletes generation g and the records it folded. A crash
// before that batch leaves the old state plus unreferenced chunks; after it, the new state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/kv_backend.h"
#include "core/storage/memory_pager.h"

namespace kiln::storage {

// ---------------------------------------------------------------------------------------------
// Checksum
// ---------------------------------------------------------------------------------------------

// CRC-32C (Castagnoli, as in iSCSI and ext4): detects every error of up to 32 consecutive bits.
// Continue a running checksum by passing the previous result as crc.
uint32_t crc32c(const uint8_t* data, size_t size, uint32_t crc = 0);

// ---------------------------------------------------------------------------------------------
// Page records. Little-endian:
//   offset  size
//        0     4   magic "KLOG"
//        4     2   format version (1)
//        6     2   flags (0)
//        8     8   sequence number (1, 2, 3, ...; a base chunk carries its base's number)
//       16     4   page size (a power of two, 512 to 65536)
//       20     4   page count n (pages in this record)
//       24     4   database size in pages after this commit
//       28    4n   page numbers, 1-based, strictly ascending, each <= the database size
//    28+4n  n*ps   the pages' bytes, in the same order
//        …     4   CRC-32C of everything before it
// ---------------------------------------------------------------------------------------------

constexpr uint16_t kRecordFormatVersion = 1;
constexpr size_t kRecordHeaderSize = 28;
constexpr size_t kRecordOverhead = kRecordHeaderSize + 4;  // plus 4 bytes per page number

struct RecordHeader {
    uint64_t sequence = 0;
    uint32_t page_size = 0;
    uint32_t database_pages = 0;
};

struct PageView {
    uint32_t number = 0;
    const uint8_t* bytes = nullptr;  // page_size bytes
};

struct DecodedRecord {
    RecordHeader header;
    std::vector<PageView> pages;  // point into the buffer that was decoded
};

// Encodes one record. pages must be ascending and within header.database_pages.
Bytes encodeRecord(const RecordHeader& header, const std::vector<PageView>& pages);
// Checks every field, the exact length and the checksum before trusting any of it. On failure
// returns nullopt and says why in problem. The views point into data, which must outlive them.
std::optional<DecodedRecord> decodeRecord(const uint8_t* data, size_t size, std::string& problem);

// ---------------------------------------------------------------------------------------------
// Manifest. Little-endian, 44 bytes:
//   0 magic "KMAN" | 4 format version (2 bytes, 1) | 6 flags (2 bytes, 0) | 8 generation (8)
//   16 base sequence (8) | 24 page size (4) | 28 database size in pages (4)
//   32 pages per chunk (4) | 36 reserved (4, 0) | 40 CRC-32C of bytes 0..39 (4)
// ---------------------------------------------------------------------------------------------

struct Manifest {
    uint64_t generation = 0;     // 0: no base image yet (an empty database)
    uint64_t base_sequence = 0;  // the last commit folded into the base image
    uint32_t page_size = 0;
    uint32_t database_pages = 0;
    uint32_t chunk_pages = 0;  // pages per base chunk; the last chunk may hold fewer

    uint32_t chunkCount() const { return chunk_pages == 0 ? 0 : (database_pages + chunk_pages - 1) / chunk_pages; }
};

constexpr size_t kManifestSize = 44;

Bytes encodeManifest(const Manifest& manifest);
std::optional<Manifest> decodeManifest(const Bytes& bytes, std::string& problem);

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

std::string manifestKey(const std::string& name);
std::string logKey(const std::string& name, uint64_t sequence);
std::string logPrefix(const std::string& name);
std::string baseChunkKey(const std::string& name, uint64_t generation, uint32_t chunk);
std::string basePrefix(const std::string& name);
// Every key of the database: scan or list [databasePrefix, prefixEnd(databasePrefix)).
std::string databasePrefix(const std::string& name);
// The sequence number of a log key of name, or nullopt for any other key.
std::optional<uint64_t> parseLogKey(const std::string& name, const std::string& key);
struct BaseChunkId {
    uint64_t generation = 0;
    uint32_t chunk = 0;
};
// The generation and index of a base chunk key of name, or nullopt for any other key.
std::optional<BaseChunkId> parseBaseChunkKey(const std::string& name, const std::string& key);

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

struct ReplayReport {
    uint64_t base_sequence = 0;  // the base image's last commit
    uint64_t last_sequence = 0;  // the last commit now in memory
    size_t records_applied = 0;
    // Why replay stopped before the end of the log (a missing, cut or damaged record); empty if
    // it reached the end. Commits after that point are lost: the user should be told.
    std::string stopped_because;
    // Log keys past the point replay stopped. A writer deletes them (in the batch of its next
    // record) before it reuses their sequence numbers.
    std::vector<std::string> dropped_keys;
};

// Fills pager (which must be empty and use manifest.page_size) with the base image, given entries
// in key order that include those under basePrefix(name); other keys, and chunks of other
// generations, are ignored. Returns
// why the image cannot be used (a chunk missing or damaged), or an empty string.
std::string loadBaseImage(const std::string& name, const Manifest& manifest, const std::vector<KvEntry>& chunks,
                          MemoryPager& pager);

// Applies to pager, in sequence order, the log records that follow report.last_sequence, given
// log entries in key order. Records at or before last_sequence are skipped (already folded or
// applied). Stops at the first gap or damaged record, keeping the state before it; updates report.
void applyLog(const std::string& name, const std::vector<KvEntry>& log, MemoryPager& pager, ReplayReport& report);

// ---------------------------------------------------------------------------------------------
// Base images
// ---------------------------------------------------------------------------------------------

// Chunk `chunk` of the base image of snapshot, a page record of pages chunk*chunk_pages+1 on.
Bytes encodeBaseChunk(const PageSnapshot& snapshot, uint64_t base_sequence, uint32_t chunk_pages, uint32_t chunk);

// The batch that makes manifest current: puts it, and deletes, among existing_keys, the chunks of
// other generations (and any of its own beyond its chunk count) and the records it folded.
KvWriteBatch switchBatch(const std::string& name, const Manifest& manifest,
                         const std::vector<std::string>& existing_keys);

}  // namespace kiln::storage
