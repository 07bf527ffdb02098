// What a generated app keeps (src/app/app_data.h, web/preview/host.js's prelude): localStorage and
// sessionStorage work in the preview's sandboxed frame with the Storage API, synchronously; what
// the app stores with localStorage is kept in the library under its project, so a click counter
// keeps its count after a reload and after a new version; the App data view lists it, clears it
// and undoes that.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, query, reloadKiln, screenshot, serveAndLaunch, settledFrames, waitForItem,
  waitForRows, waitForState,
} from './harness.mjs';
import { appFrame } from './preview_frames.mjs';

const kCounter = `<!doctype html>
<html><body>
<h1 id="title">Counter</h1>
<button id="more">0</button>
<script>
  const button = document.getElementById('more');
  button.textContent = localStorage.getItem('count') ?? '0';
  button.addEventListener('click', () => {
    localStorage.setItem('count', String(Number(button.textContent) + 1));
    button.textContent = localStorage.count;
    sessionStorage.lastClick = 'now';
  });
</script>
</body></html>`;

// The counter's button once its app ran, showing `count`.
async function counterShows(page, count) {
  const frame = await appFrame(page, (n) => document.getElementById('more')?.textContent === n, 30_000, String(count));
  if (!frame) {
    const shown = await Promise.all(page.frames().map((f) => f.evaluate(() => document.getElementById('more')?.textContent).catch(() => 'gone')));
    const now = await page.evaluate(() => window.kilnTest.state());
    assert.fail(`the counter shows ${shown.join(', ')}, not ${count}: ${JSON.stringify({ preview: now.preview, open: now.open?.name, route: now.route, error: now.error })}`);
  }
  return frame;
}

const kStoredCount = "SELECT value FROM app_data WHERE key = 'count'";

async function waitForStoredCount(page, count) {
  await waitForRows(page, kStoredCount, [[String(count)]]);
}

for (const engine of browsers()) {
  test(`a click counter keeps its count after a reload and a new version; App data clears it, with Undo (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Counter');
      await waitForState(page, (s) => s.open?.name === 'Counter');
      await act(page, 'addVersion', kCounter);
      let frame = await counterShows(page, 0);
      // Clicks land where the preview is: once Kiln's frames have placed it.
      await settledFrames(page);
      for (let i = 0; i < 3; ++i) await frame.click('#more');
      await counterShows(page, 3);
      await waitForStoredCount(page, 3);
      // Reloaded before it has answered, an app is held back by the preview guard (preview_guard.h).
      await waitForState(page, (s) => s.saved === 'saved' && s.preview.state === 'running');
      await reloadKiln(page, errors);
      await waitForState(page, (s) => s.open?.name === 'Counter');
      frame = await counterShows(page, 3);
      await settledFrames(page);
      await frame.click('#more');
      await waitForStoredCount(page, 4);

      await act(page, 'addVersion', kCounter.replace('<h1 id="title">Counter</h1>', '<h1 id="title">Counter 2</h1>'));
      await waitForState(page, (s) => s.open.versions.length === 2);
      await appFrame(page, () => document.getElementById('title')?.textContent === 'Counter 2');
      await counterShows(page, 4);

      // The App data view lists both areas; Clear empties them and runs the app again; Undo puts them back.
      await clickItem(page, 'App data');
      await waitForItem(page, 'Clear app data');
      await screenshot(page, `app-data-${engine}.png`);
      await clickItem(page, 'Clear app data');
      await waitForItem(page, 'Undo');
      assert.deepEqual(await query(page, kStoredCount), []);
      await clickItem(page, 'Preview');
      await counterShows(page, 0);
      await clickItem(page, 'App data');
      await clickItem(page, 'Undo');
      await waitForStoredCount(page, 4);
      await clickItem(page, 'Preview');
      await counterShows(page, 4);
      assert.deepEqual(errors, []);
    });

  test(`the preview's localStorage and sessionStorage have the Storage API and a 5 MB cap (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Storage API');
      await waitForState(page, (s) => s.open?.name === 'Storage API');
      await act(page, 'addVersion', '<!doctype html><p id="ready">ready</p>');
      const frame = await appFrame(page, () => document.getElementById('ready') !== null);
      const seen = await frame.evaluate(() => {
        const s = localStorage;
        const out = {};
        s.clear();
        s.setItem('a', 1);
        s.b = { toString: () => 'two' };
        s['c'] = 'three';
        out.get = [s.getItem('a'), s.b, s.c, s.getItem('missing'), s.missing === undefined];
        out.length = s.length;
        out.keys = Object.keys(s).sort();
        out.json = JSON.parse(JSON.stringify(s));
        out.in = ['a' in s, 'missing' in s, 'getItem' in s];
        out.key = [0, 1, 2, 3].map((i) => s.key(i) === null ? null : typeof s.key(i));
        delete s.a;
        s.removeItem('b');
        out.afterDelete = [s.length, s.getItem('a'), s.getItem('b')];
        s.setItem('getItem', 'shadowed');
        out.shadow = [typeof s.getItem, s.getItem('getItem')];
        out.storage = s instanceof Storage && Object.prototype.toString.call(s) === '[object Storage]';
        try {
          s.setItem('x');
          out.arity = 'no error';
        } catch (error) {
          out.arity = error.name;
        }
        try {
          s.setItem('huge', 'x'.repeat(5 * 1024 * 1024));
          out.quota = 'no error';
        } catch (error) {
          out.quota = error.name;
        }
        out.afterQuota = s.getItem('huge');
        sessionStorage.setItem('tab', 'one');
        out.session = [sessionStorage.getItem('tab'), sessionStorage.length, s.getItem('tab')];
        return out;
      });
      assert.deepEqual(seen, {
        get: ['1', 'two', 'three', null, true],
        length: 3,
        keys: ['a', 'b', 'c'],
        json: { a: '1', b: 'two', c: 'three' },
        in: [true, false, true],
        key: ['string', 'string', 'string', null],
        afterDelete: [1, null, null],
        shadow: ['function', 'shadowed'],
        storage: true,
        arity: 'TypeError',
        quota: 'QuotaExceededError',
        afterQuota: null,
        session: ['one', 1, null],
      });
      // What was kept is what the app holds: only localStorage's, in the library.
      await waitForRows(page, 'SELECT key, value FROM app_data ORDER BY key', [['c', 'three'], ['getItem', 'shadowed']]);
      assert.deepEqual(errors, []);
    });

  test(`what an app saves as its frame goes (pagehide), or as a global named parent hides the host, is kept (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Goodbye');
      await waitForState(page, (s) => s.open?.name === 'Goodbye');
      await act(page, 'addVersion', `<!doctype html><p id="first">first</p><script>
        const parent = { name: 'a tree node' }; // hides window.parent for every script of the page
        localStorage.setItem('hello', parent.name);
        addEventListener('pagehide', () => localStorage.setItem('bye', 'saved as the frame went'));
      </script>`);
      await waitForRows(page, 'SELECT key, value FROM app_data ORDER BY key', [['hello', 'a tree node']]);
      await waitForState(page, (s) => s.preview.state === 'running');
      // A new version replaces the frame: its pagehide save still reaches the project.
      await act(page, 'addVersion', '<!doctype html><p>second</p>');
      await waitForRows(page, 'SELECT key, value FROM app_data ORDER BY key',
        [['bye', 'saved as the frame went'], ['hello', 'a tree node']]);
      assert.deepEqual(errors, []);
    });

  test(`an app that posts its own reports as fast as it can reaches Kiln in a few merged batches (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Flood');
      await waitForState(page, (s) => s.open?.name === 'Flood');
      const before = await page.evaluate(() => window.kilnPreview.info().reports);
      // Past the prelude: 20,000 console batches and 20,000 storage batches, straight to the host.
      await act(page, 'addVersion', `<!doctype html><p id="done">posting</p><script>
        for (let i = 0; i < 20000; i++) {
          parent.postMessage({ kilnConsole: [{ level: 'log', text: 'forged ' + i }], dropped: 0 }, '*');
          parent.postMessage({ kilnStorage: 'local', clear: false, changes: [['n', String(i)], ['k' + (i % 3), 'v']] }, '*');
        }
        document.getElementById('done').textContent = 'posted';
      </script>`);
      await waitForRows(page, "SELECT key, value FROM app_data ORDER BY key",
        [['k0', 'v'], ['k1', 'v'], ['k2', 'v'], ['n', '19999']], 30_000);
      const flooded = await waitForState(page, (s) => s.console.count + s.console.dropped >= 20_000);
      assert.ok(flooded.console.count <= 1000);
      const reports = (await page.evaluate(() => window.kilnPreview.info().reports)) - before;
      assert.ok(reports < 200, `${reports} batches reached C++ for 40,000 posts`);
      assert.deepEqual(errors, []);
    });
}
