// Keyboard, text, IME, clipboard, touch and cursor shapes, through the input probe
// (`?probe=input`, src/ui/input_probe.h): a multi-line text field, a button and a scrolling list.
// Typing goes through the hidden text element of web/js/input.js; the clipboard through real
// copy, cut and paste events, checked against another page of the same browser.
//
// The IME test plays a composition as an IME's events arrive, in both engines; in Chromium it
// also drives a real one through the DevTools protocol (Input.imeSetComposition).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browsers, focusText, openKiln, screenshot, serveAndLaunch, settledFrames, state, waitForState } from './harness.mjs';

async function chord(page, modifier, key) {
  await page.keyboard.down(modifier);
  await page.keyboard.press(key);
  await page.keyboard.up(modifier);
}

const probeText = (page, expected) => waitForState(page, (s) => s.probe.text === expected, 30_000);

for (const engine of browsers()) {
  test(`typing, editing keys, IME and the caret (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?probe=input`);

    // The cursor follows what is under the mouse.
    const field = await page.evaluate(() => window.kilnTest.itemRect('Probe text'));
    await page.mouse.move(field.x + 20, field.y + 20);
    await page.waitForFunction(() => document.getElementById('canvas').style.cursor === 'text', { timeout: 30_000 });

    await focusText(page, 'Probe text');
    await page.keyboard.type('Hello, κόσμε! Привет 𝄞');
    await probeText(page, 'Hello, κόσμε! Привет 𝄞');
    await page.keyboard.press('Enter');
    await page.keyboard.type('second linee');
    await page.keyboard.press('Backspace');
    await probeText(page, 'Hello, κόσμε! Привет 𝄞\nsecond line');
    // Select all, type over it, undo (ImGui undoes the typing, then the deletion).
    await chord(page, 'Control', 'a');
    await page.keyboard.type('x');
    await probeText(page, 'x');
    await chord(page, 'Control', 'z');
    await probeText(page, '');
    await chord(page, 'Control', 'z');
    await probeText(page, 'Hello, κόσμε! Привет 𝄞\nsecond line');
    await page.keyboard.press('End');

    // The hidden element sits at the caret (end of the second line), inside the field.
    const caret = await page.evaluate(() => {
      const r = document.getElementById('kiln-text').getBoundingClientRect();
      return { x: r.x, y: r.y, h: r.height };
    });
    assert.ok(caret.x > field.x + 40 && caret.x < field.x + field.w, `caret x ${caret.x} not inside ${JSON.stringify(field)}`);
    assert.ok(caret.y > field.y + 10 && caret.y + caret.h < field.y + field.h, `caret y ${caret.y} not on line 2 of ${JSON.stringify(field)}`);

    // A composition: drafts stay out of the field, the committed text arrives once.
    await chord(page, 'Control', 'a');
    await page.keyboard.press('Delete');
    await probeText(page, '');
    const drafts = await page.evaluate(() => {
      const area = document.getElementById('kiln-text');
      area.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
      for (const draft of ['n', 'に', 'にほ', 'にほん', '日本']) {
        area.value = draft;
        area.dispatchEvent(new CompositionEvent('compositionupdate', { data: draft }));
        area.dispatchEvent(new InputEvent('input', { inputType: 'insertCompositionText', data: draft, isComposing: true }));
      }
      const shown = getComputedStyle(area).opacity;
      area.dispatchEvent(new CompositionEvent('compositionend', { data: '日本' }));
      return { shown, state: window.kilnTest.state().probe.text };
    });
    assert.equal(drafts.state, '', 'a draft reached the field');
    assert.equal(drafts.shown, '1', 'the draft is not shown while composing');
    await probeText(page, '日本');
    if (engine === 'chromium') {
      const cdp = await page.createCDPSession();
      for (const text of ['k', 'か', '漢字']) {
        await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
      }
      await screenshot(page, `ime-composing-${engine}.png`);
      assert.equal((await state(page)).probe.text, '日本');
      await cdp.send('Input.insertText', { text: '漢字' });
      await probeText(page, '日本漢字');
    }

    assert.deepEqual(errors, [], 'the page reported errors');
  });

  test(`keys typed right after a click, before Kiln's next frame, reach the field (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?probe=input`);
    const field = await page.evaluate(() => window.kilnTest.itemRect('Probe text'));

    // A slow device: no frame runs between the click and the keys (Kiln's frames are held back,
    // from a moment its frame loop sleeps: no frame asked for before is still to come).
    // The field is only edited once a frame has seen the click, so the hidden text element has no
    // focus yet when the keys arrive.
    for (let held = false; !held;) {
      await settledFrames(page);
      held = await page.evaluate(() => {
        if (window.kilnTest.state().frames_pending) return false;
        const raf = window.requestAnimationFrame.bind(window);
        const waiting = [];
        window.requestAnimationFrame = (callback) => waiting.push(callback);
        window.releaseFrames = () => {
          window.requestAnimationFrame = raf;
          for (const callback of waiting.splice(0)) raf(callback);
        };
        return true;
      });
    }
    await page.mouse.click(field.x + 20, field.y + 20);
    await chord(page, 'Control', 'a');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Quick, brown!');
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'kiln-text', 'a frame ran between click and keys');
    await page.evaluate(() => window.releaseFrames());
    await probeText(page, 'Quick, brown!');
    assert.deepEqual(errors, [], 'the page reported errors');
  });

  test(`copy, cut and paste with the system clipboard (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?probe=input`);

    // Another page of the browser puts text on the clipboard the ordinary way.
    const other = await browser.newPage();
    await other.goto('about:blank');
    await other.evaluate(() => {
      const area = document.createElement('textarea');
      area.id = 'other';
      document.body.appendChild(area);
      area.focus();
    });
    await other.keyboard.type('from another page ✓');
    await chord(other, 'Control', 'a');
    await chord(other, 'Control', 'c');

    await page.bringToFront();
    await focusText(page, 'Probe text');
    await chord(page, 'Control', 'v');
    await probeText(page, 'from another page ✓');

    // Kiln's copy reaches the other page.
    await page.keyboard.type(' and Kiln');
    await chord(page, 'Control', 'a');
    await chord(page, 'Control', 'c');
    await other.bringToFront();
    await other.evaluate(() => {
      const area = document.getElementById('other');
      area.value = '';
      area.focus();
    });
    await chord(other, 'Control', 'v');
    assert.equal(await other.evaluate(() => document.getElementById('other').value), 'from another page ✓ and Kiln');

    // Cut empties the field; pasting twice brings the text back twice.
    await page.bringToFront();
    await focusText(page, 'Probe text');
    await chord(page, 'Control', 'a');
    await chord(page, 'Control', 'x');
    await probeText(page, '');
    await chord(page, 'Control', 'v');
    await chord(page, 'Control', 'v');
    await probeText(page, 'from another page ✓ and Kilnfrom another page ✓ and Kiln');

    assert.deepEqual(errors, [], 'the page reported errors');
  });

  test(`on a Mac, Cmd drives the shortcuts (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?probe=input`, {
      preload: () => Object.defineProperty(Navigator.prototype, 'platform', { get: () => 'MacIntel' }),
    });

    await focusText(page, 'Probe text');
    await page.keyboard.type('abc');
    await chord(page, 'Meta', 'a'); // Cmd+A selects all
    await page.keyboard.type('Z');
    await probeText(page, 'Z');
    // This Linux browser fires its copy and paste events for Ctrl+C and Ctrl+V (a Mac's for Cmd);
    // Kiln plays them to ImGui as Cmd+C and Cmd+V, which a Mac build of ImGui expects.
    await chord(page, 'Meta', 'a');
    await chord(page, 'Control', 'c');
    await page.keyboard.press('End');
    await chord(page, 'Control', 'v');
    await probeText(page, 'ZZ');

    assert.deepEqual(errors, [], 'the page reported errors');
  });

  test(`touch: a tap clicks, a drag scrolls, a text field gets the keyboard (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?probe=input`, { hasTouch: true });
    const centre = (label) => page.evaluate((itemLabel) => {
      const r = window.kilnTest.itemRect(itemLabel);
      return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
    }, label);

    const button = await centre('Probe button');
    await page.touchscreen.tap(button.x, button.y);
    await waitForState(page, (s) => s.probe.clicks === 1);
    const line = await centre('Line 3');
    await page.touchscreen.tap(line.x, line.y);
    await waitForState(page, (s) => s.probe.selected_line === 3);

    // A drag upwards over the list scrolls it down and selects nothing.
    const start = await centre('Line 8');
    await page.touchscreen.touchStart(start.x, start.y);
    for (let step = 1; step <= 10; step++) await page.touchscreen.touchMove(start.x, start.y - step * 20);
    await page.touchscreen.touchEnd();
    const scrolled = await waitForState(page, (s) => s.probe.scroll_y > 100);
    assert.equal(scrolled.probe.selected_line, 3, 'the drag selected a line');

    // The tap on a text field focuses the hidden element inside the tap's own event handlers,
    // where a touch browser lets that open the on-screen keyboard.
    const field = await centre('Probe text');
    await page.touchscreen.tap(field.x, field.y);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'kiln-text');

    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
