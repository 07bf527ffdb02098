// Where one frame's main-thread time goes in Chromium, while a 200 KB file is scrolled in Kiln's
// code panel (the scene of frame_cpu_ms_200kb, bench/code_panel.mjs). Three passes in one browser:
//   1. the main thread's CPU per frame (schedstat), as app_bench.mjs measures it, and the same for
//      an empty frame of the canvas (the floor), medians over wheel steps;
//   2. a V8 CPU profile (DevTools protocol, Profiler) over the same scroll, its samples' self
//      time summed by where they fall: Kiln's wasm (Kiln and ImGui), the JS glue of the generated
//      kiln.js (the GL wrappers, the html5 event handlers, the rest), the browser's WebGL methods
//      (native code called from the glue), the garbage collector, and "(program)": the browser's
//      own native work outside JS (input dispatch, the animation frame, the canvas's presentation),
//      and also the time the thread waited, which the sampler cannot tell from work;
//   3. the WebGL calls per frame, counted by wrapping WebGL2RenderingContext's methods.
//
//   node bench/frame_profile.mjs <200 KB html file> [json-out]

import fs from 'node:fs';
import { launch, startServer, state, webDir } from '../tests/browser/harness.mjs';
import { measureEmptyFrames, measureScroll, median, openCodePanel } from './code_panel.mjs';

const [pagePath, jsonPath] = process.argv.slice(2);
if (!pagePath || !fs.existsSync(pagePath)) {
  console.error('usage: node bench/frame_profile.mjs <200 KB html file> [json-out]');
  process.exit(2);
}
const kSteps = 15;

// In the page: counts every WebGL2 call by method name in window.kilnGlCalls.
function countGlCalls() {
  const proto = WebGL2RenderingContext.prototype;
  window.kilnGlCalls = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (typeof descriptor.value !== 'function' || name === 'constructor') continue;
    const original = descriptor.value;
    proto[name] = function (...args) {
      window.kilnGlCalls[name] = (window.kilnGlCalls[name] ?? 0) + 1;
      return original.apply(this, args);
    };
  }
}

// The category of a profile node's own time.
function category(frame) {
  const { url, functionName: name } = frame;
  if (url.startsWith('wasm://')) return 'wasm (Kiln + ImGui)';
  if (url.endsWith('/kiln.js')) {
    if (/^_(emscripten_)?gl[A-Z]|^emscriptenWebGL|^GL\./.test(name) || /^_gl/.test(name)) return 'JS glue: GL wrappers';
    if (/[Ee]vent|[Hh]andler|jstoi|fillMouse|getBoundingClientRect/.test(name)) return 'JS glue: event handlers';
    return `JS glue: other`;
  }
  if (name === '(program)') return '(program): browser native, outside JS';
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(idle)') return '(idle)';
  if (!url && WebGL2RenderingContext_methods.has(name)) return 'WebGL calls (browser native)';
  if (!url) return `native: ${name}`;
  return 'other JS (test bridge, harness)';
}
let WebGL2RenderingContext_methods = new Set();

const code = fs.readFileSync(pagePath, 'utf8');
const server = await startServer(webDir());
const browser = await launch('chromium', { swiftshader: true });
const results = {};
try {
  const { page } = await openCodePanel(browser, server.url, code);
  const session = await browser.target().createCDPSession();
  WebGL2RenderingContext_methods = new Set(await page.evaluate(() =>
    Object.getOwnPropertyNames(WebGL2RenderingContext.prototype)));

  // Pass 1: CPU per frame, nothing else attached.
  const plain = await measureScroll(page, session, kSteps);
  const empty = await measureEmptyFrames(page, session, kSteps);
  results.frame_cpu_ms_200kb = median(plain.perFrame);
  results.frame_cpu_ms_empty = median(empty.perFrame);

  // Pass 2: the CPU profile (no wrapper slows it down).
  const cdp = await page.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const frames0 = (await state(page)).frames_drawn;
  await cdp.send('Profiler.start');
  const scroll = await measureScroll(page, session, kSteps);
  const { profile } = await cdp.send('Profiler.stop');
  const frames = (await state(page)).frames_drawn - frames0;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = {};
  const byFunction = {};
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const key = category(node.callFrame);
    selfUs[key] = (selfUs[key] ?? 0) + profile.timeDeltas[i];
    if (key !== '(idle)') {
      const fn = `${key} | ${node.callFrame.functionName || '(anonymous)'}`;
      byFunction[fn] = (byFunction[fn] ?? 0) + profile.timeDeltas[i];
    }
  }
  results.frames = frames;
  results.profiled_cpu_ms_per_frame = scroll.cpuMs / scroll.frames;
  results.profile_ms_per_frame = Object.fromEntries(Object.entries(selfUs)
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1]).map(([key, us]) => [key, us / 1000 / frames]));
  results.top_functions_ms_per_frame = Object.fromEntries(Object.entries(byFunction)
    .sort((a, b) => b[1] - a[1]).slice(0, 25).map(([key, us]) => [key, us / 1000 / frames]));

  // Pass 3: the WebGL calls per frame.
  await page.evaluate(countGlCalls);
  const counted0 = (await state(page)).frames_drawn;
  await measureScroll(page, session, 3);
  const counted = (await state(page)).frames_drawn - counted0;
  const calls = await page.evaluate(() => window.kilnGlCalls);
  results.gl_calls_per_frame = Object.values(calls).reduce((a, b) => a + b, 0) / counted;
  results.gl_calls_by_method_per_frame = Object.fromEntries(Object.entries(calls)
    .sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, Math.round((10 * n) / counted) / 10]));
} finally {
  await browser.close();
  await server.stop();
}

const ms = (value) => `${value.toFixed(3)} ms`;
console.log(`\nOne frame of the 200 KB scroll, renderer main thread (${results.frames} frames)`);
console.log(`frame_cpu_ms_200kb            ${ms(results.frame_cpu_ms_200kb)}  median of ${kSteps} wheel steps, no profiler`);
console.log(`frame_cpu_ms_empty            ${ms(results.frame_cpu_ms_empty)}  the floor: the canvas cleared, nothing drawn`);
console.log(`main thread CPU, profiled     ${ms(results.profiled_cpu_ms_per_frame)}  (the profiler's own cost included)`);
console.log('Profile, self time per frame (wall clock: waits included)');
for (const [key, value] of Object.entries(results.profile_ms_per_frame)) console.log(`  ${key.padEnd(42)} ${ms(value)}`);
console.log('\nTop functions (self time per frame)');
for (const [key, value] of Object.entries(results.top_functions_ms_per_frame)) console.log(`  ${key.padEnd(70)} ${ms(value)}`);
console.log(`\nWebGL calls per frame: ${results.gl_calls_per_frame.toFixed(1)}`);
for (const [key, value] of Object.entries(results.gl_calls_by_method_per_frame)) console.log(`  ${key.padEnd(30)} ${value}`);
if (jsonPath) fs.writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
