// The in-memory file under the VFS: reads, writes, truncation, change tracking, snapshots.
#include <gtest/gtest.h>

#include "core/storage/memory_pager.h"

using namespace kiln::storage;

namespace {

constexpr uint32_t kPageSize = 512;

std::vector<uint32_t> changedPages(const MemoryPager& pager) {
    return pager.changes().pages;
}

}  // namespace

TEST(MemoryPager, ReadsWhatWasWrittenAcrossPageBoundaries) {
    MemoryPager pager(kPageSize);
    std::vector<uint8_t> data(1300);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
    pager.write(300, data.data(), data.size());
    EXPECT_EQ(pager.size(), 1600u);
    EXPECT_EQ(pager.pageCount(), 4u);
    std::vector<uint8_t> back(1300);
    EXPECT_EQ(pager.read(300, back.data(), back.size()), 1300u);
    EXPECT_EQ(back, data);
    // The hole before the first write reads as zeros.
    std::vector<uint8_t> hole(300, 0xee);
    pager.read(0, hole.data(), hole.size());
    EXPECT_EQ(hole, std::vector<uint8_t>(300, 0));
}

TEST(MemoryPager, ReadingPastTheEndGivesZerosAndSaysHowMuchWasInside) {
    MemoryPager pager(kPageSize);
    const std::vector<uint8_t> data(100, 0xab);
    pager.write(0, data.data(), data.size());
    std::vector<uint8_t> out(150, 0xee);
    EXPECT_EQ(pager.read(50, out.data(), out.size()), 50u);
    EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 50), std::vector<uint8_t>(50, 0xab));
    EXPECT_EQ(std::vector<uint8_t>(out.begin() + 50, out.end()), std::vector<uint8_t>(100, 0));
    EXPECT_EQ(pager.read(1000, out.data(), 10), 0u);
}

TEST(MemoryPager, OnlyPagesWhoseBytesChangeAreDirty) {
    MemoryPager pager(kPageSize);
    std::vector<uint8_t> page(kPageSize, 1);
    for (uint32_t i = 0; i < 4; ++i) pager.write(uint64_t{i} * kPageSize, page.data(), page.size());
    EXPECT_EQ(changedPages(pager), (std::vector<uint32_t>{1, 2, 3, 4}));
    EXPECT_EQ(pager.changes().page_count, 4u);
    pager.clearChanges();
    EXPECT_FALSE(pager.hasChanges());

    pager.write(kPageSize, page.data(), page.size());  // the same bytes again
    EXPECT_FALSE(pager.hasChanges());
    const uint8_t two = 2;
    pager.write(3 * kPageSize + 10, &two, 1);
    pager.write(0, &two, 1);
    EXPECT_EQ(changedPages(pager), (std::vector<uint32_t>{1, 4}));
}

TEST(MemoryPager, ASizeChangeAloneIsAChange) {
    MemoryPager pager(kPageSize);
    std::vector<uint8_t> pages(3 * kPageSize, 5);
    pager.write(0, pages.data(), pages.size());
    pager.clearChanges();
    pager.truncate(kPageSize);
    EXPECT_TRUE(pager.hasChanges());
    EXPECT_TRUE(changedPages(pager).empty());
    EXPECT_EQ(pager.changes().page_count, 1u);
}

TEST(MemoryPager, TruncationDropsBytesSoTheyReadAsZeroWhenTheFileGrowsAgain) {
    MemoryPager pager(kPageSize);
    std::vector<uint8_t> pages(2 * kPageSize, 9);
    pager.write(0, pages.data(), pages.size());
    pager.clearChanges();
    pager.truncate(kPageSize + 100);
    EXPECT_EQ(changedPages(pager), std::vector<uint32_t>{2});  // its tail was cleared
    pager.truncate(2 * kPageSize);
    std::vector<uint8_t> tail(kPageSize - 100);
    pager.read(kPageSize + 100, tail.data(), tail.size());
    EXPECT_EQ(tail, std::vector<uint8_t>(tail.size(), 0));
}

TEST(MemoryPager, RestoringIsNotAChange) {
    MemoryPager pager(kPageSize);
    const std::vector<uint8_t> page(kPageSize, 3);
    pager.restorePage(3, page.data());
    EXPECT_EQ(pager.pageCount(), 3u);
    EXPECT_FALSE(pager.hasChanges());
    pager.restorePageCount(2);
    EXPECT_FALSE(pager.hasChanges());
    EXPECT_EQ(pager.size(), 2u * kPageSize);
}

TEST(MemoryPager, SnapshotsKeepTheirContentWhileThePagerMovesOn) {
    MemoryPager pager(kPageSize);
    std::vector<uint8_t> first(2 * kPageSize, 1);
    pager.write(0, first.data(), first.size());
    const PageSnapshot before = pager.snapshot();
    const std::vector<uint8_t> second(kPageSize, 2);
    pager.write(kPageSize, second.data(), second.size());
    pager.write(2 * kPageSize, second.data(), second.size());
    EXPECT_EQ(before.pageCount(), 2u);
    EXPECT_EQ(before.size, 2u * kPageSize);
    EXPECT_EQ(before.page(2)[0], 1);
    EXPECT_EQ(pager.page(2)[0], 2);
    // A pager restored from the snapshot shares its pages, and writing to it copies them.
    MemoryPager other(kPageSize);
    other.restore(before);
    other.write(0, second.data(), 1);
    EXPECT_EQ(before.page(1)[0], 1);
    EXPECT_EQ(other.page(1)[0], 2);
    EXPECT_EQ(pager.page(1)[0], 1);
}
