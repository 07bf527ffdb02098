// Idle is idle: with nothing happening, Kiln draws no frame (kilnTest.state().frames_drawn stays
// put for 3 s), also while a text field is being edited (the hidden text element has the focus)
// and while an animated app runs in the preview; and a frame that would show what the canvas
// already shows is not put on the canvas (frames_shown).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browsers, focusText, openKiln, serveAndLaunch, settledFrames, state, waitForItem } from './harness.mjs';

const kIdleMs = 3000;

async function assertIdle(page, what) {
  const before = await settledFrames(page);
  await new Promise((resolve) => setTimeout(resolve, kIdleMs));
  const after = (await state(page)).frames_drawn;
  assert.equal(after, before, `${after - before} frames were drawn in ${kIdleMs} ms of idle ${what}`);
}

// An app that animates every frame and reports each second that it is running.
const kAnimated = `<!doctype html><body><div id="box">0</div><script>
  let frames = 0;
  const tick = () => { document.getElementById('box').textContent = ++frames; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  setInterval(() => top.postMessage({ kilnAnimated: frames }, '*'), 250);
</script></body>`;

for (const engine of browsers()) {
  test(`no frames are drawn when nothing changes (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?probe=input`);

    await assertIdle(page, 'after start');

    // A frame that would show what the canvas shows is not put on it: a move of the pointer
    // within a window's padding draws frames that change nothing; a move over a button (which
    // lights up) does change what is shown.
    await page.mouse.move(2, 2);
    const still = await settledFrames(page);
    const shownBefore = (await state(page)).frames_shown;
    await page.mouse.move(3, 3);
    assert.ok(await settledFrames(page) > still, 'the move was drawn');
    assert.equal((await state(page)).frames_shown, shownBefore, 'a frame that changes nothing was put on the canvas');
    const settings = await waitForItem(page, 'Settings');
    await page.mouse.move(settings.x + settings.w / 2, settings.y + settings.h / 2);
    await settledFrames(page);
    assert.ok((await state(page)).frames_shown > shownBefore, 'the hovered button was not shown lit');
    await page.mouse.move(2, 2);

    await focusText(page, 'Probe text');
    await page.keyboard.type('idle');
    await assertIdle(page, 'with a text field being edited');

    await page.evaluate(() => {
      window.animatedFrames = 0;
      addEventListener('message', (event) => { if (event.data?.kilnAnimated) window.animatedFrames = event.data.kilnAnimated; });
    });
    await page.evaluate((html) => window.kilnTest.showPreview(40, 420, 400, 300, 1, html), kAnimated);
    await page.waitForFunction(() => window.animatedFrames > 0, { timeout: 30_000 });
    const animatedBefore = await page.evaluate(() => window.animatedFrames);
    await assertIdle(page, 'with an animated preview');
    assert.ok(await page.evaluate(() => window.animatedFrames) > animatedBefore, 'the preview stopped animating');

    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
