// Kiln: HTTP requests whose answers stream, through the browser's fetch (the JS half is
// web/js/fetch_stream.js). Implements app::HttpClient: the status and headers come first, then
// each chunk of the body as the ReadableStream reader hands it over, then the end or a failure.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/generation.h"

namespace kiln::web {

class FetchClient : public app::HttpClient {
public:
    // `wake` runs after every callback (each chunk included), to draw what it changed.
    explicit FetchClient(std::function<void()> wake);
    ~FetchClient() override;

    // fetch() with an AbortController, credentials omitted and no referrer. A fetch that fails
    // before any response (a TypeError: unreachable host, DNS, CORS refused) is Unreachable; a
    // body that breaks off is Dropped; an aborted request calls nothing back. A request that
    // carries a key (request.key_origin, or an Authorization header) is Refused, unsent, unless
    // new URL(url).origin is request.key_origin; it never follows a redirect.
    uint64_t send(const codegen::HttpRequest& request, app::HttpCallbacks callbacks) override;
    void abort(uint64_t id) override;
};

// Milliseconds on the page's monotonic clock (performance.now()).
int64_t monotonicMs();
// The browser's origin of url (new URL(url).origin) when it is an absolute http(s) URL, else "":
// the app's OriginOf (app/generation.h).
std::string urlOrigin(const std::string& url);
// The page's origin, e.g. "https://kiln.example" (for messages about CORS).
std::string pageOrigin();

}  // namespace kiln::web
