// The app used like a person would: start a project, write code by hand, keep versions, move
// between them, rename, delete and undo, and the phone layout on a touch screen; the texts around
// Send fit the prompt box in both layouts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  browsers, clickItem, openKiln, replaceText, screenshot, serveAndLaunch, state, tapItem, waitForItem, waitForKiln,
  waitForState,
} from './harness.mjs';

// The texts beside and under Send stay within the prompt box's width (ImGui would clip them).
async function assertPromptTextsFit(page, layout) {
  const box = await waitForItem(page, '##prompt');
  for (const label of ['##send keys', '##endpoint note']) {
    const text = await waitForItem(page, label);
    assert.ok(text.x >= box.x && text.x + text.w <= box.x + box.w,
      `${layout}: ${label} ${JSON.stringify(text)} runs past the prompt box ${JSON.stringify(box)}`);
  }
}

for (const engine of browsers()) {
  test(`projects, code and versions (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, server.url, { width: 1280, height: 720 });
    t.after(async () => { if (!t.passed) await screenshot(page, `app-failed-${engine}.png`).catch(() => {}); });

    // The empty library greets with starter prompts; one click starts a project from one.
    const first = await state(page);
    assert.ok(first.starter_prompts.length >= 3, 'starter prompts are offered');
    await clickItem(page, '##' + first.starter_prompts[0]);
    let s = await waitForState(page, (x) => x.open !== null, 30_000);
    assert.equal(s.prompt, first.starter_prompts[0], 'the starter prompt is in the prompt box');

    // Typing in the prompt box.
    await replaceText(page, '##prompt', 'a counter with a big button');
    await waitForState(page, (x) => x.prompt === 'a counter with a big button', 30_000);

    // Code written by hand becomes version 1, and the preview runs it (the code reports what it
    // shows to the page, since the sandboxed preview is closed to everything else).
    await page.evaluate(() => {
      window.previewSaid = [];
      addEventListener('message', (event) => { if (event.data && event.data.kilnPreview) previewSaid.push(event.data.kilnPreview); });
    });
    const one = "<h1>One</h1><script>top.postMessage({kilnPreview: document.querySelector('h1').textContent}, '*')</script>";
    await clickItem(page, 'Code');
    await replaceText(page, '##text', one);
    await waitForState(page, (x) => x.open.code_bytes === one.length, 60_000);
    await clickItem(page, 'Save as new version');
    s = await waitForState(page, (x) => x.open.version === 1 && !x.open.code_edited, 30_000);
    await clickItem(page, 'Preview');
    await page.waitForFunction(() => window.previewSaid.includes('One'), { timeout: 30_000 });
    await clickItem(page, 'Code');
    await replaceText(page, '##text', '<h1>Two</h1>');
    await clickItem(page, 'Save as new version');
    s = await waitForState(page, (x) => x.open.version === 2, 30_000);
    assert.equal(s.open.versions.length, 2);
    assert.equal(s.route, `#/p/${s.open.id}/v/2`);

    // Changes: what version 2 changed from version 1, the one it was made from.
    await clickItem(page, 'Changes');
    s = await waitForState(page, (x) => x.open.changes !== undefined, 30_000);
    assert.deepEqual(s.open.changes, { base: 1, target: 2, added: 1, removed: 1 });
    await screenshot(page, `changes-${engine}.png`);

    // Back to version 1, restore it as version 3.
    await clickItem(page, 'v1');
    s = await waitForState(page, (x) => x.open.version === 1, 30_000);
    assert.equal(s.route, `#/p/${s.open.id}/v/1`);
    await clickItem(page, 'Restore');
    s = await waitForState(page, (x) => x.open.version === 3, 30_000);
    assert.equal(s.open.versions[2].prompt, 'Restored version 1');

    // Rename through the popup.
    await clickItem(page, 'Rename');
    // The popup's field takes the keyboard the frame after it appears.
    await page.waitForFunction(() => window.kilnTest.itemRect('##name') !== null, { timeout: 10_000 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type('Counter');
    await page.keyboard.press('Enter');
    s = await waitForState(page, (x) => x.open && x.open.name === 'Counter', 30_000);
    assert.equal(s.projects[0].name, 'Counter');
    // The popup is gone before anything under it is clicked.
    await page.waitForFunction(() => window.kilnTest.itemRect('##name') === null, { timeout: 10_000 });

    // Delete, then undo from the status bar.
    await clickItem(page, 'Delete');
    s = await waitForState(page, (x) => x.projects.length === 0 && x.undo_delete === 'Counter', 30_000);
    await clickItem(page, 'Undo');
    s = await waitForState(page, (x) => x.projects.length === 1 && x.open && x.open.versions.length === 3, 30_000);

    await assertPromptTextsFit(page, 'desktop');
    await screenshot(page, `app-desktop-${engine}.png`);

    // Phone portrait, on a touch screen: one column with tabs. (Puppeteer reloads the page to
    // make it a touch device.)
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, hasTouch: true });
    await waitForKiln(page, errors);
    await clickItem(page, 'Versions');
    await clickItem(page, 'v2');
    s = await waitForState(page, (x) => x.open.version === 2, 30_000);
    await clickItem(page, 'Code');
    await clickItem(page, 'Changes');
    s = await waitForState(page, (x) => x.open.changes !== undefined, 30_000);
    assert.deepEqual(s.open.changes, { base: 1, target: 2, added: 1, removed: 1 });
    await screenshot(page, `changes-phone-${engine}.png`);
    await clickItem(page, 'Projects');
    await clickItem(page, 'New project');
    s = await waitForState(page, (x) => x.projects.length === 2, 30_000);
    await screenshot(page, `app-phone-${engine}.png`);
    await clickItem(page, 'Prompt');
    await assertPromptTextsFit(page, 'phone');
    await screenshot(page, `app-phone-prompt-${engine}.png`);
    // After a tap the keys that send are not offered: a phone has none.
    await tapItem(page, 'Code');
    await tapItem(page, 'Prompt');
    await waitForItem(page, '##endpoint note');
    assert.equal(await page.evaluate(() => window.kilnTest.itemRect('##send keys')), null);

    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
