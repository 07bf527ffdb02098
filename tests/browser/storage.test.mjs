// Storage in each browser: the library is saved in IndexedDB commit by commit and is there after
// a reload; without IndexedDB Kiln works in memory and says so; when storage is full, changes
// stay in memory, marked not saved, and are saved by the retry once there is room again.
// None of these needs the DevTools protocol: they run in Chromium and in Firefox.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, query, reloadKiln, replaceText, screenshot, serveAndLaunch, state, waitForItem,
  waitForRows, waitForState,
} from './harness.mjs';

const kCode = '<!doctype html><title>t</title>' + 'x'.repeat(20_000);

// Stands in for a browser whose storage is blocked (some private modes and embedded pages):
// reading window.indexedDB throws, as Firefox does there.
function blockIndexedDb() {
  Object.defineProperty(window, 'indexedDB', {
    configurable: true,
    get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
  });
}

// Stands in for a full disk: while window.kilnTestStorageFull is true, every put and add throws
// QuotaExceededError, as IndexedDB does when the origin's quota is used up.
function fillStorageOnDemand() {
  for (const method of ['add', 'put']) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (...args) {
      if (window.kilnTestStorageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    };
  }
}

for (const engine of browsers()) {
  test(`storage: the library is saved and there after a reload (${engine})`, { timeout: 180_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, server.url);

    const initial = await waitForState(page, (s) => s.saved === 'saved' || s.saved === 'not_saved');
    assert.equal(initial.saved, 'saved');
    assert.equal(initial.storage.durable, true);
    assert.match(initial.storage.where, /IndexedDB/);
    assert.equal(initial.storage.lock, 'none');

    await clickItem(page, 'New project');
    await waitForState(page, (s) => s.projects.length === 1 && s.saved === 'saved');
    await act(page, 'addVersion', kCode);
    const saved = await waitForState(page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
    assert.equal(saved.storage.saved_through, saved.storage.committed);
    // What is typed in the prompt box, and not sent, is kept with the project as it is typed.
    await replaceText(page, '##prompt', 'make the title bigger');
    await waitForRows(page, `SELECT value FROM settings WHERE key = 'prompt:${saved.open.id}'`, [['make the title bigger']]);
    await waitForState(page, (s) => s.saved === 'saved');

    await reloadKiln(page, errors);
    const after = await state(page);
    assert.deepEqual(after.projects.map((p) => [p.name, p.versions]), [['Untitled 1', 1]]);
    assert.equal(after.prompt, 'make the title bigger');
    assert.equal(after.storage.recovery, '');
    assert.deepEqual(await query(page, 'PRAGMA integrity_check'), [['ok']]);
    assert.deepEqual(await query(page, 'SELECT length(code) FROM versions'), [[String(kCode.length)]]);

    await clickItem(page, 'Storage');
    const shown = await waitForState(page, (s) => s.storage.used_bytes > 0 && s.storage.quota_bytes > 0);
    assert.ok(shown.storage.used_bytes < shown.storage.quota_bytes);
    // The figures asked for a frame when they arrived: it runs before the next animation frame's end.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await screenshot(page, `storage-popup-${engine}.png`);
    await clickItem(page, 'Close');
    assert.deepEqual(errors, []);
  });

  test(`storage: without IndexedDB, Kiln works in memory and says it is not saved (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { preload: blockIndexedDb });

      const initial = await state(page);
      assert.equal(initial.storage.durable, false);
      assert.equal(initial.saved, 'not_saved');
      assert.equal(initial.storage.status, 'Not saved: no storage here');
      assert.match(initial.storage.message, /cannot use the browser's storage.*SecurityError.*Export the database/s);
      assert.deepEqual(initial.errors, [initial.storage.message], 'said in full once, in the error banner');

      await clickItem(page, 'New project');
      const after = await waitForState(page, (s) => s.projects.length === 1);
      assert.equal(after.saved, 'not_saved');
      await waitForItem(page, 'Export');  // the status bar offers an export
      await screenshot(page, `storage-unavailable-${engine}.png`);
      assert.deepEqual(errors, []);
    });

  test(`storage: when storage is full, changes wait in memory and are saved once there is room (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { preload: fillStorageOnDemand });

      await act(page, 'newProject', 'Before');
      await waitForState(page, (s) => s.projects.length === 1 && s.saved === 'saved');
      await page.evaluate(() => { window.kilnTestStorageFull = true; });
      await act(page, 'newProject', 'While full');
      const full = await waitForState(page, (s) => s.saved === 'not_saved');
      assert.equal(full.storage.status, 'Not saved: storage is full');
      assert.match(full.storage.message, /storage for Kiln is full.*QuotaExceededError/s);
      assert.deepEqual(full.projects.map((p) => p.name).sort(), ['Before', 'While full'], 'kept in memory');
      await waitForItem(page, 'Export');  // the status bar offers an export
      await screenshot(page, `storage-full-${engine}.png`);

      // Saving is retried every 5 s while it fails, and lock and channel stay with this tab.
      await page.evaluate(() => { window.kilnTestStorageFull = false; });
      const started = Date.now();
      const resumed = await waitForState(page, (s) => s.saved === 'saved', 15_000);
      assert.ok(Date.now() - started < 8_000, `saving resumed after ${Date.now() - started} ms`);
      assert.equal(resumed.storage.message, '');

      await reloadKiln(page, errors);
      assert.deepEqual((await state(page)).projects.map((p) => p.name).sort(), ['Before', 'While full']);
      assert.deepEqual(errors, []);
    });
}
