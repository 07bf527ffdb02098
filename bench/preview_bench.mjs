// The app in the preview, in headless Chromium (`scripts/bench preview`; target in brackets):
//   set_item_us          the preview's localStorage stand-in (web/preview/host.js): one setItem,
//                        median over runs of 10,000 in one task, each a new key with a 20-character
//                        value
//   set_item_native_us   the same on the browser's own localStorage, on Kiln's origin (the anchor)
//   stored_ms            from the start of those 10,000 setItem calls to the 10,000 rows in Kiln's
//                        library (one batch, checked and written as one transaction), median
//   flood_frame_ms       Kiln's page main thread per frame drawn while the app logs 10,000 console
//                        lines (capped batches of 500 every 100 ms), median over runs [<= 8 ms]
// Kiln's page's task time comes from the DevTools protocol's Performance.getMetrics, which counts
// the page's own main thread only (the preview runs in another process).
//
//   node bench/preview_bench.mjs <out.json>

import fs from 'node:fs';
import path from 'node:path';
import {
  act, launch, openKiln, query, startServer, state, waitForState, webDir,
} from '../tests/browser/harness.mjs';
import { appFrame } from '../tests/browser/preview_frames.mjs';
import { median, sleep } from './code_panel.mjs';

const [jsonPath] = process.argv.slice(2);
if (!jsonPath) {
  console.error('usage: node bench/preview_bench.mjs <out.json>');
  process.exit(2);
}
const kRuns = 7;
const kKeys = 10_000;
const kFloodWindowMs = 3000;
const kTarget = 8;

// Times `count` setItem calls of new keys on localStorage (run in a page or frame), in µs each;
// removes them after when `cleanUp`.
function timeSetItem(count, run, cleanUp) {
  const value = 'v'.repeat(20);
  const start = performance.now();
  for (let i = 0; i < count; i++) localStorage.setItem(`bench-${run}-${i}`, value);
  const us = ((performance.now() - start) * 1000) / count;
  if (cleanUp) for (let i = 0; i < count; i++) localStorage.removeItem(`bench-${run}-${i}`);
  return us;
}

async function taskMs(page) {
  const { TaskDuration } = await page.metrics();
  return TaskDuration * 1000;
}

const server = await startServer(webDir());
const browser = await launch('chromium', { swiftshader: true });
const shim = [];
const native = [];
const stored = [];
const flood = [];
try {
  const { page } = await openKiln(browser, server.url);
  await act(page, 'newProject', 'Storage bench');
  await waitForState(page, (s) => s.open?.name === 'Storage bench' && s.saved === 'saved');
  for (let run = 0; run < kRuns; run++) {
    process.stdout.write(`storage run ${run + 1}/${kRuns}…`);
    await act(page, 'addVersion', `<!doctype html><p id="run">${run}</p><script>localStorage.clear();</script>`);
    const frame = await appFrame(page, (n) => document.getElementById('run')?.textContent === n, 30_000, String(run));
    await sleep(300);
    const start = Date.now();
    shim.push(await frame.evaluate(timeSetItem, kKeys, run, false));
    for (;;) {
      const [[count]] = await query(page, 'SELECT count(*) FROM app_data');
      if (count === kKeys) break;
      if (Date.now() - start > 30_000) throw new Error(`only ${count} of ${kKeys} items stored`);
      await sleep(5);
    }
    stored.push(Date.now() - start);
    native.push(await page.evaluate(timeSetItem, kKeys, run, true));
    process.stdout.write(` ${shim.at(-1).toFixed(2)} µs / ${native.at(-1).toFixed(2)} µs, stored in ${stored.at(-1)} ms\n`);
  }
  for (let run = 0; run < kRuns; run++) {
    process.stdout.write(`flood run ${run + 1}/${kRuns}…`);
    const before = await state(page);
    const task0 = await taskMs(page);
    await act(page, 'addVersion', `<!doctype html><p>flood ${run}</p><script>for (let i = 0; i < 10000; i++) console.log('line ' + i);</script>`);
    await sleep(kFloodWindowMs);
    const task = (await taskMs(page)) - task0;
    const after = await state(page);
    const drawn = after.frames_drawn - before.frames_drawn;
    if (after.console.count + after.console.dropped < 10_000) throw new Error(`run ${run + 1}: the flood did not arrive`);
    flood.push(task / drawn);
    process.stdout.write(` ${drawn} frames, ${(task / drawn).toFixed(2)} ms each\n`);
  }
} finally {
  await browser.close();
  await server.stop();
}

const results = {
  set_item_us: median(shim),
  set_item_native_us: median(native),
  set_item_ratio: median(shim) / median(native),
  stored_ms: median(stored),
  flood_frame_ms: median(flood),
};
console.log(`\nThe app in the preview (headless Chromium; medians of ${kRuns})`);
console.log(`set_item_us         ${results.set_item_us.toFixed(2)} µs   the stand-in's setItem (${kKeys} new keys in one task)`);
console.log(`set_item_native_us  ${results.set_item_native_us.toFixed(2)} µs   the browser's own localStorage  ` +
  `(ratio ${results.set_item_ratio.toFixed(2)})`);
console.log(`stored_ms           ${results.stored_ms} ms   from the first setItem to ${kKeys} rows in the library`);
console.log(`flood_frame_ms      ${results.flood_frame_ms.toFixed(2)} ms   <= ${kTarget}  ` +
  `${(results.flood_frame_ms / kTarget).toFixed(2)}  Kiln's main thread per frame while the app logs 10,000 lines`);
fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
fs.writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwritten to ${jsonPath}`);
