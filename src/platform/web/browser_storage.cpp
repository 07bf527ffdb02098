// Kiln: browser storage information. Callbacks travel through JS as heap-allocated functions
// that the exported function they come back to deletes.
#include "platform/web/browser_storage.h"

#include <emscripten.h>
#include <emscripten/eventloop.h>

#include <memory>

namespace kiln::web {

namespace {

using EstimateDone = std::function<void(std::optional<StorageEstimate>)>;
using PersistDone = std::function<void(bool)>;

std::function<void()>& retryMoment() {
    static std::function<void()> instance;
    return instance;
}

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
EM_JS(void, storage_estimate, (void* done), {
    kilnIdb.estimate().then(function(estimate) {
        _kiln_storage_estimated(done, estimate ? 1 : 0, estimate ? estimate.usage : 0, estimate ? estimate.quota : 0);
    });
});

EM_JS(void, storage_persist, (void* done), {
    kilnIdb.persist().then(function(persisted) { _kiln_storage_persisted(done, persisted ? 1 : 0); });
});

EM_JS(void, storage_listen, (), {
    window.addEventListener('online', function() { _kiln_storage_retry(); });
    document.addEventListener('visibilitychange', function() {
        if (document.visibilityState === 'visible') _kiln_storage_retry();
    });
});
// clang-format on

void runOnce(void* callback) {
    std::unique_ptr<std::function<void()>> owned(static_cast<std::function<void()>*>(callback));
    (*owned)();
}

}  // namespace

void estimateStorage(EstimateDone done) {
    storage_estimate(new EstimateDone(std::move(done)));
}

void requestPersistence(PersistDone done) {
    storage_persist(new PersistDone(std::move(done)));
}

void onStorageRetryMoments(std::function<void()> moment) {
    retryMoment() = std::move(moment);
    storage_listen();
}

void afterDelay(double delay_ms, std::function<void()> callback) {
    emscripten_set_timeout(runOnce, delay_ms, new std::function<void()>(std::move(callback)));
}

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE void kiln_storage_estimated(void* done, int known, double used, double quota) {
    std::unique_ptr<kiln::web::EstimateDone> owned(static_cast<kiln::web::EstimateDone*>(done));
    std::optional<kiln::web::StorageEstimate> estimate;
    if (known) estimate = kiln::web::StorageEstimate{static_cast<uint64_t>(used), static_cast<uint64_t>(quota)};
    (*owned)(estimate);
}

EMSCRIPTEN_KEEPALIVE void kiln_storage_persisted(void* done, int persisted) {
    std::unique_ptr<kiln::web::PersistDone> owned(static_cast<kiln::web::PersistDone*>(done));
    (*owned)(persisted != 0);
}

EMSCRIPTEN_KEEPALIVE void kiln_storage_retry() {
    if (kiln::web::retryMoment()) kiln::web::retryMoment()();
}

}  // extern "C"
