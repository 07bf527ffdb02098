#include "app/messages.h"

#include <cstdio>

namespace kiln::app {

std::string storageErrorMessage(const storage::StorageError& error) {
    const std::string details = error.detail.empty() ? "" : " (" + error.detail + ")";
    switch (error.kind) {
        case storage::StorageErrorKind::QuotaExceeded:
            return "The browser's storage for Kiln is full" + details +
                   ", so the latest changes are kept only in this tab for now. Free some space or export the "
                   "database; saving resumes by itself once there is room.";
        case storage::StorageErrorKind::Unavailable:
            return "Kiln cannot use the browser's storage here" + details +
                   " (private windows and some embedded pages block it), so changes are kept only in this tab. "
                   "Export the database to keep them.";
        case storage::StorageErrorKind::Conflict:
            return "Another Kiln tab saved changes at the same moment, so this tab's latest changes could not be "
                   "saved. Export the database to keep them, then reload the page.";
        case storage::StorageErrorKind::Damaged:
            return "Kiln's saved data is damaged (" + error.detail +
                   "), so Kiln did not load it and changed nothing in it. Please report the problem; clearing this "
                   "site's data would start afresh but lose what was saved.";
        case storage::StorageErrorKind::Failed:
            break;
    }
    return "Saving to the browser's storage failed" + details +
           ", so the latest changes are kept only in this tab for now; saving is tried again with the next "
           "change. Export the database if this goes on.";
}

std::string formatBytes(uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " bytes";
    char text[32];
    if (bytes >= (uint64_t{1} << 30)) {
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1 << 30));
    } else if (bytes >= (uint64_t{1} << 20)) {
        std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
    } else {
        std::snprintf(text, sizeof text, "%.0f KB", static_cast<double>(bytes) / 1024);
    }
    return text;
}

}  // namespace kiln::app
