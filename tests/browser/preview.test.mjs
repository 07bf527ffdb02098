// The live preview (src/platform/web/preview.h, web/js/preview.js), called from C++ through
// kilnTest.showPreview/hidePreview: the code runs with its inline scripts and styles, in a frame
// placed exactly over the requested rectangle, reloaded only for a new revision, and it cannot
// reach anything of Kiln's: its IndexedDB, localStorage, cookies, caches, parent.document or
// top.document, nor navigate the page. "Open in new tab" runs the app in a tab of the preview's
// host page, never one of Kiln's origin, with the same sandbox and no way back to Kiln's window.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, screenshot, serveAndLaunch, settledFrames, waitForRows, waitForState,
} from './harness.mjs';
import { appFrame, hostFrame } from './preview_frames.mjs';

// A generated app that tries everything it must not be able to do, and reports to Kiln's page.
const kIntruder = `<!doctype html>
<html><head><style>body { background: rgb(10, 200, 30); }</style></head>
<body><h1>Preview</h1><script>
  const report = { origin: String(self.origin) };
  const attempt = async (name, act) => {
    try { report[name] = 'allowed: ' + JSON.stringify(await act()); } catch (error) { report[name] = 'refused: ' + error.name; }
  };
  addEventListener('load', async () => {
    report.background = getComputedStyle(document.body).backgroundColor;
    await attempt('localStorage', () => localStorage.getItem('kiln-secret'));
    await attempt('indexedDB', () => new Promise((resolve, reject) => {
      const request = indexedDB.open('kiln-secret');
      request.onsuccess = () => resolve(Array.from(request.result.objectStoreNames));
      request.onerror = () => reject(request.error);
    }));
    await attempt('cookie', () => document.cookie);
    await attempt('caches', () => caches.keys());
    await attempt('parentDocument', () => parent.document.title);
    await attempt('topDocument', () => top.document.title);
    await attempt('topNavigation', () => { top.location.href = 'about:blank'; return top.location.href; });
    top.postMessage({ kilnProbe: report }, '*');
  });
</script></body></html>`;

const kRevisionPage = (label) => `<!doctype html><body><p>${label}</p><script>
  top.postMessage({ kilnProbe: { label: ${JSON.stringify(label)} } }, '*');
</script></body>`;

async function nextReport(page, trigger) {
  await page.evaluate(() => { window.lastProbe = null; });
  await trigger();
  await page.waitForFunction(() => window.lastProbe !== null, { timeout: 30_000 });
  return page.evaluate(() => window.lastProbe);
}

const frameBox = (page) => page.evaluate(() => {
  const host = document.getElementById('kiln-preview');
  const r = host.getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height, hidden: host.hidden };
});

for (const engine of browsers()) {
  test(`the preview runs generated code isolated from Kiln (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, server.url);

    // Kiln places (or hides) its own preview in every frame: the frames of its start are over
    // before the test drives the preview directly.
    await settledFrames(page);
    // Secrets of Kiln's origin, and a listener for the preview's reports.
    await page.evaluate(() => new Promise((resolve, reject) => {
      localStorage.setItem('kiln-secret', 'key');
      document.cookie = 'kiln-secret=1';
      const request = indexedDB.open('kiln-secret');
      request.onupgradeneeded = () => request.result.createObjectStore('secrets');
      request.onsuccess = () => { request.result.close(); resolve(); };
      request.onerror = () => reject(request.error);
      addEventListener('message', (event) => { if (event.data?.kilnProbe) window.lastProbe = event.data.kilnProbe; });
    }));
    const historyLength = await page.evaluate(() => history.length);

    const report = await nextReport(page, () => page.evaluate(
      (html) => window.kilnTest.showPreview(100, 380, 500, 300, 1, html), kIntruder));
    assert.equal(report.origin, 'null', 'the preview has an origin of its own');
    assert.equal(report.background, 'rgb(10, 200, 30)', 'the inline style did not apply (a CSP reached the preview)');
    for (const name of ['indexedDB', 'cookie', 'caches', 'parentDocument', 'topDocument', 'topNavigation']) {
      assert.match(report[name], /^refused: /, `the preview could use ${name}: ${report[name]}`);
    }
    // Its localStorage is Kiln's stand-in (src/app/app_data.h), holding its project's data only.
    assert.equal(report.localStorage, 'allowed: null', 'the preview read Kiln\'s localStorage');
    assert.equal(new URL(page.url()).origin, new URL(server.url).origin, 'the page was navigated away');

    // Where the code runs: a sandboxed frame without allow-same-origin, inside the host frame,
    // which comes from the preview origin (another site).
    assert.equal(await page.evaluate(() => document.getElementById('kiln-preview').getAttribute('src')), server.previewUrl);
    const host = await hostFrame(page, server);
    const frames = await host.evaluate(() => {
      const inner = document.querySelector('iframe');
      window.firstFrame = inner;
      return { origin: location.origin, sandbox: inner.getAttribute('sandbox'), srcdoc: inner.hasAttribute('srcdoc') };
    });
    assert.deepEqual(frames, {
      origin: new URL(server.previewUrl).origin, sandbox: 'allow-scripts allow-forms allow-popups allow-downloads', srcdoc: true,
    });
    assert.deepEqual(await frameBox(page), { x: 100, y: 380, w: 500, h: 300, hidden: false });
    await screenshot(page, `preview-${engine}.png`);

    // Same revision: no reload, whatever the html; the frame follows the rectangle.
    await page.evaluate(() => window.kilnTest.showPreview(120, 400, 480, 260, 1, 'ignored'));
    assert.deepEqual(await frameBox(page), { x: 120, y: 400, w: 480, h: 260, hidden: false });
    await page.evaluate(() => window.kilnTest.hidePreview());
    assert.equal((await frameBox(page)).hidden, true);
    await page.evaluate(() => window.kilnTest.showPreview(120, 400, 480, 260, 1, 'ignored'));
    assert.equal((await frameBox(page)).hidden, false);
    assert.equal(await host.evaluate(() => document.querySelector('iframe') === window.firstFrame), true,
      'the same revision was reloaded');

    // A new revision runs the new code, and adds no step to the page's history.
    const second = await nextReport(page, () => page.evaluate(
      (html) => window.kilnTest.showPreview(120, 400, 480, 260, 2, html), kRevisionPage('revision 2')));
    assert.equal(second.label, 'revision 2');
    assert.equal(await page.evaluate(() => history.length), historyLength, 'running new code added a history entry');

    // Messages are checked both ways: the app cannot pass for the host (a pong to Kiln's page), nor
    // for Kiln (code to run, posted to the host).
    const run = await page.evaluate(() => window.kilnPreview.info().run + 1);
    const spoof = await nextReport(page, () => page.evaluate((html) => window.kilnTest.showPreview(120, 400, 480, 260, 3, html),
      `<!doctype html><script>
        top.postMessage({ kilnPreview: 'pong', run: ${run}, n: 1 }, '*');
        parent.postMessage({ kilnPreview: 'run', run: ${run}, html: '<script>top.postMessage({ kilnProbe: { hijacked: true } }, "*")<\\/script>', network: true }, '*');
        setTimeout(() => top.postMessage({ kilnProbe: { label: 'spoofed' } }, '*'), 1000);
      </script>`));
    assert.equal(spoof.label, 'spoofed', 'the host ran code that its app posted to it');
    assert.equal(await page.evaluate(() => window.kilnPreview.info().answered), false, 'Kiln took the app\'s message for the host\'s');

    // The one console error allowed: Chromium's notice that the top navigation was refused.
    const unexpected = errors.filter((line) => !/Unsafe attempt to initiate navigation/.test(line));
    assert.deepEqual(unexpected, [], 'the page reported errors');
  });
}

for (const engine of browsers()) {
  for (const singleOrigin of [false, true]) {
    const where = singleOrigin ? "Kiln's own preview/ page" : 'the preview origin';
    test(`Open in new tab runs the app on ${where}, sandboxed, unable to reach Kiln (${engine})`,
      { timeout: 120_000 }, async (t) => {
        const { server, browser } = await serveAndLaunch(t, engine, undefined, { singleOrigin });
        const { page, errors } = await openKiln(browser, server.url);
        const name = 'Tab <b>app</b>';
        await act(page, 'newProject', name);
        await waitForState(page, (s) => s.open?.name === name);
        await act(page, 'addVersion', '<!doctype html><title>inner</title><h1>Tab app</h1><script>window.ran = 40 + 2; localStorage.setItem("seen", "yes");</script>');
        await waitForState(page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
        await waitForRows(page, 'SELECT key, value FROM app_data', [['seen', 'yes']]);

        const hostUrl = server.previewUrl ?? new URL('preview/', server.url).href;
        const opened = browser.waitForTarget((target) => target.url() === `${hostUrl}#tab`, { timeout: 30_000 });
        await clickItem(page, 'Open in new tab');
        const tab = await (await opened).page();
        await tab.waitForFunction((title) => document.title === title && document.querySelector('iframe') !== null,
          { timeout: 30_000 }, name);
        assert.equal(new URL(tab.url()).origin, new URL(hostUrl).origin);
        if (!singleOrigin) assert.notEqual(new URL(tab.url()).origin, new URL(server.url).origin);
        assert.equal(await tab.evaluate(() => window.opener), null, 'the tab let go of Kiln\'s window');

        // The app ran in the tab's sandboxed frame, with an opaque origin: Kiln's storage and
        // window are out of its reach; its localStorage is the stand-in, with its project's data.
        const app = await appFrame(tab, () => window.ran === 42);
        assert.ok(app, 'the app ran in a frame of the tab');
        const reach = await app.evaluate(async () => {
          const attempt = async (act) => {
            try { return `allowed: ${JSON.stringify(await act())}`; } catch (error) { return `refused: ${error.name}`; }
          };
          return {
            origin: String(self.origin),
            indexedDB: await attempt(() => new Promise((resolve, reject) => {
              const request = indexedDB.open('kiln');
              request.onsuccess = () => resolve(Array.from(request.result.objectStoreNames));
              request.onerror = () => reject(request.error);
            })),
            localStorage: await attempt(() => Object.keys(localStorage)),
            opener: await attempt(() => top.opener === null ? 'none' : top.opener.location.href),
            top: await attempt(() => top.document.title),
          };
        });
        assert.equal(reach.origin, 'null');
        assert.match(reach.indexedDB, /^refused: SecurityError$/);
        assert.equal(reach.localStorage, 'allowed: ["seen"]');
        assert.equal(reach.opener, 'allowed: "none"');
        assert.match(reach.top, /^refused: SecurityError$/);
        // Reloaded, the tab has no app to run, and says where it came from.
        await tab.reload();
        await tab.waitForFunction(() => document.body?.innerText.includes('Open it again with "Open in new tab" in Kiln'),
          { timeout: 30_000 });
        assert.equal(await tab.evaluate(() => document.querySelectorAll('iframe').length), 0);
        await tab.close();

        // A page of any origin but Kiln's (here one of the preview origin, whose tab the test can
        // look into) that opens the host as a tab and sends it code: the host runs nothing.
        if (!singleOrigin) {
          const other = await browser.newPage();
          await other.goto(server.previewUrl); // the host page itself, not a tab: a page of the preview origin
          const frames = await other.evaluate(async (url) => {
            const tab = window.open(url, '_blank');
            await new Promise((resolve) => setTimeout(resolve, 1500));
            tab.postMessage({ kilnPreview: 'run', run: 1, html: '<p>hostile</p>', network: true, title: 'x' }, '*');
            await new Promise((resolve) => setTimeout(resolve, 1500));
            const count = tab.document.querySelectorAll('iframe').length;
            tab.close();
            return count;
          }, `${hostUrl}#tab`);
          assert.equal(frames, 0, 'the host ran code sent by a page of another origin than Kiln');
          await other.close();
        }
        assert.deepEqual(errors, []);
      });
  }

  test(`a blocked tab says so and points to Download (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { preload: () => { window.open = () => null; } });
      await act(page, 'newProject', 'Blocked');
      await waitForState(page, (s) => s.open?.name === 'Blocked');
      await act(page, 'addVersion', '<!doctype html><p>blocked</p>');
      await waitForState(page, (s) => s.open?.versions.length === 1);
      await clickItem(page, 'Open in new tab');
      const blocked = await waitForState(page, (s) => s.errors.length === 1);
      assert.match(blocked.errors[0], /blocked the app's new tab.*Allow pop-ups.*Download/);
      assert.deepEqual(errors, []);
    });
}
