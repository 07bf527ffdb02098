// The mouse wheel scrolls the panel under the pointer (the code panel, the versions list, the
// project list), also when the pointer has rested and ImGui last heard of it as gone: after
// something covered the page under it for a moment (the canvas then gets mouseleave and
// mouseenter but no mousemove), and after a touch (a lifted finger hovers nothing).
// Each wheel comes while Kiln is idle (no frame drawn), as after a pause of a person's hand.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, screenshot, serveAndLaunch, settledFrames, state, waitForItem, waitForState,
} from './harness.mjs';

// An HTML file far taller than the code panel.
function longCode(version) {
  const lines = Array.from({ length: 400 }, (_, i) => `  <p class="line">Line ${i + 1} of version ${version}</p>`);
  return `<!doctype html>\n<body>\n${lines.join('\n')}\n</body>\n`;
}

// A project with a long file in the code panel: resolves to its state.
async function openLongProject(page, name, versions) {
  await act(page, 'newProject', name);
  await waitForState(page, (s) => s.open?.name === name);
  for (let version = 1; version <= versions; version++) {
    await act(page, 'addVersion', longCode(version));
    await waitForState(page, (s) => s.open.versions.length === version);
  }
  await waitForState(page, (s) => s.saved === 'saved');
  await clickItem(page, 'Code');
  await waitForItem(page, '##text');
}

// A point over the item labelled `label`.
async function pointOver(page, label) {
  const rect = await waitForItem(page, label);
  return { x: rect.x + Math.min(rect.w / 2, 300), y: rect.y + Math.min(rect.h / 2, 150) };
}

// Rests the pointer at `point` until Kiln draws no more frames.
async function restAt(page, point) {
  await page.mouse.move(point.x, point.y);
  await settledFrames(page);
}

// Something covers the page under the resting pointer for a moment and goes away (another
// element over the canvas: a dialog, an overlay). Checks that the canvas was left and entered
// again without a mousemove.
async function coverAndUncover(page) {
  await page.evaluate(() => {
    if (!window.pointerEvents) {
      for (const type of ['mouseleave', 'mouseenter', 'mousemove']) {
        document.getElementById('canvas').addEventListener(type, () => window.pointerEvents.push(type));
      }
    }
    window.pointerEvents = [];
    const cover = document.createElement('div');
    cover.id = 'cover';
    cover.style.cssText = 'position: fixed; inset: 0; z-index: 10';
    document.body.appendChild(cover);
  });
  await untilCanvasGets(page, 'mouseleave');
  await page.evaluate(() => document.getElementById('cover').remove());
  await untilCanvasGets(page, 'mouseenter');
  assert.deepEqual(await page.evaluate(() => window.pointerEvents), ['mouseleave', 'mouseenter']);
}

// Waits until the canvas has had an event of `type`. Chromium's headless shell updates what is
// under a resting pointer only when it composites a frame, which a screenshot makes it do;
// Firefox does on its own.
async function untilCanvasGets(page, type) {
  for (let attempt = 0; attempt < 50; attempt++) {
    await page.screenshot();
    if (await page.evaluate((wanted) => window.pointerEvents.includes(wanted), type)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the canvas got no ${type} as the cover came or went`);
}

// Turns the wheel a notch down and waits until the window named `window` has scrolled.
async function wheelScrolls(page, window) {
  const before = (await state(page)).scroll[window];
  assert.equal(typeof before, 'number', `no scrollable window "${window}" is drawn`);
  await page.mouse.wheel({ deltaY: 100 });
  await waitForState(page, (s) => s.scroll[window] > before, 10_000);
}

for (const engine of browsers()) {
  test(`the wheel scrolls the panel under a resting pointer, also after the pointer was covered (${engine})`,
    { timeout: 300_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      t.after(async () => { if (!t.passed) await screenshot(page, `wheel-failed-${engine}.png`).catch(() => {}); });

      // More projects than the sidebar shows, and more versions than the timeline does.
      for (let n = 1; n <= 40; n++) await act(page, 'newProject', `Project ${n}`);
      await openLongProject(page, 'Long file', 24);
      const panels = [
        { point: await pointOver(page, '##text'), window: '##scroll' },
        { point: await pointOver(page, 'v24'), window: 'timeline' },
        { point: await pointOver(page, 'Project 40'), window: 'projects' },
      ];

      for (const { point, window } of panels) {
        await restAt(page, point);
        await wheelScrolls(page, window);
      }

      for (const { point, window } of panels) {
        await restAt(page, point);
        await coverAndUncover(page);
        await settledFrames(page);
        if (window === '##scroll') {
          // The pointer is back over the text: its cursor shows again before it moves.
          assert.equal(await page.evaluate(() => document.getElementById('canvas').style.cursor), 'text');
        }
        await wheelScrolls(page, window);
      }

      assert.deepEqual(errors, [], 'the page reported errors');
    });

  test(`after a touch, the mouse wheel scrolls the panel under the pointer (${engine})`, { timeout: 240_000 },
    async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { hasTouch: true });

      await openLongProject(page, 'Long file', 1);
      await restAt(page, await pointOver(page, '##text'));
      // A tap on the Code tab, which is already shown, changes nothing but where ImGui's pointer is.
      const tab = await waitForItem(page, 'Code');
      await page.touchscreen.tap(tab.x + tab.w / 2, tab.y + tab.h / 2);
      await settledFrames(page);
      await wheelScrolls(page, '##scroll');

      assert.deepEqual(errors, [], 'the page reported errors');
    });
}
