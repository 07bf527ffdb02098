// Each view reads right, at a phone's size (and in landscape, where it is wide enough for the
// desktop's layout), a desktop's at 1x and 2x, and a desktop at 150 % and
// 200 % zoom (fewer CSS pixels): every button, field and tab of each view and dialog ends inside
// its window (kilnTest.state().cut_off lists those that run past a window's right edge); a view
// has one primary action at most (state().primary); on a phone every button, field, tab and row
// is a touch target at least 44 CSS pixels tall (state().small_targets lists those that are not);
// the preview is at least 40 % of the window's width.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, screenshot, serveAndLaunch, settledFrames, state, waitForItem, waitForState,
} from './harness.mjs';

// Lets the view or dialog's frames settle, and checks it.
async function assertViewReadsRight(page, where, phone) {
  await settledFrames(page);
  const { cut_off: cut, primary, small_targets: small } = await state(page);
  const wrong = cut.length || primary.length > 1 || (phone && small.length);
  if (wrong) await screenshot(page, `labels-wrong-${where.replace(/[^a-z0-9]+/gi, '-')}.png`);
  assert.deepEqual(cut, [], `${where}: cut off`);
  assert.ok(primary.length <= 1, `${where}: more than one primary action: ${primary.join(', ')}`);
  if (phone) assert.deepEqual(small, [], `${where}: smaller than a finger`);
}

const sizes = [
  { name: 'phone', width: 360, height: 640, deviceScaleFactor: 2 },
  { name: 'phone in landscape', width: 844, height: 390, deviceScaleFactor: 3 },
  { name: 'desktop', width: 1280, height: 800, deviceScaleFactor: 1 },
  { name: 'desktop 2x', width: 1280, height: 800, deviceScaleFactor: 2 },
  { name: 'desktop at 150 %', width: 853, height: 533, deviceScaleFactor: 1.5 },
  { name: 'desktop at 200 %', width: 640, height: 400, deviceScaleFactor: 2 },
];

for (const engine of browsers()) {
  test(`no label is cut off, one primary action per view, touch targets on a phone, at any size (${engine})`, { timeout: 300_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    for (const size of sizes) {
      const { page, errors } = await openKiln(browser, server.url, size);
      const where = (view) => `${size.name} ${engine}: ${view}`;
      const phone = size.width < 720;
      await assertViewReadsRight(page, where('welcome'), phone);
      // (The library is the same for each size: the page of the last one closed.)
      const name = `A project with a long name that goes on and on, at the ${size.name} size`;
      await act(page, 'newProject', name);
      await waitForState(page, (s) => s.open?.name === name);
      await act(page, 'addVersion', '<h1>One</h1>');
      await waitForState(page, (s) => s.open?.name === name && s.open.versions.length === 1);
      await act(page, 'addVersion', '<h1>Two</h1>');
      await waitForState(page, (s) => s.open?.name === name && s.open.versions.length === 2 && s.saved === 'saved');
      const views = phone ? ['Projects', 'Prompt', 'Code', 'Preview', 'Versions'] : ['Preview', 'Code', 'Changes', 'App data'];
      for (const view of views) {
        await clickItem(page, view);
        await assertViewReadsRight(page, where(view), phone);
        if (view !== 'Preview') continue;
        // The preview keeps its room when the window is narrow (a desktop zoomed in): the side
        // panels give way.
        const previewWidth = await page.waitForFunction(() => {
          const frame = document.querySelector('iframe');
          const width = frame ? frame.getBoundingClientRect().width : 0;
          return width > 0 && width;
        }, { timeout: 10_000 }).then((handle) => handle.jsonValue());
        assert.ok(previewWidth >= size.width * 0.4, `${where(view)}: the preview is ${previewWidth} px of ${size.width}`);
      }
      for (const dialog of ['Storage', 'Settings']) {
        await clickItem(page, dialog);
        await waitForItem(page, '##dialog title bar');
        await assertViewReadsRight(page, where(dialog), phone);
        await page.keyboard.press('Escape');
        await page.waitForFunction(() => window.kilnTest.itemRect('##dialog title bar') === null, { timeout: 10_000 });
      }
      assert.deepEqual(errors, [], `${size.name}: the page reported errors`);
      await page.close();
    }
  });
}
