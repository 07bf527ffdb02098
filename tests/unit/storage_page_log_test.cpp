// The page log's formats and rules: records, manifests, keys, replay and the compaction switch.
#include <gtest/gtest.h>

#include <random>

#include "core/storage/page_log.h"

using namespace kiln::storage;

namespace {

constexpr uint32_t kPageSize = 512;

// A page whose every byte says which page and which version of it this is.
Bytes pageBytes(uint32_t number, uint8_t version) {
    Bytes page(kPageSize);
    for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<uint8_t>(number * 31 + version * 7 + i);
    return page;
}

Bytes record(uint64_t sequence, uint32_t database_pages, const std::vector<uint32_t>& numbers, uint8_t version) {
    std::vector<Bytes> pages;
    std::vector<PageView> views;
    for (uint32_t number : numbers) pages.push_back(pageBytes(number, version));
    for (size_t i = 0; i < numbers.size(); ++i) views.push_back({numbers[i], pages[i].data()});
    return encodeRecord({sequence, kPageSize, database_pages}, views);
}

std::string decodeProblem(const Bytes& bytes) {
    std::string problem;
    EXPECT_FALSE(decodeRecord(bytes.data(), bytes.size(), problem)) << "accepted";
    return problem;
}

// Replays `log` (key -> record) over an empty base and returns the pager.
MemoryPager replayed(const std::vector<KvEntry>& log, ReplayReport& report) {
    MemoryPager pager(kPageSize);
    applyLog("db", log, pager, report);
    return pager;
}

}  // namespace

TEST(PageLog, Crc32cMatchesTheStandardCheckValues) {
    const std::string digits = "123456789";
    EXPECT_EQ(crc32c(reinterpret_cast<const uint8_t*>(digits.data()), digits.size()), 0xE3069283u);
    const Bytes zeros(32, 0), ones(32, 0xff);
    EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
    EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
    // Continuing a checksum gives the checksum of the whole.
    const uint32_t head = crc32c(reinterpret_cast<const uint8_t*>(digits.data()), 4);
    EXPECT_EQ(crc32c(reinterpret_cast<const uint8_t*>(digits.data()) + 4, 5, head), 0xE3069283u);
}

TEST(PageLog, RecordRoundTripsEveryField) {
    const Bytes bytes = record(42, 9, {1, 3, 9}, 5);
    EXPECT_EQ(bytes.size(), kRecordOverhead + 3 * (4 + kPageSize));
    std::string problem;
    auto decoded = decodeRecord(bytes.data(), bytes.size(), problem);
    ASSERT_TRUE(decoded) << problem;
    EXPECT_EQ(decoded->header.sequence, 42u);
    EXPECT_EQ(decoded->header.page_size, kPageSize);
    EXPECT_EQ(decoded->header.database_pages, 9u);
    ASSERT_EQ(decoded->pages.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        const uint32_t number = std::vector<uint32_t>{1, 3, 9}[i];
        EXPECT_EQ(decoded->pages[i].number, number);
        EXPECT_EQ(Bytes(decoded->pages[i].bytes, decoded->pages[i].bytes + kPageSize), pageBytes(number, 5));
    }
}

TEST(PageLog, RecordWithoutPagesRecordsASizeChange) {
    const Bytes bytes = record(7, 3, {}, 0);
    std::string problem;
    auto decoded = decodeRecord(bytes.data(), bytes.size(), problem);
    ASSERT_TRUE(decoded) << problem;
    EXPECT_TRUE(decoded->pages.empty());
    EXPECT_EQ(decoded->header.database_pages, 3u);
}

TEST(PageLog, RecordCutAtEveryLengthIsRejected) {
    const Bytes bytes = record(3, 4, {2, 4}, 1);
    for (size_t length = 0; length < bytes.size(); ++length) {
        std::string problem;
        EXPECT_FALSE(decodeRecord(bytes.data(), length, problem)) << "accepted a record cut to " << length;
        EXPECT_FALSE(problem.empty());
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_NE(decodeProblem(longer).find("length"), std::string::npos);
}

TEST(PageLog, RecordWithACorruptByteIsRejected) {
    const Bytes bytes = record(3, 4, {1, 2, 4}, 2);
    std::mt19937 random(20240601);
    std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
    std::uniform_int_distribution<int> flip(1, 255);
    for (int trial = 0; trial < 2000; ++trial) {
        Bytes damaged = bytes;
        const size_t at = position(random);
        damaged[at] ^= static_cast<uint8_t>(flip(random));
        std::string problem;
        EXPECT_FALSE(decodeRecord(damaged.data(), damaged.size(), problem)) << "byte " << at;
    }
    // Every single byte, too: CRC-32C catches any error within 32 consecutive bits.
    for (size_t at = 0; at < bytes.size(); ++at) {
        Bytes damaged = bytes;
        damaged[at] ^= 0x40;
        std::string problem;
        EXPECT_FALSE(decodeRecord(damaged.data(), damaged.size(), problem)) << "byte " << at;
    }
}

TEST(PageLog, RecordFieldsAreCheckedEvenUnderAValidChecksum) {
    EXPECT_NE(decodeProblem(record(1, 4, {3, 2}, 0)).find("out of order"), std::string::npos);
    EXPECT_NE(decodeProblem(record(1, 4, {2, 2}, 0)).find("out of order"), std::string::npos);
    EXPECT_NE(decodeProblem(record(1, 2, {3}, 0)).find("past the database size"), std::string::npos);
    EXPECT_NE(decodeProblem(record(1, 2, {0}, 0)).find("page number 0"), std::string::npos);
    Bytes other_magic = record(1, 1, {1}, 0);
    other_magic[0] = 'X';
    EXPECT_EQ(decodeProblem(other_magic), "not a page record");
    const Bytes odd_size = encodeRecord({1, 1000, 0}, {});
    EXPECT_NE(decodeProblem(odd_size).find("page size"), std::string::npos);
}

TEST(PageLog, ManifestRoundTripsAndRejectsDamage) {
    Manifest manifest;
    manifest.generation = 3;
    manifest.base_sequence = 77;
    manifest.page_size = 4096;
    manifest.database_pages = 1000;
    manifest.chunk_pages = 256;
    EXPECT_EQ(manifest.chunkCount(), 4u);
    const Bytes bytes = encodeManifest(manifest);
    ASSERT_EQ(bytes.size(), kManifestSize);
    std::string problem;
    auto decoded = decodeManifest(bytes, problem);
    ASSERT_TRUE(decoded) << problem;
    EXPECT_EQ(decoded->generation, 3u);
    EXPECT_EQ(decoded->base_sequence, 77u);
    EXPECT_EQ(decoded->page_size, 4096u);
    EXPECT_EQ(decoded->database_pages, 1000u);
    EXPECT_EQ(decoded->chunk_pages, 256u);
    for (size_t length = 0; length < bytes.size(); ++length) {
        EXPECT_FALSE(decodeManifest(Bytes(bytes.begin(), bytes.begin() + length), problem)) << length;
    }
    for (size_t at = 0; at < bytes.size(); ++at) {
        Bytes damaged = bytes;
        damaged[at] ^= 0x01;
        EXPECT_FALSE(decodeManifest(damaged, problem)) << "byte " << at;
    }
}

TEST(PageLog, KeysSortInNumberOrderAndParseBack) {
    EXPECT_EQ(logKey("db", 1), "db/log/0000000000000001");
    EXPECT_LT(logKey("db", 9), logKey("db", 10));
    EXPECT_LT(logKey("db", 0xff), logKey("db", 0x100));
    EXPECT_EQ(parseLogKey("db", logKey("db", 123456789)), 123456789u);
    EXPECT_FALSE(parseLogKey("db", logKey("other", 1)));
    EXPECT_FALSE(parseLogKey("db", "db/log/00000000000000X1"));
    EXPECT_FALSE(parseLogKey("db", "db/log/1"));
    EXPECT_EQ(baseChunkKey("db", 2, 17), "db/base/0000000000000002/00000011");
    auto chunk = parseBaseChunkKey("db", baseChunkKey("db", 2, 17));
    ASSERT_TRUE(chunk);
    EXPECT_EQ(chunk->generation, 2u);
    EXPECT_EQ(chunk->chunk, 17u);
    EXPECT_FALSE(parseBaseChunkKey("db", logKey("db", 2)));
    // Every key of the database falls in its prefix range, and no key of "db2" does.
    const std::string begin = databasePrefix("db"), end = prefixEnd(begin);
    for (const std::string& key : {manifestKey("db"), logKey("db", 5), baseChunkKey("db", 1, 0)}) {
        EXPECT_TRUE(key >= begin && key < end) << key;
    }
    EXPECT_FALSE(manifestKey("db2") >= begin && manifestKey("db2") < end);
    // A refresh reads the records after a point and the manifest in one scan up to the end.
    EXPECT_GE(manifestKey("db"), prefixEnd(logPrefix("db")));
    EXPECT_LT(basePrefix("db"), logPrefix("db"));
}

TEST(PageLog, ReplayAppliesRecordsInSequenceOrder) {
    ReplayReport report;
    MemoryPager pager = replayed({{logKey("db", 1), record(1, 3, {1, 2, 3}, 1)},
                                  {logKey("db", 2), record(2, 3, {2}, 2)},
                                  {logKey("db", 3), record(3, 4, {4}, 3)}},
                                 report);
    EXPECT_EQ(report.last_sequence, 3u);
    EXPECT_EQ(report.records_applied, 3u);
    EXPECT_TRUE(report.stopped_because.empty());
    EXPECT_TRUE(report.dropped_keys.empty());
    ASSERT_EQ(pager.pageCount(), 4u);
    EXPECT_EQ(Bytes(pager.page(1), pager.page(1) + kPageSize), pageBytes(1, 1));
    EXPECT_EQ(Bytes(pager.page(2), pager.page(2) + kPageSize), pageBytes(2, 2));
    EXPECT_EQ(Bytes(pager.page(3), pager.page(3) + kPageSize), pageBytes(3, 1));
    EXPECT_EQ(Bytes(pager.page(4), pager.page(4) + kPageSize), pageBytes(4, 3));
    EXPECT_FALSE(pager.hasChanges());
}

TEST(PageLog, ReplayFollowsTheDatabaseSizeDownAndUp) {
    ReplayReport report;
    MemoryPager pager = replayed({{logKey("db", 1), record(1, 4, {1, 2, 3, 4}, 1)},
                                  {logKey("db", 2), record(2, 2, {1}, 2)},
                                  {logKey("db", 3), record(3, 3, {}, 0)}},
                                 report);
    ASSERT_EQ(pager.pageCount(), 3u);
    // A page that came back after a truncation is zero, not what it held before.
    EXPECT_EQ(Bytes(pager.page(3), pager.page(3) + kPageSize), Bytes(kPageSize, 0));
}

TEST(PageLog, ReplayStopsAtAGapAndReportsWhatItDropped) {
    ReplayReport report;
    MemoryPager pager = replayed({{logKey("db", 1), record(1, 1, {1}, 1)},
                                  {logKey("db", 2), record(2, 1, {1}, 2)},
                                  {logKey("db", 4), record(4, 1, {1}, 4)},
                                  {logKey("db", 5), record(5, 1, {1}, 5)}},
                                 report);
    EXPECT_EQ(report.last_sequence, 2u);
    EXPECT_NE(report.stopped_because.find("record 3 is missing"), std::string::npos) << report.stopped_because;
    EXPECT_EQ(report.dropped_keys, (std::vector<std::string>{logKey("db", 4), logKey("db", 5)}));
    EXPECT_EQ(Bytes(pager.page(1), pager.page(1) + kPageSize), pageBytes(1, 2));
}

TEST(PageLog, ReplayDropsATornTailKeepingTheStateBeforeIt) {
    Bytes torn = record(3, 2, {1, 2}, 3);
    torn.resize(torn.size() / 2);
    ReplayReport report;
    MemoryPager pager = replayed(
        {{logKey("db", 1), record(1, 2, {1, 2}, 1)}, {logKey("db", 2), record(2, 2, {2}, 2)}, {logKey("db", 3), torn}},
        report);
    EXPECT_EQ(report.last_sequence, 2u);
    EXPECT_NE(report.stopped_because.find("record 3 is damaged"), std::string::npos) << report.stopped_because;
    EXPECT_EQ(report.dropped_keys, std::vector<std::string>{logKey("db", 3)});
    EXPECT_EQ(Bytes(pager.page(1), pager.page(1) + kPageSize), pageBytes(1, 1));
    EXPECT_EQ(Bytes(pager.page(2), pager.page(2) + kPageSize), pageBytes(2, 2));
}

TEST(PageLog, ReplayRefusesARecordStoredUnderAnotherNumber) {
    ReplayReport report;
    replayed({{logKey("db", 1), record(1, 1, {1}, 1)}, {logKey("db", 2), record(7, 1, {1}, 2)}}, report);
    EXPECT_EQ(report.last_sequence, 1u);
    EXPECT_NE(report.stopped_because.find("wrong key"), std::string::npos);
}

TEST(PageLog, ReplaySkipsRecordsTheBaseImageAlreadyHolds) {
    ReplayReport report;
    report.base_sequence = report.last_sequence = 5;
    MemoryPager pager(kPageSize);
    pager.restorePageCount(1);
    applyLog("db", {{logKey("db", 4), record(4, 1, {1}, 4)}, {logKey("db", 6), record(6, 1, {1}, 6)}}, pager, report);
    EXPECT_EQ(report.last_sequence, 6u);
    EXPECT_EQ(report.records_applied, 1u);
    EXPECT_EQ(Bytes(pager.page(1), pager.page(1) + kPageSize), pageBytes(1, 6));
}

TEST(PageLog, BaseImageLoadsFromChunksAndRejectsMissingOrForeignOnes) {
    MemoryPager source(kPageSize);
    for (uint32_t number = 1; number <= 10; ++number) {
        source.write((number - 1) * kPageSize, pageBytes(number, 9).data(), kPageSize);
    }
    const PageSnapshot snapshot = source.snapshot();
    Manifest manifest;
    manifest.generation = 4;
    manifest.base_sequence = 12;
    manifest.page_size = kPageSize;
    manifest.database_pages = 10;
    manifest.chunk_pages = 4;
    std::vector<KvEntry> chunks;
    for (uint32_t chunk = 0; chunk < manifest.chunkCount(); ++chunk) {
        chunks.push_back({baseChunkKey("db", 4, chunk), encodeBaseChunk(snapshot, 12, 4, chunk)});
    }
    ASSERT_EQ(chunks.size(), 3u);

    MemoryPager loaded(kPageSize);
    ASSERT_EQ(loadBaseImage("db", manifest, chunks, loaded), "");
    EXPECT_EQ(loaded.contents(), source.contents());
    EXPECT_FALSE(loaded.hasChanges());

    auto without_middle = chunks;
    without_middle.erase(without_middle.begin() + 1);
    MemoryPager partial(kPageSize);
    EXPECT_NE(loadBaseImage("db", manifest, without_middle, partial).find("chunk 1 of base image 4 is missing"),
              std::string::npos);

    auto stale = chunks;
    stale[2].value = encodeBaseChunk(snapshot, 11, 4, 2);  // from an image of another commit
    MemoryPager mixed(kPageSize);
    EXPECT_NE(loadBaseImage("db", manifest, stale, mixed).find("does not belong"), std::string::npos);

    auto cut = chunks;
    cut[0].value.pop_back();
    MemoryPager broken(kPageSize);
    EXPECT_NE(loadBaseImage("db", manifest, cut, broken).find("damaged"), std::string::npos);
}

TEST(PageLog, SwitchBatchPutsTheManifestAndDeletesOnlyWhatItObsoletes) {
    Manifest manifest;
    manifest.generation = 3;
    manifest.base_sequence = 20;
    manifest.page_size = kPageSize;
    manifest.database_pages = 5;
    manifest.chunk_pages = 4;  // two chunks
    const std::vector<std::string> existing = {
        manifestKey("db"),        baseChunkKey("db", 2, 0), baseChunkKey("db", 2, 1), baseChunkKey("db", 3, 0),
        baseChunkKey("db", 3, 1), baseChunkKey("db", 3, 2),  // left over from an earlier attempt
        baseChunkKey("db", 4, 0),                            // an unfinished later image
        logKey("db", 19),         logKey("db", 20),         logKey("db", 21),         "db/unknown",
    };
    const KvWriteBatch batch = switchBatch("db", manifest, existing);
    ASSERT_FALSE(batch.empty());
    EXPECT_EQ(batch[0].op, KvWrite::Op::Put);
    EXPECT_EQ(batch[0].key, manifestKey("db"));
    std::vector<std::string> deleted;
    for (size_t i = 1; i < batch.size(); ++i) {
        EXPECT_EQ(batch[i].op, KvWrite::Op::Delete);
        deleted.push_back(batch[i].key);
    }
    EXPECT_EQ(deleted,
              (std::vector<std::string>{baseChunkKey("db", 2, 0), baseChunkKey("db", 2, 1), baseChunkKey("db", 3, 2),
                                        baseChunkKey("db", 4, 0), logKey("db", 19), logKey("db", 20)}));
}
