// Offline after one visit, and updates that never mix versions (web/sw.js, cmake/sw_manifest.cmake).
//
// Offline: Chromium is taken offline through the DevTools protocol (Network emulation, as
// puppeteer's page.setOfflineMode does it); Firefox through WebDriver BiDi's offline emulation
// where it has it, else by stopping the server (the network is as gone for the page).
// Updates: the app is served from a temporary copy, which the test turns into a new version:
// kiln.js gets a comment, kiln.wasm a custom section (still a valid module), and a new manifest.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  REPO_ROOT, browsers, openKiln, reloadKiln, serveAndLaunch, settledFrames, waitForKiln, waitForState, webDir,
} from './harness.mjs';
import { appFrame } from './preview_frames.mjs';

const kShellCache = /^kiln-shell-[0-9a-f]{16}$/;

// The version the server serves (scripts/serve.mjs configures index.html for the preview's
// origin, and the manifest with it).
async function manifestVersion(server) {
  const manifest = await fetch(new URL('sw-manifest.js', server.url)).then((response) => response.text());
  return /version: "([0-9a-f]+)"/.exec(manifest)[1];
}

function writeManifest(dir) {
  execFileSync('cmake', [`-DWEB_DIR=${dir}`, '-P', path.join(REPO_ROOT, 'cmake/sw_manifest.cmake')]);
}

// Waits until the service worker controls the page: on a first visit, once it has precached the
// shell and claimed the page.
const controlled = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 90_000 });

const cacheNames = (page) => page.evaluate(() => caches.keys());

// Asks the browser to look for a new version now; resolves to the new worker's final state:
// 'installed' (waiting), 'redundant' (its install failed), or 'none' (nothing new).
const checkForUpdate = (page) => page.evaluate(async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  await registration.update();
  const worker = registration.installing;
  if (!worker) return registration.waiting ? registration.waiting.state : 'none';
  await new Promise((resolve) => {
    const settled = () => { if (worker.state === 'installed' || worker.state === 'redundant') resolve(); };
    worker.addEventListener('statechange', settled);
    settled();
  });
  return worker.state;
});

function copyOfApp(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-versions-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(webDir(), dir, { recursive: true });
  return dir;
}

// The wasm custom section "kiln-test" holding `text`: the module stays valid and means the same.
function customSection(text) {
  const name = Buffer.from('kiln-test');
  const body = Buffer.concat([Buffer.from([name.length]), name, Buffer.from(text)]);
  return Buffer.concat([Buffer.from([0, body.length]), body]);
}

// Stands in for the browser's service worker API (openKiln's `preload`, before Kiln's scripts) and
// replays a first visit as Firefox tells it to a page busy starting: the claim first
// (controllerchange, with the new worker as controller), then updatefound, then 'installed' with
// that worker as both the waiting one and the controller and nothing active, then its activation.
// window.kilnReplayed is true once all was told.
function replayFirstInstallAsFirefoxTellsIt() {
  if (window.top !== window) return;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const worker = Object.assign(new EventTarget(), { state: 'installing', postMessage() {} });
  let controller = null;
  Object.defineProperty(ServiceWorkerContainer.prototype, 'controller', { configurable: true, get: () => controller });
  const registration = Object.assign(new EventTarget(), {
    installing: worker, waiting: null, active: null, update: async () => {},
  });
  const become = (state) => { worker.state = state; worker.dispatchEvent(new Event('statechange')); };
  window.kilnReplayed = false;
  ServiceWorkerContainer.prototype.register = function register() {
    const registered = Promise.resolve(registration);
    registered.then(async () => {
      await tick();
      controller = worker;
      navigator.serviceWorker.dispatchEvent(new Event('controllerchange'));
      await tick();
      registration.dispatchEvent(new Event('updatefound'));
      await tick();
      registration.installing = null;
      registration.waiting = worker;
      become('installed');
      await tick();
      registration.waiting = null;
      registration.active = worker;
      become('activating');
      await tick();
      become('activated');
      window.kilnReplayed = true;
    });
    return registered;
  };
}

for (const engine of browsers()) {
  test(`a first visit shows no new version, in whatever order the browser tells of it (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { preload: replayFirstInstallAsFirefoxTellsIt });
      await page.waitForFunction(() => window.kilnReplayed === true, { timeout: 30_000 });
      await settledFrames(page);
      assert.equal((await page.evaluate(() => window.kilnTest.platform())).update_waiting, false);
      assert.deepEqual(errors, [], 'the page reported errors');
    });

  test(`after one visit, Kiln starts and previews offline (${engine})`, { timeout: 300_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, server.url);
    await controlled(page);
    assert.deepEqual(await cacheNames(page), [`kiln-shell-${await manifestVersion(server)}`]);
    // The preview's host, on its own origin, keeps itself with a worker of its own.
    await page.waitForFunction(() => window.kilnPreview.info().offline === true, { timeout: 60_000, polling: 100 });

    let how = engine === 'chromium' ? 'the DevTools protocol\'s offline emulation' : 'WebDriver BiDi\'s offline emulation';
    try {
      await page.setOfflineMode(true);
    } catch (error) {
      if (engine === 'chromium') throw error;
      how = `the server stopped (no offline emulation: ${error.message})`;
      await server.stop();
    }
    t.diagnostic(`offline through ${how}`);
    await reloadKiln(page, errors);
    assert.equal(await page.evaluate(() => fetch(`not-cached-${Date.now()}.txt`).then(() => 'online', () => 'offline')), 'offline',
      'the page still reaches the network');

    // Kiln places (or hides) its own preview in every frame: the frames of its start are over
    // before the test drives the preview directly.
    await settledFrames(page);
    // The preview's host page comes from the cache too.
    const shown = await page.evaluate(() => new Promise((resolve) => {
      addEventListener('message', (event) => { if (event.data?.kilnOffline) resolve(event.data.kilnOffline); });
      window.kilnTest.showPreview(40, 400, 300, 200, 1, '<!doctype html><p>offline</p><script>top.postMessage({ kilnOffline: "ran" }, "*")</script>');
    }));
    assert.equal(shown, 'ran');

    // A share link loads offline too, and its app runs (src/app/share.h).
    const hash = await page.evaluate(async () => `#/share/1/${await window.kilnShare.pack(new TextEncoder().encode(JSON.stringify({
      name: 'Offline share', prompt: 'p', model: 'm', code: '<!doctype html><p id="shared-offline">shared</p>',
    })))}`);
    // The URL names the link without opening it here (no hashchange); the reload loads it.
    await page.evaluate((next) => history.replaceState(null, '', next), hash);
    await reloadKiln(page, errors);
    const shared = await waitForState(page, (s) => s.shared?.phase === 'ready');
    assert.equal(shared.shared.name, 'Offline share');
    assert.ok(await appFrame(page, () => document.getElementById('shared-offline') !== null), 'the shared app ran offline');

    // The one failed request above is the only error allowed.
    const unexpected = errors.filter((line) => !/not-cached-|Failed to fetch|NetworkError|ERR_INTERNET_DISCONNECTED/.test(line));
    assert.deepEqual(unexpected, [], 'the page reported errors');
  });

  test(`a new version waits complete and takes over on Reload; a half-updated server is refused (${engine})`, { timeout: 300_000 }, async (t) => {
    const dir = copyOfApp(t);
    const { server, browser } = await serveAndLaunch(t, engine, dir);
    const { page, errors } = await openKiln(browser, server.url);
    await controlled(page);
    // A later visit: the page loads under the worker. (The first visit's page only came under it
    // by clients.claim(), and Firefox has once let a new version take over such a page at once.)
    await reloadKiln(page, errors);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
    const oldVersion = await manifestVersion(server);

    // The server is mid-deploy: the new manifest and kiln.js are up, the old kiln.wasm is not replaced yet.
    const oldWasm = fs.readFileSync(path.join(dir, 'kiln.wasm'));
    fs.appendFileSync(path.join(dir, 'kiln.js'), '\n// kiln-test: version 2\n');
    fs.writeFileSync(path.join(dir, 'kiln.wasm'), Buffer.concat([oldWasm, customSection('version 2')]));
    writeManifest(dir);
    const newVersion = await manifestVersion(server);
    assert.notEqual(newVersion, oldVersion);
    fs.writeFileSync(path.join(dir, 'kiln.wasm'), oldWasm);

    assert.equal(await checkForUpdate(page), 'redundant', 'a new kiln.js was installed with the old kiln.wasm');
    assert.deepEqual(await cacheNames(page), [`kiln-shell-${oldVersion}`]);
    assert.equal((await page.evaluate(() => window.kilnTest.platform())).update_waiting, false);

    // The deploy completes: the next check installs the new version, which waits.
    fs.writeFileSync(path.join(dir, 'kiln.wasm'), Buffer.concat([oldWasm, customSection('version 2')]));
    assert.equal(await checkForUpdate(page), 'installed');
    await page.waitForFunction(() => window.kilnTest.platform().update_waiting === true, { timeout: 30_000 });
    assert.deepEqual((await cacheNames(page)).sort(), [`kiln-shell-${oldVersion}`, `kiln-shell-${newVersion}`].sort());
    // Until the user reloads, the page is served the version it started with.
    assert.equal(await page.evaluate(() => fetch('kiln.js').then((r) => r.text()).then((text) => text.includes('version 2'))), false);

    // "Reload": the waiting version takes over and the page starts again on it.
    await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.evaluate(() => window.kilnTest.applyUpdate())]);
    await waitForKiln(page, errors);
    assert.equal(await page.evaluate(() => fetch('kiln.js').then((r) => r.text()).then((text) => text.includes('version 2'))), true);
    assert.deepEqual(await cacheNames(page), [`kiln-shell-${newVersion}`]);
    assert.equal((await page.evaluate(() => window.kilnTest.platform())).update_waiting, false);

    // The failed install's network errors may be logged by the browser; nothing else may be.
    const unexpected = errors.filter((line) => !/kiln\.wasm is not the file of version|service ?worker/i.test(line));
    assert.deepEqual(unexpected, [], 'the page reported errors');
  });
}
