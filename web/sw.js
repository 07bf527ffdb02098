// Kiln's service worker: the app shell, precached, so that after one visit Kiln starts and works
// without the network.
//
// sw-manifest.js, written at build time (cmake/sw_manifest.cmake), lists every file of the shell
// with its SHA-256, and the build's version, a hash of them all. The browser compares it byte for
// byte on each update check, so any change to any file makes a new worker.
//
// Atomic updates. Each version has its own cache, filled completely while its worker installs,
// with every file checked against the manifest: if the server changes under the download (a new
// kiln.js beside an old kiln.wasm), the install fails, the running version stays, and the next
// update check tries again. A page is served from the cache of the worker that controls it only,
// so it never mixes two versions. A new worker waits until the page asks it to take over (the
// user chose Reload: web/js/boot.js) or until no tab runs the old version any more; once active,
// it deletes the other versions' caches.
'use strict';

importScripts('sw-manifest.js');

const { version, files } = self.kilnManifest;
const kCachePrefix = 'kiln-shell-';
const kCache = kCachePrefix + version;
const scope = new URL(self.registration.scope);

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function precacheFile(cache, path) {
  const url = new URL(path, scope);
  // Revalidated with the server: an HTTP-cached copy of another version would fail the check.
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${path}: the server answered ${response.status}`);
  const digest = hex(await crypto.subtle.digest('SHA-256', await response.clone().arrayBuffer()));
  if (digest !== files[path]) throw new Error(`${path} is not the file of version ${version}: the server is mid-update`);
  await cache.put(url, response);
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(kCache);
    try {
      await Promise.all(Object.keys(files).map((path) => precacheFile(cache, path)));
    } catch (error) {
      await caches.delete(kCache); // a later attempt starts from nothing
      throw error;
    }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(kCachePrefix) && name !== kCache) await caches.delete(name);
    }
    // The first visit's page comes under the worker at once, so its later requests (the preview's
    // host page) are served offline too.
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'kiln:skip-waiting') self.skipWaiting();
});

// The path of a request inside the shell, or null for anything else (other origins, the
// code-generation endpoint, files not in the manifest), which goes to the network untouched.
function shellPath(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  const path = url.pathname.slice(scope.pathname.length);
  // A folder's page: Kiln's own, and the preview's host on Kiln's origin (preview/).
  if ((path === '' || path.endsWith('/')) && request.mode === 'navigate') {
    return Object.hasOwn(files, path + 'index.html') ? path + 'index.html' : null;
  }
  return Object.hasOwn(files, path) ? path : null;
}

self.addEventListener('fetch', (event) => {
  const path = shellPath(event.request);
  if (path === null) return;
  event.respondWith((async () => {
    const cache = await caches.open(kCache);
    // Missing only if the browser evicted the cache, which takes all of it: the network then
    // serves one consistent version.
    return (await cache.match(new URL(path, scope))) ?? fetch(event.request);
  })());
});
