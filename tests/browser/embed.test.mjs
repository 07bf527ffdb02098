// Embedding: another site (a page served from 127.0.0.2, while Kiln is on 127.0.0.1: another
// origin and another site) embeds Kiln in an iframe 960 px wide. Kiln starts in the frame, lays
// itself out for the frame's width (the desktop layout), its service worker runs, it takes real clicks and saves to IndexedDB, and
// nothing leaves the frame: the top page is not navigated (not even by a preview trying to) and
// no window is opened.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  browsers, clickItem, newBrowser, openPage, screenshot, settledFrames, startServer, waitForItem, waitForKiln, waitForState,
  webDir,
} from './harness.mjs';

function embedderSite(t, kilnUrl) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-embedder-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const src = new URL(kilnUrl);
  src.search = '?test=1';
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><title>Another site</title><link rel="icon" href="data:,"></head>
<body style="margin: 0; font: 16px sans-serif; background: #dde6f0">
  <p style="margin: 12px 20px">Another site, with Kiln embedded:</p>
  <iframe id="kiln" src="${src.href}" title="Kiln" style="position: absolute; left: 20px; top: 50px; width: 960px; height: 640px; border: 1px solid #888"></iframe>
</body></html>`);
  return dir;
}

for (const engine of browsers()) {
  test(`Kiln works embedded in another site's page (${engine})`, { timeout: 240_000 }, async (t) => {
    const kiln = await startServer(webDir());
    t.after(() => kiln.stop());
    const embedder = await startServer(embedderSite(t, kiln.url), { host: '127.0.0.2' });
    t.after(() => embedder.stop());
    const browser = await newBrowser(t, engine);
    const { page, errors } = await openPage(browser, embedder.url, { width: 1100, height: 760 });
    const kilnOrigin = new URL(kiln.url).origin;
    const frame = await page.waitForFrame((f) => f.url().startsWith(kilnOrigin), { timeout: 30_000 });
    await waitForKiln(frame, errors);
    const pages = (await browser.pages()).length;

    // The layout follows the frame's width, not the device's: the desktop's sidebar, no phone tabs.
    await waitForItem(frame, 'New project');
    assert.equal(await frame.evaluate(() => window.kilnTest.itemRect('Versions')), null, 'the phone layout');
    assert.equal(await frame.evaluate(() => {
      try {
        return top.location.href;
      } catch {
        return 'another origin';
      }
    }), 'another origin', 'the test page is not cross-origin to Kiln');

    // The service worker runs in the frame too (with storage partitioned by the top site).
    await frame.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 90_000 });

    // A real click inside the frame, on the top page.
    const before = (await frame.evaluate(() => window.kilnTest.state())).projects.length;
    await clickItem(page, 'New project', frame);
    await frame.waitForFunction((n) => window.kilnTest.state().projects.length === n + 1, { timeout: 30_000 }, before);
    // Saved for real: IndexedDB works in the frame (partitioned by the top site, like the worker).
    // (waitForState: a timeout says what the state was.)
    const { storage: saved } = await waitForState(frame,
      (s) => s.saved === 'saved' && s.storage.saved_through === s.storage.committed);
    assert.equal(saved.durable, true);
    assert.match(saved.where, /IndexedDB/);

    // Kiln places (or hides) its own preview in every frame: the frames of its start are over
    // before the test drives the preview directly.
    await settledFrames(frame);
    // A preview inside the embedded Kiln tries to take over the top page.
    await frame.evaluate(() => new Promise((resolve) => {
      addEventListener('message', (event) => { if (event.data?.kilnTried) resolve(); });
      window.kilnTest.showPreview(20, 360, 400, 240, 1, `<!doctype html><body><p>Trying to leave</p><script>
        try { top.location.href = 'about:blank'; } catch {}
        try { parent.parent.location.href = 'about:blank'; } catch {}
        parent.parent.postMessage({ kilnTried: true }, '*'); // Kiln's page: the host's parent
      </script></body>`);
    }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await page.evaluate(() => location.href), embedder.url, 'the embedding page was navigated');
    assert.equal((await browser.pages()).length, pages, 'a window was opened');
    await screenshot(page, `embedded-${engine}.png`);

    // Chromium names the refused top navigation in the console; nothing else may appear.
    const unexpected = errors.filter((line) => !/Unsafe attempt to initiate navigation/.test(line));
    assert.deepEqual(unexpected, [], 'the pages reported errors');
  });
}
