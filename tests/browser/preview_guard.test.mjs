// A generated app cannot freeze Kiln (src/core/app/preview_guard.h, web/js/preview.js):
// - with the preview on its own site (the default set-up), an app that loops forever runs in
//   another process: Kiln keeps drawing and answers a click at once, says the app is not
//   responding, and Stop removes it (Firefox with its real Fission: launch(..., {fission: true}));
// - with one origin only, the loop freezes Kiln's tab; after the tab is gone, a link to that version
//   opens with Kiln usable and "This app stopped responding last time" instead of the app.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, screenshot, serveAndLaunch, state, waitForItem, waitForKiln, waitForState, webDir,
} from './harness.mjs';

const kLoop = '<!doctype html><html><body><p>Looping</p><script>while (true) {}</script></body></html>';

// How long the page takes to run a task of its own, and to draw a frame, in ms.
async function responsiveness(page) {
  const started = Date.now();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
  return Date.now() - started;
}

for (const engine of browsers()) {
  test(`an app that loops forever on its own site leaves Kiln answering, and Stop removes it (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine, webDir(), { fission: engine === 'firefox' });
    assert.ok(server.previewUrl, 'the preview must have an origin of its own here');
    const { page, errors } = await openKiln(browser, server.url);
    await act(page, 'newProject', 'Loop');
    await act(page, 'addVersion', kLoop);
    const looping = await waitForState(page, (s) => s.preview.state === 'unresponsive', 60_000);

    // The app loops in its own process: Kiln's page draws frames, and a click is answered at once.
    assert.ok(await responsiveness(page) < 500, 'Kiln did not draw a frame within 500 ms');
    const framesBefore = (await state(page)).frames_drawn;
    await waitForItem(page, 'Stop');
    const stop = await page.evaluate(() => {
      const r = window.kilnTest.itemRect('Stop');
      return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
    });
    await page.mouse.move(stop.x, stop.y);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const clicked = Date.now();
    await page.mouse.click(stop.x, stop.y);
    await page.waitForFunction(() => window.kilnTest.state().preview.state === 'stopped', { timeout: 5_000, polling: 10 });
    const answeredIn = Date.now() - clicked;
    t.diagnostic(`Stop answered in ${answeredIn} ms`);
    assert.ok(answeredIn < 500, `Kiln took ${answeredIn} ms to answer a click`);
    assert.ok((await state(page)).frames_drawn > framesBefore, 'no frame was drawn');
    assert.equal(await page.evaluate(() => document.getElementById('kiln-preview')), null, 'the app\'s frame is still there');
    await waitForItem(page, 'Run it');
    await screenshot(page, `preview-stopped-${engine}.png`);

    // Next time, the version is held until the user runs it.
    await page.reload();
    await waitForKiln(page, errors);
    await waitForState(page, (s) => s.preview.state === 'held' && s.preview.key === looping.preview.key);
    await waitForItem(page, 'Show the code');
    assert.equal(await page.evaluate(() => document.getElementById('kiln-preview')), null, 'a held app was started');
    await screenshot(page, `preview-held-${engine}.png`);
    assert.deepEqual(errors, [], 'the page reported errors');
  });

  test(`with one origin, a link to a looping version opens with Kiln usable and the app held (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine, webDir(), { singleOrigin: true });
    const first = await openKiln(browser, server.url);
    await act(first.page, 'newProject', 'Loop');
    await clickItem(first.page, 'Code'); // the preview panel is not drawn: nothing runs yet
    await act(first.page, 'addVersion', kLoop);
    const saved = await waitForState(first.page, (s) => s.open?.version === 1 && s.saved === 'saved');
    const link = new URL(server.url);
    link.hash = saved.route;

    // Showing it starts the loop in Kiln's own process: the tab freezes. The tab goes away (the
    // user closes it; the browser ends its process).
    await clickItem(first.page, 'Preview');
    await first.page.waitForFunction(() => false, { timeout: 3_000 }).catch(() => {});
    await first.page.close({ runBeforeUnload: false });

    // The same link again: Kiln starts, and the app is held.
    const { page, errors } = await openKiln(browser, link.href);
    await waitForState(page, (s) => s.preview.state === 'held' && s.open?.version === 1);
    await waitForItem(page, 'Run it');
    assert.equal(await page.evaluate(() => document.getElementById('kiln-preview')), null, 'the looping app was started');
    assert.ok(await responsiveness(page) < 2_000, 'Kiln is not drawing');
    await screenshot(page, `preview-held-single-origin-${engine}.png`);
    // "Show the code" goes to the code: the choice is no longer drawn.
    await clickItem(page, 'Show the code');
    await page.waitForFunction(() => window.kilnTest.itemRect('Run it') === null, { timeout: 10_000 });
    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
