// The headers scripts/serve.mjs sends (docs/HOSTING.md gives the same for other servers): Kiln's
// page carries its CSP as a header, equal to its meta tag, and every response `nosniff` and
// `no-referrer`; the preview origin serves the preview host and nothing else of Kiln, with no
// CSP on the host page (the app's frame would inherit it) and a strict one on its scripts.
// No browser: plain HTTP requests against the release build.

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { engineFreeTests, releaseWebDir, startServer } from './harness.mjs';

// No browser: run once, not once per engine (harness.mjs).
const once = { skip: !engineFreeTests() && 'runs in the first engine\'s process' };

async function get(url) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

test('Kiln\'s origin: the CSP as a header equal to the meta tag, nosniff and no-referrer everywhere', once, async (t) => {
  const server = await startServer(releaseWebDir());
  t.after(() => server.stop());
  assert.ok(server.previewUrl, 'the server runs a preview origin');

  const page = await get(server.url);
  assert.equal(page.status, 200);
  const header = page.headers.get('content-security-policy');
  assert.ok(header, 'index.html has a Content-Security-Policy header');
  const meta = /<meta http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(page.body);
  assert.ok(meta, 'index.html has the CSP meta tag');
  assert.equal(header, meta[1]);
  // Kiln's page may frame only the preview origin, and runs only its own scripts.
  assert.match(header, new RegExp(`frame-src ${new URL(server.previewUrl).origin.replace(/[.]/g, '\\.')}(;|$)`));
  assert.match(header, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(header, /object-src 'none'/);
  assert.match(header, /base-uri 'none'/);

  for (const file of ['', 'kiln.js', 'kiln.wasm', 'sw.js', 'js/boot.js', 'kiln.css', 'no-such-file']) {
    const response = await get(server.url + file);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', file);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer', file);
  }
});

test('the preview origin serves the preview host and nothing else of Kiln', once, async (t) => {
  const server = await startServer(releaseWebDir());
  t.after(() => server.stop());
  const preview = server.previewUrl;
  assert.notEqual(new URL(preview).hostname, new URL(server.url).hostname, 'another site');

  const host = await get(preview);
  assert.equal(host.status, 200);
  assert.match(host.body, /<html/);
  assert.equal(host.headers.get('content-security-policy'), null, 'the app would inherit a CSP of its host');
  assert.equal(host.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(host.headers.get('referrer-policy'), 'no-referrer');
  // The host page is told which origin Kiln is, and takes code from nothing else.
  assert.match(host.body, new RegExp(new URL(server.url).origin.replace(/[.]/g, '\\.')));

  const script = await get(preview + 'host.js');
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-security-policy') ?? '', /default-src 'self'/);

  // (sw.js there is the host's own worker, web/preview/sw.js.)
  // Kiln's app, its scripts and its files are not there: an app cannot load Kiln on its own origin.
  for (const file of ['kiln.js', 'kiln.wasm', 'js/boot.js', 'kiln.css', '%2e%2e/kiln.js', 'assets/prompts/system.md']) {
    const response = await get(preview + file);
    assert.ok(response.status >= 400, `${file} is not served on the preview origin (got ${response.status})`);
  }
  // Paths that climb out of preview/, sent as they are (fetch would resolve the dots first).
  for (const raw of ['/../kiln.js', '/..%2fkiln.js', '/..%5ckiln.js', '/%2e%2e/index.html']) {
    const status = await new Promise((resolve, reject) => {
      http.get({ host: new URL(preview).hostname, port: new URL(preview).port, path: raw }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    assert.ok(status >= 400, `${raw} is refused on the preview origin (got ${status})`);
  }
  assert.doesNotMatch(host.body, /kiln\.js|boot\.js/, 'the host page is not Kiln\'s page');
});
