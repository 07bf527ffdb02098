// Kiln: IndexedDbBackend. Each operation is a Request on the heap whose address idb.js carries
// through its callback; the answer is copied straight into the Request (values into buffers C++
// allocated for them), then kiln_idb_done() finishes it.
#include "platform/web/indexeddb_backend.h"

#include <emscripten.h>

#include <cstdint>
#include <vector>

namespace kiln::web {

namespace {

struct Request {
    std::weak_ptr<char> alive;  // the backend's: its answers are dropped once it is gone
    std::function<void()> after_answer;
    std::function<void(const storage::KvStatus&, Request&)> finish;
    std::optional<storage::Bytes> value;
    std::vector<storage::KvEntry> entries;
    std::vector<std::string> keys;
};

Request* newRequest(const std::weak_ptr<char>& alive, const std::function<void()>& after_answer) {
    auto* request = new Request;
    request->alive = alive;
    request->after_answer = after_answer;
    return request;
}

// One operation of a write batch, as idb_write() reads it from memory (wasm32: 16 bytes).
struct WriteView {
    uint32_t op;
    const char* key;
    const uint8_t* data;
    uint32_t size;
};
static_assert(sizeof(WriteView) == 16, "idb_write() reads four 32-bit fields");

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
// Defines Module.kilnIdbFinish(request, code, message), the one way answers come back.
EM_JS(void, idb_install, (), {
    Module.kilnIdbFinish = function(request, code, message) {
        var text = allocateUTF8(message || "");
        _kiln_idb_done(request, code, text);
        _free(text);
    };
});

EM_JS(int, idb_open, (const char* name), { return kilnIdb.open(UTF8ToString(name)); });

EM_JS(void, idb_get, (int handle, const char* key, void* request), {
    kilnIdb.get(handle, UTF8ToString(key), function(code, message, value) {
        if (value !== undefined) {
            var at = _kiln_idb_value(request, value.length);  // may grow memory: HEAPU8 after it
            HEAPU8.set(value, at);
        }
        Module.kilnIdbFinish(request, code, message);
    });
});

EM_JS(void, idb_scan, (int handle, const char* begin, const char* end, int with_values, void* request), {
    var onEntries = function(keys, values) {
        for (var i = 0; i < keys.length; i++) {
            var key = allocateUTF8(keys[i]);
            if (values) {
                var at = _kiln_idb_entry(request, key, values[i].length);  // may grow memory: HEAPU8 after it
                HEAPU8.set(values[i], at);
            } else {
                _kiln_idb_key(request, key);
            }
            _free(key);
        }
    };
    kilnIdb.scan(handle, UTF8ToString(begin), UTF8ToString(end), with_values !== 0, onEntries, function(code, message) {
        Module.kilnIdbFinish(request, code, message);
    });
});

EM_JS(void, idb_write, (int handle, const WriteView* ops, int count, const char* durability, void* request), {
    var list = [];
    for (var i = 0; i < count; i++) {
        var at = (ops >> 2) + i * 4;
        var op = HEAPU32[at];
        var data = HEAPU32[at + 2];
        // A copy of exactly these bytes: IndexedDB would clone the whole of a view's buffer.
        var value = op === kilnIdb.ops.remove ? undefined : HEAPU8.slice(data, data + HEAPU32[at + 3]);
        list.push({op: op, key: UTF8ToString(HEAPU32[at + 1]), value: value});
    }
    kilnIdb.write(handle, list, UTF8ToString(durability), function(code, message) {
        Module.kilnIdbFinish(request, code, message);
    });
});
// clang-format on

}  // namespace

IndexedDbBackend::IndexedDbBackend(IndexedDbOptions options) : options_(std::move(options)) {
    idb_install();
    handle_ = idb_open(options_.database.c_str());
}

IndexedDbBackend::~IndexedDbBackend() = default;

void IndexedDbBackend::get(const std::string& key, GetDone done) {
    Request* request = newRequest(alive_, options_.after_answer);
    request->finish = [done = std::move(done)](const storage::KvStatus& status, Request& answer) {
        done(status, status.ok() ? std::move(answer.value) : std::nullopt);
    };
    idb_get(handle_, key.c_str(), request);
}

void IndexedDbBackend::scan(const std::string& begin, const std::string& end, ScanDone done) {
    Request* request = newRequest(alive_, options_.after_answer);
    request->finish = [done = std::move(done)](const storage::KvStatus& status, Request& answer) {
        done(status, status.ok() ? std::move(answer.entries) : std::vector<storage::KvEntry>{});
    };
    idb_scan(handle_, begin.c_str(), end.c_str(), 1, request);
}

void IndexedDbBackend::listKeys(const std::string& begin, const std::string& end, KeysDone done) {
    Request* request = newRequest(alive_, options_.after_answer);
    request->finish = [done = std::move(done)](const storage::KvStatus& status, Request& answer) {
        done(status, status.ok() ? std::move(answer.keys) : std::vector<std::string>{});
    };
    idb_scan(handle_, begin.c_str(), end.c_str(), 0, request);
}

void IndexedDbBackend::write(storage::KvWriteBatch batch, WriteDone done) {
    static_assert(static_cast<int>(storage::KvWrite::Op::Put) == 0 &&
                      static_cast<int>(storage::KvWrite::Op::Insert) == 1 &&
                      static_cast<int>(storage::KvWrite::Op::Delete) == 2,
                  "idb.js numbers the operations put, insert, remove");
    std::vector<WriteView> views;
    views.reserve(batch.size());
    for (const storage::KvWrite& write : batch) {
        views.push_back({static_cast<uint32_t>(write.op), write.key.c_str(), write.value.data(),
                         static_cast<uint32_t>(write.value.size())});
    }
    Request* request = newRequest(alive_, options_.after_answer);
    request->finish = [done = std::move(done)](const storage::KvStatus& status, Request&) { done(status); };
    // idb_write copies every key and value before it returns: the batch may go.
    idb_write(handle_, views.data(), static_cast<int>(views.size()), options_.durability.c_str(), request);
}

}  // namespace kiln::web

// Called by idb.js (through the functions above) while it delivers an answer.
extern "C" {

EMSCRIPTEN_KEEPALIVE uint8_t* kiln_idb_value(void* request, uint32_t size) {
    auto& value = static_cast<kiln::web::Request*>(request)->value;
    value.emplace(size);
    return value->data();
}

EMSCRIPTEN_KEEPALIVE uint8_t* kiln_idb_entry(void* request, const char* key, uint32_t size) {
    auto& entries = static_cast<kiln::web::Request*>(request)->entries;
    entries.push_back({key, kiln::storage::Bytes(size)});
    return entries.back().value.data();
}

EMSCRIPTEN_KEEPALIVE void kiln_idb_key(void* request, const char* key) {
    static_cast<kiln::web::Request*>(request)->keys.emplace_back(key);
}

EMSCRIPTEN_KEEPALIVE void kiln_idb_done(void* request, int code, const char* message) {
    std::unique_ptr<kiln::web::Request> owned(static_cast<kiln::web::Request*>(request));
    if (owned->alive.expired()) return;
    const kiln::storage::KvStatus status{static_cast<kiln::storage::KvCode>(code), message};
    owned->finish(status, *owned);
    if (owned->after_answer) owned->after_answer();
}

}  // extern "C"
