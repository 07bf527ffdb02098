// Kiln's frames while an answer streams, in headless Chromium (the last figure of
// `scripts/bench codegen`; target in brackets):
//   frame_cpu_ms_streaming  the renderer main thread's CPU time per frame drawn while the loopback
//                           endpoint streams the recorded 2,050-token app at 2,000 tokens per
//                           second (kiln-test/paced/app-2000), median over runs [<= 8 ms]
// CPU time, not wall time (see renderer_cpu.mjs): it counts everything the main thread does while
// the answer arrives, the fetch reads, the decoding and the frames; divided by the frames drawn.
//
//   node bench/codegen_frames_bench.mjs <codegen.json>
// adds the figure to codegen.json (written by the native and wasm runs before it).

import fs from 'node:fs';
import {
  act, launch, openKiln, startLlmServer, startServer, state, waitForState, webDir,
} from '../tests/browser/harness.mjs';
import { rendererCpuMs } from './renderer_cpu.mjs';

const [jsonPath] = process.argv.slice(2);
if (!jsonPath || !fs.existsSync(jsonPath)) {
  console.error('usage: node bench/codegen_frames_bench.mjs <codegen.json written by kiln_bench_codegen>');
  process.exit(2);
}
const kRuns = 9;
const kTokensPerSecond = 2000;
const kStreamWindowMs = 4000; // the 2,050 tokens take about 1 s; the window also holds the last frames
const kTarget = 8;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const llm = await startLlmServer();
const server = await startServer(webDir());
const browser = await launch('chromium', { swiftshader: true });
const perFrame = [];
let frames = 0;
try {
  const { page } = await openKiln(browser, server.url);
  await act(page, 'newProject', 'Streaming');
  await waitForState(page, (s) => s.open?.name === 'Streaming' && s.saved === 'saved');
  await act(page, 'setEndpoint', JSON.stringify({
    base_url: `${llm.url}/tps=${kTokensPerSecond}/v1`, model: 'kiln-test/paced/app-2000',
  }));
  const session = await browser.target().createCDPSession();
  for (let run = 0; run < kRuns; run++) {
    process.stdout.write(`run ${run + 1}/${kRuns}…`);
    const before = await state(page);
    const cpu0 = await rendererCpuMs(session, { mainThreads: true });
    await act(page, 'send', `a habit tracker (${run})`);
    // The page is not polled while the answer streams: its state is read after the window.
    await sleep(kStreamWindowMs);
    const cpu = (await rendererCpuMs(session, { mainThreads: true })) - cpu0;
    const after = await state(page);
    if (after.generation.phase === 'running') throw new Error(`run ${run + 1}: still streaming after ${kStreamWindowMs} ms`);
    if (after.open.versions.length !== before.open.versions.length + 1) {
      throw new Error(`run ${run + 1}: no new version (${after.generation.phase}: ${after.generation.message})`);
    }
    const drawn = after.frames_drawn - before.frames_drawn;
    perFrame.push(cpu / drawn);
    frames += drawn;
    process.stdout.write(` ${drawn} frames, ${(cpu / drawn).toFixed(2)} ms each\n`);
  }
} finally {
  await browser.close();
  await server.stop();
  llm.stop();
}

const results = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
results.frame_cpu_ms_streaming = median(perFrame);
results.frames_streaming = frames;
fs.writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
console.log(`\nframe_cpu_ms_streaming  ${results.frame_cpu_ms_streaming.toFixed(2)} ms  <= ${kTarget}  ` +
  `${(results.frame_cpu_ms_streaming / kTarget).toFixed(2)}  renderer main thread per frame, median of ${kRuns} ` +
  `streams at ${kTokensPerSecond} tokens/s (${frames} frames)`);
console.log(`written to ${jsonPath}`);
