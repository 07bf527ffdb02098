// The scene of the browser frame benchmarks: Kiln's test build with a 200 KB file in the code
// panel, scrolled by the mouse wheel; and the same canvas cleared and nothing else, the floor.
// app_bench.mjs measures them (frame_cpu_ms_200kb and its floor), frame_profile.mjs breaks one
// down.

import { act, clickItem, openKiln, state, waitForItem, waitForState } from '../tests/browser/harness.mjs';
import { rendererCpuMs } from './renderer_cpu.mjs';

export const kStepMs = 1500; // the frames of one wheel step are drawn (software WebGL: ~3 frames a second)
// What one wheel step wakes: the frames requestFrame() asks for (src/platform/web/imgui_backend.h).
const kFramesPerStep = 3;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Opens Kiln at `url` in `browser`, saves `code` as the only version of a new project, shows it in
// the code panel and rests the pointer over its text. Resolves to {page, panel}: `panel` is the
// text's rectangle, for screenshots.
export async function openCodePanel(browser, url, code) {
  const { page } = await openKiln(browser, url);
  await act(page, 'newProject', 'Benchmark');
  await waitForState(page, (s) => s.open?.name === 'Benchmark');
  await act(page, 'addVersion', code);
  await waitForState(page, (s) => s.open?.code_bytes === Buffer.byteLength(code) && s.saved === 'saved');
  await clickItem(page, 'Code');
  const top = await waitForItem(page, '##text'); // the editor's text, taller than the panel
  await page.mouse.move(top.x + Math.min(top.w / 2, 300), top.y + 150);
  await sleep(1000);
  return { page, panel: { x: top.x, y: top.y, width: top.w, height: top.h } };
}

// `steps` times: `step()` wakes some frames, which are drawn within kStepMs. Per step, the renderer
// main thread's CPU time over the frames drawn, as measured by rendererCpuMs (CPU time, not wall
// time: with software WebGL the main thread spends most of each frame waiting for the GPU process
// to read the canvas back). `frames()` counts the frames drawn so far; it is read between steps,
// outside the time measured. Resolves to {perFrame (ms, one per step), frames, cpuMs}.
async function measureSteps(session, steps, step, frames) {
  const perFrame = [];
  let total = 0;
  let cpuMs = 0;
  for (let i = 0; i < steps; i++) {
    const before = await frames();
    const cpu0 = await rendererCpuMs(session, { mainThreads: true });
    await step();
    await sleep(kStepMs);
    const stepCpu = (await rendererCpuMs(session, { mainThreads: true })) - cpu0;
    const drawn = (await frames()) - before;
    if (drawn > 0) perFrame.push(stepCpu / drawn);
    total += drawn;
    cpuMs += stepCpu;
  }
  return { perFrame, frames: total, cpuMs };
}

// Kiln's frames: one mouse wheel notch down per step.
export function measureScroll(page, session, steps) {
  return measureSteps(session, steps, () => page.mouse.wheel({ deltaY: 120 }),
    async () => (await state(page)).frames_drawn);
}

// The floor: as many frames per step as a wheel notch wakes, each of which clears Kiln's canvas
// (the same WebGL2 context, the same size) and draws nothing, so the browser presents it. Kiln
// itself sleeps meanwhile (nothing wakes it). What is left is what any frame of this canvas costs
// the main thread: the animation frame, the WebGL context's flush and the canvas's presentation.
export function measureEmptyFrames(page, session, steps) {
  return measureSteps(session, steps, () => page.evaluate((count) => {
    const gl = document.querySelector('#canvas').getContext('webgl2');
    let left = count;
    const clear = () => {
      gl.clearColor(0, 0, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      window.kilnEmptyFrames = (window.kilnEmptyFrames ?? 0) + 1;
      if (--left > 0) requestAnimationFrame(clear);
    };
    requestAnimationFrame(clear);
  }, kFramesPerStep), () => page.evaluate(() => window.kilnEmptyFrames ?? 0));
}
