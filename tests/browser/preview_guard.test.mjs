// A generated app cannot freeze Kiln (src/app/preview_guard.h, web/js/preview.js):
// - with the preview on its own site (the default set-up), an app that loops forever runs in
//   another process: Kiln keeps drawing and answers a click at once, says the app is not
//   responding, and Stop removes it (Firefox with its real Fission: launch(..., {fission: true}));
// - with one origin only, the loop freezes Kiln's tab; after the tab is gone, a link to that version
//   opens with Kiln usable and "This app stopped responding last time" instead of the app.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, reloadKiln, screenshot, serveAndLaunch, state, waitForItem, waitForState,
  webDir,
} from './harness.mjs';

const kLoop = '<!doctype html><html><body><p>Looping</p><script>while (true) {}</script></body></html>';
// Says why first: what it reports before it loops is kept with the version.
const kLoopAfterAnError = '<!doctype html><html><body><p>Looping</p><script>' +
  'console.error("about to loop"); setTimeout(() => { while (true) {} }, 1000);</script></body></html>';

// How long the page takes to run a task of its own, and to draw a frame, in ms.
async function responsiveness(page) {
  const started = Date.now();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
  return Date.now() - started;
}

// CPU time (clock ticks) of each content process of the Firefox whose pid is `root` (its
// descendants: on Linux they are forked by a fork server, a child of the main process).
function contentProcesses(root) {
  const all = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      all.push({ pid: Number(pid), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), content: cmdline.includes('-contentproc') });
    } catch {} // gone meanwhile
  }
  const family = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!family.has(p.pid) && family.has(p.parent)) grew = family.add(p.pid);
  }
  return new Map(all.filter((p) => p.content && family.has(p.pid)).map((p) => [p.pid, p.ticks]));
}

// Ends the Firefox content process that is busiest (the one stuck in the loop), as the end of a
// frozen tab: Firefox shows the tab as crashed.
async function killBusiestContentProcess(root) {
  const before = contentProcesses(root);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  let busiest = null;
  let most = -1;
  for (const [pid, ticks] of contentProcesses(root)) {
    const used = ticks - (before.get(pid) ?? ticks);
    if (used > most) [busiest, most] = [pid, used];
  }
  assert.ok(busiest !== null && most > 20, `no content process is spinning (of ${[...before.keys()]}, the busiest used ${most} ticks)`);
  process.kill(busiest, 'SIGKILL');
}

// Clicks the ImGui item `label` (already drawn) and resolves to the milliseconds from the button's
// release to `done` (the source of a predicate over kilnTest.state()) holding, timed in the page.
async function clickLatency(page, label, done) {
  await waitForItem(page, label);
  const at = await page.evaluate((l) => {
    const r = window.kilnTest.itemRect(l);
    return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
  }, label);
  await page.mouse.move(at.x, at.y);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.evaluate((predicate) => {
    const test = new Function('s', `return (${predicate});`);
    window.kilnReleasedAt = null;
    window.kilnDoneAt = null;
    addEventListener('mouseup', () => { window.kilnReleasedAt = performance.now(); }, { capture: true, once: true });
    const poll = setInterval(() => {
      if (!test(window.kilnTest.state())) return;
      window.kilnDoneAt = performance.now();
      clearInterval(poll);
    }, 10);
  }, done);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => window.kilnDoneAt !== null, { timeout: 10_000 });
  return page.evaluate(() => window.kilnDoneAt - window.kilnReleasedAt);
}

for (const engine of browsers()) {
  test(`an app that loops forever on its own site leaves Kiln answering, and Stop removes it (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine, webDir(), { fission: engine === 'firefox' });
    assert.ok(server.previewUrl, 'the preview must have an origin of its own here');
    const { page, errors } = await openKiln(browser, server.url);
    await act(page, 'newProject', 'Loop');
    await waitForState(page, (s) => s.open?.name === 'Loop');
    await act(page, 'addVersion', kLoopAfterAnError);
    const looping = await waitForState(page, (s) => s.preview.state === 'unresponsive', 60_000);

    // The app loops in its own process: Kiln's page draws frames, and a click is answered at once.
    assert.ok(await responsiveness(page) < 500, 'Kiln did not draw a frame within 500 ms');
    const framesBefore = (await state(page)).frames_drawn;
    // Clicks while the app loops (the Network switch, twice: each runs the looping app again),
    // timed inside the page; the best of them, as the machine may be busy with other work.
    const latencies = [];
    for (const network of [false, true]) {
      latencies.push(await clickLatency(page, 'Network', `s.open.network === ${network}`));
    }
    await waitForState(page, (s) => s.preview.state === 'unresponsive', 60_000);
    latencies.push(await clickLatency(page, 'Stop', "s.preview.state === 'stopped'"));
    t.diagnostic(`clicks answered in ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    assert.ok(Math.min(...latencies) < 500, `Kiln took ${latencies.join(', ')} ms to answer clicks`);
    assert.ok((await state(page)).frames_drawn > framesBefore, 'no frame was drawn');
    // (The state can run a frame ahead of the page: the frame goes in the frame after Stop's.)
    const removed = await page.waitForFunction(() => document.getElementById('kiln-preview') === null, { timeout: 10_000 })
      .then(() => true, () => false);
    assert.ok(removed, 'the app\'s frame is still there');
    await waitForItem(page, 'Run it');
    await screenshot(page, `preview-stopped-${engine}.png`);

    // Next time, the version is held until the user runs it, with what its last run reported.
    await reloadKiln(page, errors);
    const held = await waitForState(page, (s) => s.preview.state === 'held' && s.preview.key === looping.preview.key);
    assert.equal(held.console.last_run, true);
    assert.deepEqual(held.console.last.map((entry) => `${entry.level} ${entry.text}`), ['error about to loop']);
    assert.equal(held.open.versions[0].console_errors, 1);
    await waitForItem(page, 'Last run: 1 message, 1 error  ▸');
    await waitForItem(page, 'Show the code');
    assert.equal(await page.evaluate(() => window.kilnPreview.info().run), 0, 'a held app was started');
    await screenshot(page, `preview-held-${engine}.png`);
    // The app's own console.error reaches the test too.
    assert.deepEqual(errors.filter((line) => !/about to loop/.test(line)), [], 'the page reported errors');
  });

  test(`with one origin, a link to a looping version opens with Kiln usable and the app held (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine, webDir(), { singleOrigin: true, fission: engine === 'firefox' });
    const first = await openKiln(browser, server.url);
    await act(first.page, 'newProject', 'Loop');
    await waitForState(first.page, (s) => s.open?.name === 'Loop');
    await clickItem(first.page, 'Code'); // the preview panel is not drawn: nothing runs yet
    await act(first.page, 'addVersion', kLoop);
    const saved = await waitForState(first.page, (s) => s.open?.version === 1 && s.saved === 'saved');
    const link = new URL(server.url);
    link.hash = saved.route;

    // Showing it starts the loop in Kiln's own process: the tab freezes.
    await clickItem(first.page, 'Preview');
    await first.page.waitForFunction(() => false, { timeout: 3_000 }).catch(() => {});
    let page = first.page;
    let errors = first.errors;
    // The tab is gone: the user closes it, or the browser ends its process (Firefox's content
    // process is ended here, as it can be shared with a new tab of the same site).
    if (engine === 'firefox') await killBusiestContentProcess(browser.firefoxPid);
    else await first.page.close({ runBeforeUnload: false });
    ({ page, errors } = await openKiln(browser, link.href));
    // The same link again: Kiln starts, and the app is held.
    await waitForState(page, (s) => s.preview.state === 'held' && s.open?.version === 1);
    await waitForItem(page, 'Run it');
    assert.equal(await page.evaluate(() => window.kilnPreview.info().run), 0, 'the looping app was started');
    assert.ok(await responsiveness(page) < 2_000, 'Kiln is not drawing');
    await screenshot(page, `preview-held-single-origin-${engine}.png`);
    // "Show the code" goes to the code: the choice is no longer drawn.
    await clickItem(page, 'Show the code');
    await page.waitForFunction(() => window.kilnTest.itemRect('Run it') === null, { timeout: 10_000 });
    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
