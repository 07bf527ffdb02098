#include "platform/web/fetch_stream.h"

#include <emscripten.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

namespace kiln::web {

namespace {

struct Requests {
    uint64_t next_id = 1;
    // Shared, so that a callback that aborts its own request does not destroy itself.
    std::map<uint64_t, std::shared_ptr<app::HttpCallbacks>> active;
    std::function<void()> wake;
};

Requests& requests() {
    static Requests instance;
    return instance;
}

std::shared_ptr<app::HttpCallbacks> find(uint64_t id) {
    auto it = requests().active.find(id);
    return it == requests().active.end() ? nullptr : it->second;
}

void wake() {
    if (requests().wake) requests().wake();
}

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
EM_JS(void, fetch_start, (int id, const char* method, const char* url, const char* headers_json, const char* body,
                          size_t body_size, const char* key_origin), {
    kilnFetch.start(id, UTF8ToString(method), UTF8ToString(url), JSON.parse(UTF8ToString(headers_json)),
                    body_size ? HEAPU8.slice(body, body + body_size) : null, UTF8ToString(key_origin), {
        response: function(status, headers) {
            var text = allocateUTF8(headers);
            _kiln_fetch_response(id, status, text);
            _free(text);
        },
        data: function(bytes) {
            var at = _malloc(bytes.length);  // may grow memory: HEAPU8 after it
            HEAPU8.set(bytes, at);
            _kiln_fetch_data(id, at, bytes.length);
            _free(at);
        },
        end: function() { _kiln_fetch_end(id); },
        failed: function(kind, why) {
            var text = allocateUTF8(why);
            _kiln_fetch_failed(id, kind, text);
            _free(text);
        },
    });
});

EM_JS(void, fetch_abort, (int id), { kilnFetch.abort(id); });

EM_JS(double, fetch_now, (), { return performance.now(); });

EM_JS(char*, fetch_origin, (), { return allocateUTF8(location.origin); });

EM_JS(char*, fetch_url_origin, (const char* url), { return allocateUTF8(kilnFetch.originOf(UTF8ToString(url))); });
// clang-format on

}  // namespace

FetchClient::FetchClient(std::function<void()> wake) {
    requests().wake = std::move(wake);
}

FetchClient::~FetchClient() {
    for (const auto& [id, callbacks] : requests().active) fetch_abort(static_cast<int>(id));
    requests().active.clear();
}

uint64_t FetchClient::send(const codegen::HttpRequest& request, app::HttpCallbacks callbacks) {
    const uint64_t id = requests().next_id++;
    requests().active[id] = std::make_shared<app::HttpCallbacks>(std::move(callbacks));
    const std::string headers = nlohmann::json(request.headers).dump();
    fetch_start(static_cast<int>(id), request.method.c_str(), request.url.c_str(), headers.c_str(), request.body.data(),
                request.body.size(), request.key_origin.c_str());
    return id;
}

void FetchClient::abort(uint64_t id) {
    if (requests().active.erase(id) > 0) fetch_abort(static_cast<int>(id));
}

int64_t monotonicMs() {
    return static_cast<int64_t>(fetch_now());
}

std::string urlOrigin(const std::string& url) {
    char* origin = fetch_url_origin(url.c_str());
    std::string text(origin);
    free(origin);
    return text;
}

std::string pageOrigin() {
    char* origin = fetch_origin();
    std::string text(origin);
    free(origin);
    return text;
}

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE void kiln_fetch_response(int id, int status, const char* headers_json) {
    std::shared_ptr<kiln::app::HttpCallbacks> callbacks = kiln::web::find(id);
    if (!callbacks) return;
    kiln::app::HttpHeaders headers;
    const nlohmann::json list = nlohmann::json::parse(headers_json, nullptr, false);
    if (list.is_array()) headers = list.get<kiln::app::HttpHeaders>();
    callbacks->response(status, headers);
    kiln::web::wake();
}

EMSCRIPTEN_KEEPALIVE void kiln_fetch_data(int id, const char* bytes, size_t size) {
    std::shared_ptr<kiln::app::HttpCallbacks> callbacks = kiln::web::find(id);
    if (!callbacks) return;
    callbacks->data(std::string_view(bytes, size));
    kiln::web::wake();
}

EMSCRIPTEN_KEEPALIVE void kiln_fetch_end(int id) {
    std::shared_ptr<kiln::app::HttpCallbacks> callbacks = kiln::web::find(id);
    if (!callbacks) return;
    kiln::web::requests().active.erase(id);
    callbacks->end();
    kiln::web::wake();
}

EMSCRIPTEN_KEEPALIVE void kiln_fetch_failed(int id, int kind, const char* detail) {
    std::shared_ptr<kiln::app::HttpCallbacks> callbacks = kiln::web::find(id);
    if (!callbacks) return;
    kiln::web::requests().active.erase(id);
    callbacks->failed(kind == 0   ? kiln::app::HttpFailure::Unreachable
                      : kind == 2 ? kiln::app::HttpFailure::Refused
                                  : kiln::app::HttpFailure::Dropped,
                      detail);
    kiln::web::wake();
}

}  // extern "C"
