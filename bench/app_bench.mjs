// Kiln's app benchmark, in headless Chromium (issue 4's figures; targets in brackets):
//   first_load_gzip_bytes  gzip -9 sizes of everything the first visit downloads: the files the
//                          service worker precaches (build/web/sw-manifest.js), the worker and its
//                          manifest [<= 1.5 MB]
//   cold_first_frame_ms    navigation start to the first frame drawn, fresh profile [<= 1500 ms]
//   warm_first_frame_ms    the same on the second visit, served by the service worker [<= 500 ms]
//   idle_cpu_percent       CPU time of the renderer processes (all threads) over 10 s of idle, % of
//                          one core [<= 1]
//   frame_cpu_ms_200kb     the renderer main thread's CPU time per frame while a 200 KB file is
//                          scrolled in the code panel, median over wheel steps [<= 4 ms]
//   frame_cpu_ms_empty     beside it, the floor: the same per frame of the same canvas cleared and
//                          nothing drawn (what any frame costs: the animation frame, presentation)
// The first four are measured on the build that users get (build/web, or $KILN_RELEASE_WEB_DIR);
// the last, which drives the page through window.kilnTest, on the test build (build/web-test, or
// $KILN_WEB_DIR).
// The first frame is the first WebGL draw call of the page (ImGui's first frame reaching the
// canvas), stamped with performance.now(): milliseconds since navigation start.
// warm_steps_ms breaks the warm start down, as medians over the runs of when each step ended
// (milliseconds since navigation start; each step's median on its own): the previous page gone
// (the new one commits), the page's HTML read, boot.js running once the scripts are in, kiln.wasm
// compiled, the runtime ready (instantiated, assets in its file system), the first font atlas
// built (in main()), the first frame drawn, and the library open (IndexedDB read, SQLite opened
// and migrated), from the navigation timing and the kiln:... performance marks of the page.
//
//   node bench/app_bench.mjs <200 KB html file> <json-out>
// (scripts/bench app builds Kiln, writes the page with kiln_bench_editor --page and runs this.)

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { launch, releaseWebDir, startServer, webDir } from '../tests/browser/harness.mjs';
import { measureEmptyFrames, measureScroll, median, openCodePanel, sleep } from './code_panel.mjs';
import { rendererCpuMs } from './renderer_cpu.mjs';

const [pagePath, jsonPath] = process.argv.slice(2);
if (!pagePath || !jsonPath || !fs.existsSync(pagePath)) {
  console.error('usage: node bench/app_bench.mjs <200 KB html file> <json-out>');
  process.exit(2);
}
const kWebDir = releaseWebDir(); // build/web, or $KILN_RELEASE_WEB_DIR
const kTestWebDir = webDir(); // build/web-test, or $KILN_WEB_DIR
const kLoadRuns = 7;
const kIdleMs = 10_000;
const kWheelSteps = 31;
const kTargets = { first_load_gzip_bytes: 1.5e6, cold_first_frame_ms: 1500, warm_first_frame_ms: 500,
                   idle_cpu_percent: 1, frame_cpu_ms_200kb: 4 };

// Everything the first visit downloads: the page's files are all in the worker's precache list,
// which the worker downloads whole while it installs.
function firstLoadFiles() {
  const sandbox = { self: {} };
  vm.runInNewContext(fs.readFileSync(path.join(kWebDir, 'sw-manifest.js'), 'utf8'), sandbox);
  return [...Object.keys(sandbox.self.kilnManifest.files), 'sw.js', 'sw-manifest.js'];
}

function gzipBytes(files) {
  return files.reduce((sum, file) => sum + zlib.gzipSync(fs.readFileSync(path.join(kWebDir, file)), { level: 9 }).length, 0);
}

// In the top document, before its scripts: the time of the first WebGL draw call.
function stampFirstDraw() {
  if (window !== window.top) return;
  const draw = WebGL2RenderingContext.prototype.drawElements;
  WebGL2RenderingContext.prototype.drawElements = function (...args) {
    if (window.kilnFirstDrawMs === undefined) window.kilnFirstDrawMs = performance.now();
    return draw.apply(this, args);
  };
}

async function firstFrameMs(page, url) {
  await page.goto(url);
  const handle = await page.waitForFunction(() => window.kilnFirstDrawMs, { timeout: 60_000, polling: 20 });
  return handle.jsonValue();
}

// The steps of the start just made (see warm_steps_ms above), once the library is open.
async function startSteps(page) {
  await page.waitForFunction(() => performance.getEntriesByName('kiln:library-open').length > 0, { timeout: 60_000 });
  return page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
    const navigation = performance.getEntriesByType('navigation')[0];
    return {
      previous_page_gone: navigation.unloadEventEnd,
      html: navigation.responseEnd,
      boot: at('kiln:boot'),
      wasm_compiled: at('kiln:wasm-compiled'),
      runtime_ready: at('kiln:runtime-ready'),
      fonts_built: at('kiln:fonts-built'),
      first_frame: window.kilnFirstDrawMs,
      library_open: at('kiln:library-open'),
    };
  });
}

const server = await startServer(kWebDir);
const testServer = await startServer(kTestWebDir);
const results = {};
const notes = {};
try {
  // Cold and warm: each run in a fresh profile, first visit then a second one once the service
  // worker controls the page. The last run's browser then sits idle.
  const cold = [];
  const warm = [];
  const warmSteps = [];
  const requested = new Set();
  let idle = null;
  for (let run = 0; run < kLoadRuns; run++) {
    process.stdout.write(`load ${run + 1}/${kLoadRuns}…`);
    const browser = await launch('chromium', { swiftshader: true });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      await page.evaluateOnNewDocument(stampFirstDraw);
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.origin === new URL(server.url).origin) requested.add(url.pathname.slice(1) || 'index.html');
      });
      cold.push(await firstFrameMs(page, server.url));
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 60_000 });
      warm.push(await firstFrameMs(page, server.url));
      warmSteps.push(await startSteps(page));
      if (run === kLoadRuns - 1) {
        process.stdout.write(' idle…');
        await sleep(2000); // start-up work (storage, the worker's update check) settles
        const session = await browser.target().createCDPSession();
        const cpu0 = await rendererCpuMs(session);
        const start = Date.now();
        await sleep(kIdleMs);
        idle = (100 * ((await rendererCpuMs(session)) - cpu0)) / (Date.now() - start);
      }
    } finally {
      await browser.close();
    }
    process.stdout.write(' done\n');
  }
  const files = firstLoadFiles();
  results.first_load_gzip_bytes = gzipBytes(files);
  results.first_load_files = files.length;
  const missing = [...requested].filter((file) => !files.includes(file) && fs.existsSync(path.join(kWebDir, file)));
  if (missing.length) notes.first_load = `requested but not counted: ${missing.join(', ')}`;
  results.cold_first_frame_ms = median(cold);
  results.warm_first_frame_ms = median(warm);
  results.warm_steps_ms = Object.fromEntries(Object.keys(warmSteps[0]).map((step) => [step, median(warmSteps.map((steps) => steps[step]))]));
  results.idle_cpu_percent = idle;

  // A 200 KB file in the code panel, scrolled by the mouse wheel: per wheel step, the renderer
  // main thread's CPU time over the frames the step drew (bench/code_panel.mjs). Then the floor:
  // as many frames of the same canvas, cleared and nothing drawn.
  process.stdout.write('200 KB file…');
  const browser = await launch('chromium', { swiftshader: true });
  try {
    const { page, panel } = await openCodePanel(browser, testServer.url, fs.readFileSync(pagePath, 'utf8'));
    const shown = await page.screenshot({ clip: panel });
    const session = await browser.target().createCDPSession();
    const scroll = await measureScroll(page, session, kWheelSteps);
    if (shown.equals(await page.screenshot({ clip: panel }))) throw new Error('the code panel did not scroll');
    const empty = await measureEmptyFrames(page, session, kWheelSteps);
    results.frame_cpu_ms_200kb = median(scroll.perFrame);
    results.frame_cpu_ms_200kb_mean = scroll.cpuMs / scroll.frames;
    results.frames_scrolled = scroll.frames;
    results.frame_cpu_ms_empty = median(empty.perFrame);
  } finally {
    await browser.close();
  }
  process.stdout.write(' done\n');
} finally {
  await server.stop();
  await testServer.stop();
}

const rows = [
  ['first_load_gzip_bytes', `${results.first_load_gzip_bytes} B`, `${results.first_load_files} files, gzip -9`],
  ['cold_first_frame_ms', `${results.cold_first_frame_ms.toFixed(0)} ms`, `median of ${kLoadRuns}, fresh profile`],
  ['warm_first_frame_ms', `${results.warm_first_frame_ms.toFixed(0)} ms`, `median of ${kLoadRuns}, from the service worker`],
  ['idle_cpu_percent', `${results.idle_cpu_percent.toFixed(2)} %`, `renderer processes, all threads, ${kIdleMs / 1000} s`],
  ['frame_cpu_ms_200kb', `${results.frame_cpu_ms_200kb.toFixed(2)} ms`, `renderer main thread, median of ${kWheelSteps} wheel steps`],
  ['frame_cpu_ms_200kb_mean', `${results.frame_cpu_ms_200kb_mean.toFixed(2)} ms`, `the same over all ${results.frames_scrolled} frames`],
  ['frame_cpu_ms_empty', `${results.frame_cpu_ms_empty.toFixed(2)} ms`, `the floor: the same canvas cleared, nothing drawn, median of ${kWheelSteps} steps`],
].map(([key, value, note]) => [key, value, kTargets[key] ? `<= ${kTargets[key]}` : '',
  kTargets[key] ? (results[key] / kTargets[key]).toFixed(2) : '', note]);

const header = ['figure', 'median', 'target', 'ratio', 'note'];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
const line = (r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ');
console.log('\nKiln app (headless Chromium, SwiftShader WebGL2, 1280x800)');
console.log(line(header));
for (const r of rows) console.log(line(r));
for (const note of Object.values(notes)) console.log(`note: ${note}`);

console.log(`\nThe warm start, step by step (median of ${kLoadRuns}, ms since navigation start)`);
let previous = 0;
for (const [step, at] of Object.entries(results.warm_steps_ms)) {
  console.log(`${step.padEnd(20)} ${at.toFixed(0).padStart(6)} ms  ${`+${(at - previous).toFixed(0)}`.padStart(6)} ms`);
  previous = at;
}

fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
fs.writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwritten to ${jsonPath}`);
