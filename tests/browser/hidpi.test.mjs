// A canvas that behaves like a page: its backing store follows the window's size times
// devicePixelRatio (so text is rasterized for the screen), and it follows every resize.
// Screenshots at 1x, 1.5x and 2x land in build/screenshots/ to be looked at.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browsers, openKiln, screenshot, serveAndLaunch, waitForState } from './harness.mjs';

const backing = (page) => page.evaluate(() => {
  const canvas = document.getElementById('canvas');
  return { width: canvas.width, height: canvas.height, css: canvas.getBoundingClientRect().width, ratio: devicePixelRatio };
});

for (const engine of browsers()) {
  test(`crisp at every pixel ratio, and follows resizes (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    for (const ratio of [1, 1.5, 2]) {
      const { page, errors } = await openKiln(browser, server.url, { width: 1280, height: 720, deviceScaleFactor: ratio });
      const size = await backing(page);
      assert.equal(size.ratio, ratio);
      assert.equal(size.width, Math.round(1280 * ratio), `backing width at ${ratio}x`);
      assert.equal(size.height, Math.round(720 * ratio), `backing height at ${ratio}x`);
      await screenshot(page, `welcome-${ratio}x-${engine}.png`);

      // A resize: the backing store and ImGui's display follow.
      await page.setViewport({ width: 900, height: 600, deviceScaleFactor: ratio });
      await page.waitForFunction((w) => document.getElementById('canvas').width === w, { timeout: 30_000 },
        Math.round(900 * ratio));
      await waitForState(page, (s) => s.ready, 10_000);
      assert.deepEqual(errors, [], 'the page reported errors');
      await page.close();
    }
  });
}
