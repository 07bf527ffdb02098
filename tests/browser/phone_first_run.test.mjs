// A first run on a phone-sized touch screen, as a new user makes it: the empty library asks for a
// model first, Settings opens as a sheet and takes the endpoint, a starter card starts a project,
// the app streams into the code panel and Kiln switches to its preview when it is ready, a
// follow-up makes version 2 and shows it, and an earlier version is restored. A screenshot is
// taken at each step (build/screenshots/first-run-*.png).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  browsers, openKiln, replaceText, screenshot, serveAndLaunch, settledFrames, startLlmServer, state, tapItem,
  waitForItem, waitForState,
} from './harness.mjs';

// Whether the live preview's frame is shown, within the screen.
async function previewShown(page, width, height) {
  return page.evaluate((w, h) => {
    const host = document.getElementById('kiln-preview');
    if (!host || host.hidden) return false;
    const rect = host.getBoundingClientRect();
    return rect.width > w / 2 && rect.height > 100 && rect.left >= 0 && rect.right <= w + 0.5 && rect.bottom <= h + 0.5;
  }, width, height);
}

for (const engine of browsers()) {
  test(`a first run on a phone: model, starter, preview, follow-up, restore (${engine})`,
    { timeout: 240_000 }, async (t) => {
      const llm = await startLlmServer(['--tps', '400']);
      t.after(() => llm.stop());
      const { server, browser } = await serveAndLaunch(t, engine);
      const [width, height] = [360, 640];
      const { page, errors } = await openKiln(browser, server.url, { width, height, deviceScaleFactor: 2, hasTouch: true });
      t.after(async () => { if (!t.passed) await screenshot(page, `first-run-failed-${engine}.png`).catch(() => {}); });

      // The empty library: a model is the first step.
      const first = await state(page);
      assert.equal(first.projects.length, 0);
      await waitForItem(page, 'Set up a model');
      await screenshot(page, `first-run-1-welcome-${engine}.png`);

      // Settings, a sheet over the screen.
      await tapItem(page, 'Set up a model');
      const bar = await waitForItem(page, '##dialog title bar');
      assert.deepEqual([bar.x, bar.y, bar.w], [0, 0, width]);
      await replaceText(page, '##base_url', `${llm.url}/v1`);
      await replaceText(page, '##model', 'kiln-test/edit');
      await settledFrames(page);
      await screenshot(page, `first-run-2-settings-${engine}.png`);
      await tapItem(page, 'Save');
      await waitForState(page, (s) => s.settings.saved && s.settings.model === 'kiln-test/edit');
      // With a model set, the welcome no longer asks for one.
      await page.waitForFunction(() => window.kilnTest.itemRect('Set up a model') === null, { timeout: 10_000 });

      // A starter card: a project with its prompt, sent from the Prompt tab.
      const starter = first.starter_prompts[0];
      await tapItem(page, '##' + starter);
      await waitForState(page, (s) => s.open !== null && s.prompt === starter);
      await waitForItem(page, '##prompt');
      await settledFrames(page);
      await screenshot(page, `first-run-3-prompt-${engine}.png`);
      await tapItem(page, 'Send');
      await waitForState(page, (s) => s.generation.phase === 'finished' && s.open.version === 1, 60_000);
      // Ready: the preview is shown.
      await page.waitForFunction((w, h) => {
        const host = document.getElementById('kiln-preview');
        const rect = host && !host.hidden && host.getBoundingClientRect();
        return Boolean(rect) && rect.width > w / 2 && rect.height > 100;
      }, { timeout: 10_000 }, width, height);
      assert.ok(await previewShown(page, width, height), 'the preview is shown within the screen');
      await screenshot(page, `first-run-4-preview-${engine}.png`);

      // A follow-up: version 2, and its preview.
      await tapItem(page, 'Prompt');
      await replaceText(page, '##prompt', 'make the title larger');
      await tapItem(page, 'Send');
      await waitForState(page, (s) => s.generation.phase === 'finished' && s.open.version === 2, 60_000);
      await page.waitForFunction(() => !document.getElementById('kiln-preview')?.hidden, { timeout: 10_000 });
      assert.ok(await previewShown(page, width, height), 'the follow-up\'s preview is shown');
      await screenshot(page, `first-run-5-follow-up-${engine}.png`);

      // An earlier version, restored as version 3.
      await tapItem(page, 'Versions');
      // The preview's frame leaves the screen with its tab (else it would take the next tap).
      await page.waitForFunction(() => document.getElementById('kiln-preview')?.hidden !== false, { timeout: 10_000 });
      await tapItem(page, 'v1');
      await waitForState(page, (s) => s.open.version === 1);
      await screenshot(page, `first-run-6-versions-${engine}.png`);
      await tapItem(page, 'Restore');
      const restored = await waitForState(page, (s) => s.open.version === 3 && s.saved === 'saved');
      assert.equal(restored.open.versions.length, 3);
      await screenshot(page, `first-run-7-restored-${engine}.png`);

      assert.deepEqual(errors, [], 'the page reported errors');
    });
}
