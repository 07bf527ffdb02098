// Kiln's streamed HTTP requests: the JS half of src/platform/web/fetch_stream.cpp. One fetch per
// request, with an AbortController; the body is read chunk by chunk with its ReadableStream
// reader and each chunk is handed over as it arrives.
//
// Origins are the browser's own (new URL(url).origin), for Kiln's C++ too (kilnFetch.originOf):
// Kiln never works one out from the text of a URL. A request that carries a key names the
// origin the key was saved for; it leaves only if its URL's origin is that one, and it never
// follows a redirect (redirect: 'error'), so the key cannot be carried anywhere else.
'use strict';

(function () {
  const controllers = new Map();  // request id -> AbortController, while it runs

  function describe(error) {
    return (error && (error.name ? error.name + ': ' : '') + (error.message || '')) || String(error);
  }

  // The origin of an absolute http: or https: URL, as the browser would send a request there;
  // '' for anything else (relative, another scheme, not a URL).
  function originOf(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : '';
    } catch {
      return '';
    }
  }

  const carriesKey = (headers) => headers.some(([name]) => /^(authorization|x-api-key|api-key)$/i.test(name));

  window.kilnFetch = {
    originOf,


    // Starts a request. handlers: response(status, headersJson), data(Uint8Array), end(),
    // failed(kind, why) with kind 0 when no response came (fetch's TypeError: unreachable, CORS),
    // 1 when the body broke off, 2 when it was not sent: it carries a key (keyOrigin, or a key
    // header) and its URL's origin is not keyOrigin. Nothing is called back once abort(id) ran,
    // and nothing before start() returned.
    start(id, method, url, headers, body, keyOrigin, handlers) {
      const controller = new AbortController();
      controllers.set(id, controller);
      const live = () => controllers.get(id) === controller;
      const finish = () => controllers.delete(id);
      const fail = (kind, error) => {
        if (!live()) return;
        finish();
        handlers.failed(kind, describe(error));
      };
      const keyed = Boolean(keyOrigin) || carriesKey(headers);
      (async () => {
        await null;  // the callbacks come after start() returned
        if (!live()) return;
        if (keyed) {
          const target = originOf(url);
          if (!keyOrigin || target !== keyOrigin) {
            finish();
            handlers.failed(2, `Kiln did not send the request: it carries the API key saved for ${keyOrigin || 'no address'}, ` +
              `and would have gone to ${target || 'an address that is not an http(s) URL'}. Check the base URL in ` +
              'Settings, and enter the key for that address if it is the right one.');
            return;
          }
        }
        let response;
        try {
          response = await fetch(url, {
            method, headers, body: body || undefined, signal: controller.signal,
            credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store',
            // A redirect would take the key along to wherever it points.
            redirect: keyed ? 'error' : 'follow',
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
