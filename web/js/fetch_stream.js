// Kiln's streamed HTTP requests: the JS half of src/platform/web/fetch_stream.cpp. One fetch per
// request, with an AbortController; the body is read chunk by chunk with its ReadableStream
// reader and each chunk is handed over as it arrives.
'use strict';

(function () {
  const controllers = new Map();  // request id -> AbortController, while it runs

  function describe(error) {
    return (error && (error.name ? error.name + ': ' : '') + (error.message || '')) || String(error);
  }

  window.kilnFetch = {
    // Starts a request. handlers: response(status, headersJson), data(Uint8Array), end(),
    // failed(kind, why) with kind 0 when no response came (fetch's TypeError: unreachable, CORS)
    // and 1 when the body broke off. Nothing is called back once abort(id) ran.
    start(id, method, url, headers, body, handlers) {
      const controller = new AbortController();
      controllers.set(id, controller);
      const live = () => controllers.get(id) === controller;
      const finish = () => controllers.delete(id);
      const fail = (kind, error) => {
        if (!live()) return;
        finish();
        handlers.failed(kind, describe(error));
      };
      (async () => {
        let response;
        try {
          response = await fetch(url, {
            method, headers, body: body || undefined, signal: controller.signal,
            credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store',
          });
        } catch (error) {
          fail(0, error);
          return;
        }
        if (!live()) return;
        const list = [];
        response.headers.forEach((value, name) => list.push([name, value]));
        handlers.response(response.status, JSON.stringify(list));
        try {
          if (response.body) {
            const reader = response.body.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (!live()) return;
              if (done) break;
              if (value.length) handlers.data(value);
              if (!live()) return;
            }
          } else {
            const bytes = new Uint8Array(await response.arrayBuffer());
            if (!live()) return;
            if (bytes.length) handlers.data(bytes);
          }
        } catch (error) {
          fail(1, error);
          return;
        }
        if (!live()) return;
        finish();
        handlers.end();
      })();
    },

    abort(id) {
      const controller = controllers.get(id);
      if (!controller) return;
      controllers.delete(id);
      controller.abort();
    },
  };
})();
