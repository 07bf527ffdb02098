// Kiln: what the browser says about this site's storage, and the moments to try saving again.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

namespace kiln::web {

struct StorageEstimate {
    uint64_t used_bytes = 0;
    uint64_t quota_bytes = 0;
};

// Asks how much this site stores and may store (navigator.storage.estimate); `done` gets nothing
// if the browser cannot tell.
void estimateStorage(std::function<void(std::optional<StorageEstimate>)> done);
// Asks the browser to keep this site's storage when space runs low (navigator.storage.persist);
// `done` gets whether it will. Some browsers ask the user first.
void requestPersistence(std::function<void(bool persisted)> done);
// From now on, calls `moment` whenever storage may work again: the browser is back online, or
// the page became visible (the user came back, perhaps after freeing space). Call once.
void onStorageRetryMoments(std::function<void()> moment);
// Calls `callback` once, after `delay_ms`.
void afterDelay(double delay_ms, std::function<void()> callback);

}  // namespace kiln::web
