// CPU time of Chromium's renderer processes, for the benchmarks that run Kiln in the browser.

import fs from 'node:fs';

// CPU time in ms of the renderer processes (the DevTools protocol lists them), all threads or
// only the main ones. Linux's /proc/<pid>/task/<tid>/schedstat counts the nanoseconds a thread
// ran; a renderer's main thread has the process's id.
export async function rendererCpuMs(browserSession, { mainThreads = false } = {}) {
  const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
  let ns = 0;
  for (const { id } of processInfo.filter((p) => p.type === 'renderer')) {
    const tasks = `/proc/${id}/task`;
    if (!fs.existsSync(tasks)) continue;
    for (const tid of mainThreads ? [String(id)] : fs.readdirSync(tasks)) {
      try {
        ns += Number(fs.readFileSync(`${tasks}/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return ns / 1e6;
}

// CPU time in ms of each renderer process's main thread, by process id.
export async function rendererMainThreadsMs(browserSession) {
  const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
  const times = new Map();
  for (const { id } of processInfo.filter((p) => p.type === 'renderer')) {
    try {
      times.set(id, Number(fs.readFileSync(`/proc/${id}/task/${id}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // the process ended meanwhile
    }
  }
  return times;
}
