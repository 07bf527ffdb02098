// Kiln: a file held in memory as pages, which knows which pages changed since the last commit.
//
// Index
//   PageSnapshot   an immutable view of the file at one instant (shares pages, copies nothing)
//   PageChanges    what one commit changed: page numbers and the new size
//   MemoryPager    byte-addressed file: read, write, truncate; change tracking; restore; snapshot
//
// It sits under the SQLite VFS of memory_vfs.h: xWrite writes here and marks pages dirty, and the
// commit signal hands the dirty set to the page log. Pages are shared with snapshots and copied
// only when written while shared, so compaction and export never copy the whole database up front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kiln::storage {

using Page = std::vector<uint8_t>;

// SQLite's default page size, and Kiln's: the unit of change tracking and of the page log.
constexpr uint32_t kDefaultPageSize = 4096;

struct PageSnapshot {
    uint32_t page_size = 0;
    uint64_t size = 0;                               // bytes; the last page may be partly used
    std::vector<std::shared_ptr<const Page>> pages;  // page n is pages[n - 1]; never null

    uint32_t pageCount() const { return static_cast<uint32_t>(pages.size()); }
    const uint8_t* page(uint32_t number) const { return pages[number - 1]->data(); }
};

struct PageChanges {
    std::vector<uint32_t> pages;  // 1-based, ascending: pages whose bytes changed
    uint32_t page_count = 0;      // pages in the file after the change
};

class MemoryPager {
public:
    // page_size: the unit of change tracking; for a database, SQLite's page size.
    explicit MemoryPager(uint32_t page_size);

    uint32_t pageSize() const { return page_size_; }
    uint64_t size() const { return size_; }
    uint32_t pageCount() const { return static_cast<uint32_t>(pages_.size()); }
    // Page `number` (1-based, <= pageCount()): page_size bytes, zero past size().
    const uint8_t* page(uint32_t number) const { return pages_[number - 1]->data(); }

    // Copies `count` bytes from `offset` into out. Bytes past the end of the file read as zero;
    // returns how many bytes were inside the file.
    size_t read(uint64_t offset, void* out, size_t count) const;
    // Writes `count` bytes at `offset`, growing the file (with zeros in any hole) if needed.
    // Only pages whose bytes actually change are marked dirty.
    void write(uint64_t offset, const void* data, size_t count);
    // Sets the size; bytes past it are dropped (and read as zero if the file grows again).
    void truncate(uint64_t size);

    // True if any page changed, or the size did, since the last clearChanges() or restore.
    bool hasChanges() const;
    // The changes since the last clearChanges(): the pages of the next commit. The file must hold
    // whole pages (size a multiple of pageSize()).
    PageChanges changes() const;
    // Forgets the changes, once they are safely recorded elsewhere.
    void clearChanges();

    // Replacing the content without it counting as a change: replaying the log, importing,
    // taking in another writer's commits. Call them only while hasChanges() is false (no
    // transaction has written anything); it stays false.
    void restorePage(uint32_t number, const uint8_t* bytes);
    void restorePageCount(uint32_t page_count);
    void restore(const PageSnapshot& snapshot);

    // The file as it is now, sharing its pages; later writes to this pager do not show in it.
    PageSnapshot snapshot() const;
    // The whole file as one buffer (size() bytes).
    std::vector<uint8_t> contents() const;

private:
    Page& writablePage(uint32_t index);
    void resizePages(uint64_t size);

    uint32_t page_size_;
    uint64_t size_ = 0;
    std::vector<std::shared_ptr<Page>> pages_;
    std::vector<bool> dirty_;
    uint64_t committed_size_ = 0;
    bool any_dirty_ = false;
};

}  // namespace kiln::storage
