// Dialogs on a phone: each is a sheet over the whole screen, with its fields within the screen,
// its own scrolling and a close control; when the on-screen keyboard covers the bottom of the
// page (the visual viewport gets shorter), the canvas ends above it and the field being typed into
// stays in view. On a desktop a dialog is a box in the middle.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  browsers, clickItem, openKiln, screenshot, serveAndLaunch, waitForItem,
} from './harness.mjs';

const within = (rect, width, height) =>
  rect.x >= 0 && rect.y >= 0 && rect.x + rect.w <= width + 0.5 && rect.y + rect.h <= height + 0.5;

// Clicks the close control at the right end of the open dialog's title bar.
async function closeDialog(page) {
  const bar = await waitForItem(page, '##dialog title bar');
  await page.mouse.click(bar.x + bar.w - bar.h / 2, bar.y + bar.h / 2, { delay: 50 });
  await page.waitForFunction(() => window.kilnTest.itemRect('##dialog title bar') === null, { timeout: 10_000 });
}

for (const engine of browsers()) {
  test(`dialogs are sheets on a phone and keep the typed field above the keyboard (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const [width, height] = [360, 640];
      const { page, errors } = await openKiln(browser, server.url, { width, height, deviceScaleFactor: 2 });
      t.after(async () => { if (!t.passed) await screenshot(page, `dialogs-failed-${engine}.png`).catch(() => {}); });

      for (const [button, field] of [['Settings', '##base_url'], ['Storage', 'Export database']]) {
        await clickItem(page, button);
        const bar = await waitForItem(page, '##dialog title bar');
        assert.deepEqual([bar.x, bar.y, bar.w], [0, 0, width], `${button}: a sheet over the whole screen`);
        const rect = await waitForItem(page, field);
        assert.ok(within(rect, width, height), `${button}: ${field} ${JSON.stringify(rect)} is off the screen`);
        await screenshot(page, `dialog-phone-${button.toLowerCase()}-${engine}.png`);
        await closeDialog(page);
      }

      // The keyboard opens over the bottom of the page while the Label field has the keys.
      await clickItem(page, 'Settings');
      await clickItem(page, '##label');
      const keyboardTop = 180;
      assert.ok((await waitForItem(page, '##label')).y > keyboardTop, 'the field starts below the keyboard\'s top');
      await page.evaluate((top) => {
        Object.defineProperty(window.visualViewport, 'height', { configurable: true, get: () => top });
        window.visualViewport.dispatchEvent(new Event('resize'));
      }, keyboardTop);
      assert.equal(await page.evaluate(() => document.getElementById('canvas').getBoundingClientRect().height),
        keyboardTop);
      await page.waitForFunction((top) => {
        const rect = window.kilnTest.itemRect('##label');
        return rect && rect.y >= 0 && rect.y + rect.h <= top;
      }, { timeout: 10_000 }, keyboardTop);
      await screenshot(page, `dialog-phone-keyboard-${engine}.png`);
      // The keyboard closes: the canvas fills the page again.
      await page.evaluate(() => {
        delete window.visualViewport.height;
        window.visualViewport.dispatchEvent(new Event('resize'));
      });
      assert.equal(await page.evaluate(() => document.getElementById('canvas').getBoundingClientRect().height), height);
      await closeDialog(page);

      // A desktop: a box in the middle, narrower than the window.
      await page.setViewport({ width: 1280, height: 800 });
      await clickItem(page, 'Settings');
      // (Its first frame may still place it for the window's earlier size.)
      const centred = await page.waitForFunction(() => {
        const bar = window.kilnTest.itemRect('##dialog title bar');
        return bar && bar.x > 0 && bar.w < 1280 && Math.abs(bar.x + bar.w / 2 - 640) <= 1;
      }, { timeout: 10_000 }).then(() => true, () => false);
      assert.ok(centred, JSON.stringify(await page.evaluate(() => window.kilnTest.itemRect('##dialog title bar'))));
      await screenshot(page, `dialog-desktop-settings-${engine}.png`);
      await closeDialog(page);

      assert.deepEqual(errors, [], 'the page reported errors');
    });
}
