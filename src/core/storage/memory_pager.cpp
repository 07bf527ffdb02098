#include "core/storage/memory_pager.h"

#include <algorithm>
#include <cstring>

namespace kiln::storage {

MemoryPager::MemoryPager(uint32_t page_size) : page_size_(page_size) {}

size_t MemoryPager::read(uint64_t offset, void* out, size_t count) const {
    auto* target = static_cast<uint8_t*>(out);
    const size_t inside = offset >= size_ ? 0 : static_cast<size_t>(std::min<uint64_t>(count, size_ - offset));
    size_t done = 0;
    while (done < inside) {
        const uint64_t at = offset + done;
        const uint32_t index = static_cast<uint32_t>(at / page_size_);
        const uint32_t within = static_cast<uint32_t>(at % page_size_);
        const size_t piece = std::min<size_t>(inside - done, page_size_ - within);
        std::memcpy(target + done, pages_[index]->data() + within, piece);
        done += piece;
    }
    std::memset(target + inside, 0, count - inside);
    return inside;
}

void MemoryPager::write(uint64_t offset, const void* data, size_t count) {
    const auto* source = static_cast<const uint8_t*>(data);
    if (offset + count > size_) {
        resizePages(offset + count);
        size_ = offset + count;
    }
    size_t done = 0;
    while (done < count) {
        const uint64_t at = offset + done;
        const uint32_t index = static_cast<uint32_t>(at / page_size_);
        const uint32_t within = static_cast<uint32_t>(at % page_size_);
        const size_t piece = std::min<size_t>(count - done, page_size_ - within);
        // SQLite rewrites whole pages of which often only a few bytes differ, and sometimes none:
        // comparing first keeps unchanged pages out of the log.
        if (std::memcmp(pages_[index]->data() + within, source + done, piece) != 0) {
            std::memcpy(writablePage(index).data() + within, source + done, piece);
            dirty_[index] = true;
            any_dirty_ = true;
        }
        done += piece;
    }
}

void MemoryPager::truncate(uint64_t size) {
    if (size < size_ && size % page_size_ != 0) {
        // The tail of the new last page must read as zero if the file grows again.
        const uint32_t index = static_cast<uint32_t>(size / page_size_);
        const uint32_t within = static_cast<uint32_t>(size % page_size_);
        const Page& page = *pages_[index];
        if (std::any_of(page.begin() + within, page.end(), [](uint8_t byte) { return byte != 0; })) {
            Page& writable = writablePage(index);
            std::fill(writable.begin() + within, writable.end(), 0);
            dirty_[index] = true;
            any_dirty_ = true;
        }
    }
    resizePages(size);
    size_ = size;
}

bool MemoryPager::hasChanges() const {
    return any_dirty_ || size_ != committed_size_;
}

PageChanges MemoryPager::changes() const {
    PageChanges changes;
    changes.page_count = pageCount();
    if (any_dirty_) {
        for (uint32_t index = 0; index < dirty_.size(); ++index) {
            if (dirty_[index]) changes.pages.push_back(index + 1);
        }
    }
    return changes;
}

void MemoryPager::restorePage(uint32_t number, const uint8_t* bytes) {
    // A new page made from the bytes: nothing is written twice (zeros, then the bytes), and no
    // snapshot can share it. Replaying a large database is mostly this.
    auto page = std::make_shared<Page>(bytes, bytes + page_size_);
    if (number > pageCount()) {
        restorePageCount(number - 1);
        pages_.push_back(std::move(page));
        dirty_.push_back(false);
        restorePageCount(number);
    } else {
        pages_[number - 1] = std::move(page);
        dirty_[number - 1] = false;
    }
}

void MemoryPager::restorePageCount(uint32_t page_count) {
    resizePages(uint64_t{page_count} * page_size_);
    size_ = uint64_t{page_count} * page_size_;
    committed_size_ = size_;
}

void MemoryPager::restore(const PageSnapshot& snapshot) {
    page_size_ = snapshot.page_size;
    size_ = snapshot.size;
    pages_.assign(snapshot.pages.size(), nullptr);
    for (size_t index = 0; index < pages_.size(); ++index) {
        // The const is the snapshot's promise; writablePage() copies any page it shares before
        // writing, so the snapshot's pages are never written through this pointer.
        pages_[index] = std::const_pointer_cast<Page>(snapshot.pages[index]);
    }
    clearChanges();
}

PageSnapshot MemoryPager::snapshot() const {
    PageSnapshot snapshot;
    snapshot.page_size = page_size_;
    snapshot.size = size_;
    snapshot.pages.assign(pages_.begin(), pages_.end());
    return snapshot;
}

std::vector<uint8_t> MemoryPager::contents() const {
    std::vector<uint8_t> bytes(static_cast<size_t>(size_));
    read(0, bytes.data(), bytes.size());
    return bytes;
}

Page& MemoryPager::writablePage(uint32_t index) {
    std::shared_ptr<Page>& page = pages_[index];
    if (page.use_count() > 1) page = std::make_shared<Page>(*page);
    return *page;
}

void MemoryPager::resizePages(uint64_t size) {
    const size_t count = static_cast<size_t>((size + page_size_ - 1) / page_size_);
    const size_t old_count = pages_.size();
    pages_.resize(count);
    for (size_t index = old_count; index < count; ++index) pages_[index] = std::make_shared<Page>(page_size_, 0);
    dirty_.resize(count, false);
}

void MemoryPager::clearChanges() {
    dirty_.assign(pages_.size(), false);
    any_dirty_ = false;
    committed_size_ = size_;
}

}  // namespace kiln::storage
