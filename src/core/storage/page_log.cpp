// Kiln: the page log (formats and rules are described in page_log.h).
//
// Index
//   Checksum      CRC-32C, eight bytes at a time
//   Page records  encodeRecord, decodeRecord
//   Manifest      encodeManifest, decodeManifest
//   Keys          names and their parsers
//   Replay        loadBaseImage, applyLog
//   Base images   encodeBaseChunk, switchBatch
#include "core/storage/page_log.h"

#include <algorithm>
#include <cstring>

namespace kiln::storage {

// ---------------------------------------------------------------------------------------------
// Checksum: CRC-32C, reflected polynomial 0x82F63B78, eight bytes per step ("slicing by 8") so
// that replaying a 50 MB database spends little of its time here.
// ---------------------------------------------------------------------------------------------

namespace {

struct Crc32cTables {
    uint32_t table[8][256] = {};
};

constexpr Crc32cTables makeCrc32cTables() {
    Crc32cTables tables;
    for (uint32_t byte = 0; byte < 256; ++byte) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        tables.table[0][byte] = crc;
    }
    for (int slice = 1; slice < 8; ++slice) {
        for (uint32_t byte = 0; byte < 256; ++byte) {
            const uint32_t previous = tables.table[slice - 1][byte];
            tables.table[slice][byte] = (previous >> 8) ^ tables.table[0][previous & 0xff];
        }
    }
    return tables;
}

constexpr Crc32cTables kCrc32c = makeCrc32cTables();

uint16_t load16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
uint32_t load32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
}
uint64_t load64(const uint8_t* p) {
    return load32(p) | static_cast<uint64_t>(load32(p + 4)) << 32;
}

void store16(uint8_t* p, uint16_t value) {
    p[0] = static_cast<uint8_t>(value);
    p[1] = static_cast<uint8_t>(value >> 8);
}
void store32(uint8_t* p, uint32_t value) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}
void store64(uint8_t* p, uint64_t value) {
    store32(p, static_cast<uint32_t>(value));
    store32(p + 4, static_cast<uint32_t>(value >> 32));
}

}  // namespace

uint32_t crc32c(const uint8_t* data, size_t size, uint32_t crc) {
    const auto& t = kCrc32c.table;
    crc = ~crc;
    while (size >= 8) {
        const uint32_t low = load32(data) ^ crc;
        const uint32_t high = load32(data + 4);
        crc = t[7][low & 0xff] ^ t[6][(low >> 8) & 0xff] ^ t[5][(low >> 16) & 0xff] ^ t[4][low >> 24] ^
              t[3][high & 0xff] ^ t[2][(high >> 8) & 0xff] ^ t[1][(high >> 16) & 0xff] ^ t[0][high >> 24];
        data += 8;
        size -= 8;
    }
    while (size-- > 0) crc = t[0][(crc ^ *data++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

// ---------------------------------------------------------------------------------------------
// Page records
// ---------------------------------------------------------------------------------------------

namespace {

constexpr uint8_t kRecordMagic[4] = {'K', 'L', 'O', 'G'};
constexpr uint8_t kManifestMagic[4] = {'K', 'M', 'A', 'N'};

bool validPageSize(uint32_t page_size) {
    return page_size >= 512 && page_size <= 65536 && (page_size & (page_size - 1)) == 0;
}

std::string hex(uint64_t value, int digits) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out(static_cast<size_t>(digits), '0');
    for (int i = digits - 1; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = kDigits[value & 15];
    return out;
}

// The value of exactly `digits` lowercase hex digits at text[from], or nullopt.
std::optional<uint64_t> parseHex(const std::string& text, size_t from, size_t digits) {
    if (text.size() < from + digits) return std::nullopt;
    uint64_t value = 0;
    for (size_t i = from; i < from + digits; ++i) {
        const char c = text[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0) return std::nullopt;
        value = value << 4 | static_cast<uint64_t>(digit);
    }
    return value;
}

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Bytes encodeRecord(const RecordHeader& header, const std::vector<PageView>& pages) {
    const size_t count = pages.size();
    Bytes out(kRecordOverhead + count * (4 + size_t{header.page_size}));
    uint8_t* p = out.data();
    std::memcpy(p, kRecordMagic, 4);
    store16(p + 4, kRecordFormatVersion);
    store16(p + 6, 0);
    store64(p + 8, header.sequence);
    store32(p + 16, header.page_size);
    store32(p + 20, static_cast<uint32_t>(count));
    store32(p + 24, header.database_pages);
    p += kRecordHeaderSize;
    for (const PageView& page : pages) {
        store32(p, page.number);
        p += 4;
    }
    for (const PageView& page : pages) {
        std::memcpy(p, page.bytes, header.page_size);
        p += header.page_size;
    }
    store32(p, crc32c(out.data(), out.size() - 4));
    return out;
}

std::optional<DecodedRecord> decodeRecord(const uint8_t* data, size_t size, std::string& problem) {
    if (size < kRecordOverhead) {
        problem = "cut short (" + std::to_string(size) + " bytes; a record has at least " +
                  std::to_string(kRecordOverhead) + ")";
        return std::nullopt;
    }
    if (std::memcmp(data, kRecordMagic, 4) != 0) {
        problem = "not a page record";
        return std::nullopt;
    }
    if (load16(data + 4) != kRecordFormatVersion || load16(data + 6) != 0) {
        problem = "unknown format version " + std::to_string(load16(data + 4)) + " or flags";
        return std::nullopt;
    }
    DecodedRecord record;
    record.header.sequence = load64(data + 8);
    record.header.page_size = load32(data + 16);
    const uint32_t count = load32(data + 20);
    record.header.database_pages = load32(data + 24);
    if (!validPageSize(record.header.page_size)) {
        problem = "invalid page size " + std::to_string(record.header.page_size);
        return std::nullopt;
    }
    // 64-bit arithmetic: a damaged count must not wrap around into a plausible length.
    const uint64_t expected = kRecordOverhead + uint64_t{count} * (4 + uint64_t{record.header.page_size});
    if (expected != size) {
        problem = "length " + std::to_string(size) + " does not match its header (" + std::to_string(expected) +
                  "): cut short or damaged";
        return std::nullopt;
    }
    if (crc32c(data, size - 4) != load32(data + size - 4)) {
        problem = "checksum mismatch";
        return std::nullopt;
    }
    record.pages.resize(count);
    const uint8_t* numbers = data + kRecordHeaderSize;
    const uint8_t* bytes = numbers + 4 * size_t{count};
    uint32_t previous = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t number = load32(numbers + 4 * size_t{i});
        if (number <= previous || number > record.header.database_pages) {
            problem = "page number " + std::to_string(number) + " out of order or past the database size";
            return std::nullopt;
        }
        record.pages[i] = {number, bytes + size_t{i} * record.header.page_size};
        previous = number;
    }
    return record;
}

// ---------------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------------

Bytes encodeManifest(const Manifest& manifest) {
    Bytes out(kManifestSize, 0);
    uint8_t* p = out.data();
    std::memcpy(p, kManifestMagic, 4);
    store16(p + 4, kRecordFormatVersion);
    store64(p + 8, manifest.generation);
    store64(p + 16, manifest.base_sequence);
    store32(p + 24, manifest.page_size);
    store32(p + 28, manifest.database_pages);
    store32(p + 32, manifest.chunk_pages);
    store32(p + 40, crc32c(p, 40));
    return out;
}

std::optional<Manifest> decodeManifest(const Bytes& bytes, std::string& problem) {
    const uint8_t* p = bytes.data();
    if (bytes.size() != kManifestSize || std::memcmp(p, kManifestMagic, 4) != 0) {
        problem = "not a manifest (" + std::to_string(bytes.size()) + " bytes)";
        return std::nullopt;
    }
    if (crc32c(p, 40) != load32(p + 40)) {
        problem = "checksum mismatch";
        return std::nullopt;
    }
    if (load16(p + 4) != kRecordFormatVersion || load16(p + 6) != 0 || load32(p + 36) != 0) {
        problem = "unknown format version " + std::to_string(load16(p + 4)) + " or flags";
        return std::nullopt;
    }
    Manifest manifest;
    manifest.generation = load64(p + 8);
    manifest.base_sequence = load64(p + 16);
    manifest.page_size = load32(p + 24);
    manifest.database_pages = load32(p + 28);
    manifest.chunk_pages = load32(p + 32);
    if (!validPageSize(manifest.page_size) || manifest.chunk_pages == 0 ||
        (manifest.generation == 0 && manifest.database_pages != 0)) {
        problem = "inconsistent fields";
        return std::nullopt;
    }
    return manifest;
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

std::string databasePrefix(const std::string& name) {
    return name + "/";
}
std::string manifestKey(const std::string& name) {
    return name + "/manifest";
}
std::string logPrefix(const std::string& name) {
    return name + "/log/";
}
std::string logKey(const std::string& name, uint64_t sequence) {
    return logPrefix(name) + hex(sequence, 16);
}
std::string basePrefix(const std::string& name) {
    return name + "/base/";
}

std::string baseChunkKey(const std::string& name, uint64_t generation, uint32_t chunk) {
    return basePrefix(name) + hex(generation, 16) + "/" + hex(chunk, 8);
}

std::optional<uint64_t> parseLogKey(const std::string& name, const std::string& key) {
    const std::string prefix = logPrefix(name);
    if (!startsWith(key, prefix) || key.size() != prefix.size() + 16) return std::nullopt;
    return parseHex(key, prefix.size(), 16);
}

std::optional<BaseChunkId> parseBaseChunkKey(const std::string& name, const std::string& key) {
    const std::string prefix = basePrefix(name);
    const size_t from = prefix.size();
    if (!startsWith(key, prefix) || key.size() != from + 16 + 1 + 8 || key[from + 16] != '/') return std::nullopt;
    const auto generation = parseHex(key, from, 16);
    const auto chunk = parseHex(key, from + 17, 8);
    if (!generation || !chunk) return std::nullopt;
    return BaseChunkId{*generation, static_cast<uint32_t>(*chunk)};
}

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

namespace {

void applyPages(const DecodedRecord& record, MemoryPager& pager) {
    for (const PageView& page : record.pages) pager.restorePage(page.number, page.bytes);
    pager.restorePageCount(record.header.database_pages);
}

}  // namespace

std::string loadBaseImage(const std::string& name, const Manifest& manifest, const std::vector<KvEntry>& chunks,
                          MemoryPager& pager) {
    if (pager.pageSize() != manifest.page_size) return "the base image's page size differs from the pager's";
    for (uint32_t chunk = 0; chunk < manifest.chunkCount(); ++chunk) {
        const std::string key = baseChunkKey(name, manifest.generation, chunk);
        const std::string what =
            "chunk " + std::to_string(chunk) + " of base image " + std::to_string(manifest.generation);
        auto found = std::lower_bound(chunks.begin(), chunks.end(), key,
                                      [](const KvEntry& entry, const std::string& k) { return entry.key < k; });
        if (found == chunks.end() || found->key != key) return what + " is missing";
        std::string problem;
        auto record = decodeRecord(found->value.data(), found->value.size(), problem);
        if (!record) return what + " is damaged: " + problem;
        const uint32_t first = chunk * manifest.chunk_pages + 1;
        const uint32_t last = std::min(first + manifest.chunk_pages - 1, manifest.database_pages);
        bool expected = record->header.sequence == manifest.base_sequence &&
                        record->header.page_size == manifest.page_size &&
                        record->header.database_pages == manifest.database_pages &&
                        record->pages.size() == size_t{last - first + 1};
        for (size_t i = 0; expected && i < record->pages.size(); ++i) expected = record->pages[i].number == first + i;
        if (!expected) return what + " does not belong to it";
        for (const PageView& page : record->pages) pager.restorePage(page.number, page.bytes);
    }
    pager.restorePageCount(manifest.database_pages);
    return {};
}

void applyLog(const std::string& name, const std::vector<KvEntry>& log, MemoryPager& pager, ReplayReport& report) {
    bool stopped = false;
    for (const KvEntry& entry : log) {
        const auto sequence = parseLogKey(name, entry.key);
        if (!sequence || *sequence <= report.last_sequence) continue;
        if (stopped) {
            report.dropped_keys.push_back(entry.key);
            continue;
        }
        std::string problem;
        std::optional<DecodedRecord> record;
        if (*sequence != report.last_sequence + 1) {
            problem = "record " + std::to_string(report.last_sequence + 1) + " is missing";
        } else if (!(record = decodeRecord(entry.value.data(), entry.value.size(), problem))) {
            problem = "record " + std::to_string(*sequence) + " is damaged: " + problem;
        } else if (record->header.sequence != *sequence || record->header.page_size != pager.pageSize()) {
            problem = "record " + std::to_string(*sequence) + " is stored under the wrong key or page size";
        }
        if (!problem.empty()) {
            stopped = true;
            report.stopped_because = problem;
            report.dropped_keys.push_back(entry.key);
            continue;
        }
        applyPages(*record, pager);
        report.last_sequence = *sequence;
        ++report.records_applied;
    }
}

// ---------------------------------------------------------------------------------------------
// Base images
// ---------------------------------------------------------------------------------------------

Bytes encodeBaseChunk(const PageSnapshot& snapshot, uint64_t base_sequence, uint32_t chunk_pages, uint32_t chunk) {
    const uint32_t first = chunk * chunk_pages + 1;
    const uint32_t last = std::min(first + chunk_pages - 1, snapshot.pageCount());
    std::vector<PageView> pages;
    pages.reserve(last - first + 1);
    for (uint32_t number = first; number <= last; ++number) pages.push_back({number, snapshot.page(number)});
    return encodeRecord({base_sequence, snapshot.page_size, snapshot.pageCount()}, pages);
}

KvWriteBatch switchBatch(const std::string& name, const Manifest& manifest,
                         const std::vector<std::string>& existing_keys) {
    KvWriteBatch batch;
    batch.push_back({KvWrite::Op::Put, manifestKey(name), encodeManifest(manifest)});
    for (const std::string& key : existing_keys) {
        bool obsolete = false;
        if (auto chunk = parseBaseChunkKey(name, key)) {
            obsolete = chunk->generation != manifest.generation || chunk->chunk >= manifest.chunkCount();
        } else if (auto sequence = parseLogKey(name, key)) {
            obsolete = *sequence <= manifest.base_sequence;
        }
        if (obsolete) batch.push_back({KvWrite::Op::Delete, key, {}});
    }
    return batch;
}

}  // namespace kiln::storage
