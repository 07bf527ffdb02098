// The preview origin's service worker: keeps the preview's host page (index.html, host.js) so
// that Kiln previews offline too. Registered by host.js only where the host is served from an
// origin of its own (on Kiln's origin, Kiln's worker, web/sw.js, already keeps it).
//
// A request is answered from the cache at once and the cache refreshed from the network behind
// it, so a new host takes over from the next load; the host speaks a versioned protocol with
// Kiln's page (host.js), so an older host meeting a newer Kiln is fine.
'use strict';

const kCache = 'kiln-preview-host';
const kFiles = ['./', 'host.js'];
const scope = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(kCache).then((cache) => cache.addAll(kFiles.map((file) => new Request(new URL(file, scope), { cache: 'no-cache' })))));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

// The cached copy of a request for one of the host's files, or null for anything else.
function keyOf(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== scope.origin) return null;
  const path = url.pathname.slice(scope.pathname.length);
  if (path === '' || path === 'index.html') return new URL('./', scope).href;
  return path === 'host.js' ? new URL('host.js', scope).href : null;
}

self.addEventListener('fetch', (event) => {
  const key = keyOf(event.request);
  if (key === null) return;
  event.respondWith((async () => {
    const cache = await caches.open(kCache);
    const refresh = fetch(key, { cache: 'no-cache' }).then(async (response) => {
      if (response.ok) await cache.put(key, response.clone());
      return response;
    });
    const cached = await cache.match(key);
    if (cached) {
      event.waitUntil(refresh.catch(() => {}));
      return cached;
    }
    return refresh;
  })());
});
