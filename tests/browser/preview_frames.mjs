// Helpers of the preview's tests: the host frame of the live preview (web/preview/host.js).

// The preview's host frame, once it has loaded: on the preview origin, or Kiln's own preview/.
export async function hostFrame(page, server) {
  const url = server.previewUrl ?? new URL('preview/', server.url).href;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const frame = page.frames().find((candidate) => candidate.url() === url);
    if (frame && await frame.evaluate(() => document.readyState === 'complete' && document.querySelector('iframe') !== null).catch(() => false)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no preview host frame at ${url}`);
}


// The frame of `page` (not its main one) in which `check(...args)` (a function run in each frame)
// returns true, once there is one; null after `timeoutMs`. Finds the app a preview or a tab ran.
export async function appFrame(page, check, timeoutMs = 30_000, ...args) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.detached) continue;
      // A frame may go away while it is asked (a preview reloading): puppeteer then throws at once.
      try {
        if (await frame.evaluate(check, ...args)) return frame;
      } catch {}
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}
