// Shared helpers for Kiln's browser tests: start the static server, launch Chromium or Firefox
// through puppeteer-core, open Kiln's test build (build/web-test) in test mode (`?test=1`, which
// exposes `window.kilnTest`), read its state, click its ImGui items with real mouse events, take
// screenshots.
//
// Chromium runs headless with Mesa's llvmpipe (software WebGL2, see launch). Firefox ESR has no
// WebGL2 when headless here, so it runs headful and needs an X display: run the tests under
//   xvfb-run -a -s "-screen 0 1280x800x24" ...
// Software WebGL is slow (a frame costs tens of milliseconds of CPU), so tests wait on app state,
// never on a number of frames or a fixed delay.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import puppeteer from 'puppeteer-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'build/screenshots');
const ENGINES = ['chromium', 'firefox'];

// The built web app to test: $KILN_WEB_DIR (set by run.mjs), else build/web-test, the test
// build (`scripts/build web kiln_test`), the only one with window.kilnTest.
export function webDir() {
  const dir = path.resolve(process.env.KILN_WEB_DIR ?? path.join(REPO_ROOT, 'build/web-test'));
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`no index.html in ${dir}: build Kiln's test build first (scripts/build web kiln_test) or set KILN_WEB_DIR`);
  }
  return dir;
}

// The build that users get, with no test hooks: $KILN_RELEASE_WEB_DIR, else build/web
// (`scripts/build web kiln`).
export function releaseWebDir() {
  const dir = path.resolve(process.env.KILN_RELEASE_WEB_DIR ?? path.join(REPO_ROOT, 'build/web'));
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`no index.html in ${dir}: build Kiln first (scripts/build web kiln) or set KILN_RELEASE_WEB_DIR`);
  }
  return dir;
}

// Engines to run: both, or the comma-separated subset in $KILN_BROWSERS (e.g. "chromium").
export function browsers() {
  if (!process.env.KILN_BROWSERS) return [...ENGINES];
  const wanted = process.env.KILN_BROWSERS.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !ENGINES.includes(name));
  if (unknown.length) throw new Error(`KILN_BROWSERS: unknown engine(s) ${unknown.join(', ')}; known: ${ENGINES.join(', ')}`);
  return wanted;
}

// Whether this process runs the tests that need no browser (headers.test.mjs and parts of
// release_files.test.mjs): yes, except in the processes of run.mjs after the first one, which set
// $KILN_ENGINE_FREE_TESTS to 0 (those tests would otherwise run once per engine).
export function engineFreeTests() {
  return process.env.KILN_ENGINE_FREE_TESTS !== '0';
}

// Launches Debian's browser for `engine`. Puppeteer gives each launch a fresh temporary profile
// (user-data-dir) and deletes it on browser.close().
// Chromium draws WebGL2 and composites with Mesa's llvmpipe through EGL (no X display needed),
// the software renderer Firefox uses under Xvfb: on a 2-core machine a test spends most of its
// CPU drawing frames, and llvmpipe draws them with about a third less than SwiftShader.
// `swiftshader: true` (Chromium only) is the setup the benchmarks' figures were measured in since
// they began: SwiftShader WebGL2, without GPU compositing.
// `fission: true` (Firefox only) starts Firefox with its real site isolation: puppeteer's own
// launcher turns Fission off (one content process for every site), so a test that depends on
// another site's frame having its own process starts Firefox itself and connects over BiDi.
export async function launch(engine, { fission = false, swiftshader = false } = {}) {
  if (engine === 'firefox' && fission) return launchFirefoxWithFission();
  if (engine === 'chromium') {
    return puppeteer.launch({
      browser: 'chrome',
      executablePath: '/usr/bin/chromium',
      headless: true,
      timeout: 60_000,
      args: [
        '--no-sandbox',
        ...(swiftshader
          ? ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-gpu']
          : ['--use-angle=gl-egl', '--ignore-gpu-blocklist']),
        // Without these Chromium keeps trying to reach the (closed) network.
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }
  if (engine === 'firefox') {
    if (!process.env.DISPLAY) {
      throw new Error('Firefox needs an X display for WebGL2: run under xvfb-run -a -s "-screen 0 1280x800x24"');
    }
    return puppeteer.launch({
      browser: 'firefox',
      executablePath: '/usr/bin/firefox-esr',
      headless: false,
      timeout: 60_000,
      extraPrefsFirefox: { 'webgl.force-enabled': true },
    });
  }
  throw new Error(`unknown engine: ${engine}`);
}

// Firefox ESR with a profile of our own whose user.js keeps Fission on, driven over WebDriver
// BiDi (/work TOOLCHAIN: "Process isolation of a preview frame"). browser.close() also ends the
// process and removes the profile.
async function launchFirefoxWithFission() {
  if (!process.env.DISPLAY) {
    throw new Error('Firefox needs an X display for WebGL2: run under xvfb-run -a -s "-screen 0 1280x800x24"');
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-firefox-fission-'));
  const prefs = {
    'fission.webContentIsolationStrategy': 1,
    'fission.autostart': true,
    'webgl.force-enabled': true,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.aboutwelcome.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'app.update.disabledForTesting': true,
    'browser.tabs.warnOnClose': false,
  };
  fs.writeFileSync(path.join(profile, 'user.js'),
    Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`).join(''));
  const child = spawn('/usr/bin/firefox-esr', ['--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const cleanUp = () => {
    child.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Firefox did not start WebDriver BiDi within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`Firefox exited with code ${code} before WebDriver BiDi started`)));
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const browser = await puppeteer.connect({ browserWSEndpoint: `${endpoint}/session`, protocol: 'webDriverBiDi' });
  browser.firefoxPid = child.pid; // puppeteer's browser.process() is null for a connected browser
  const close = browser.close.bind(browser);
  browser.close = async () => {
    const exited = child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null;
    await close().catch(() => {});
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    process.off('exit', cleanUp);
    cleanUp();
  };
  return browser;
}

// Serves `dir` with scripts/serve.mjs on a free port of `host` (another loopback address, e.g.
// 127.0.0.2, is another site). Resolves to {url, previewUrl, stop()} once listening.
// By default the live preview gets an origin of its own on another site (http://localhost:Q/,
// previewUrl), as a real deployment has; `singleOrigin: true` serves Kiln alone, whose previews
// then run on its own origin (the fallback: previewUrl is null). A folder that is not Kiln (no
// preview/index.html: an embedding page's) is served alone.
export async function startServer(dir, { host = '127.0.0.1', singleOrigin = false } = {}) {
  const args = [path.join(REPO_ROOT, 'scripts/serve.mjs'), dir, '--port', '0', '--host', host];
  if (!singleOrigin && fs.existsSync(path.join(dir, 'preview/index.html'))) args.push('--preview-port', '0', '--preview-host', host === 'localhost' ? '127.0.0.1' : 'localhost');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killChild = () => child.kill();
  process.on('exit', killChild); // never leave a server behind, even if a test forgets stop()
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));

  let previewUrl = null;
  const url = await new Promise((resolve, reject) => {
    const onExit = (code) => fail(`exited with code ${code}`);
    const timer = setTimeout(() => fail('no "Kiln is running at" line within 10 s'), 10_000);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`serve.mjs: ${why}\n${stderr}`));
    };
    child.once('exit', onExit);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const preview = /^The preview runs at (http:\/\/\S+)$/.exec(line);
      if (preview) previewUrl = preview[1];
      const match = /^Kiln is running at (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(match[1]);
      }
    });
  });

  return {
    url,
    previewUrl,
    async stop() {
      process.off('exit', killChild);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Starting a browser takes seconds (Firefox, with a fresh profile, often ten or more), so under
// the test runner (`node --test`; run.mjs runs every file in one process per engine) the tests share one
// browser of each kind, launched when first asked for and closed once the last test is done;
// each test gets a browser context of its own (its own cookies, storage, caches and service
// workers, as a fresh profile has). Run any other way, each test launches a browser of its own.
const sharedBrowsers = new Map(); // "<engine> <fission>" -> Promise of a Browser
const shareBrowsers = Boolean(process.env.NODE_TEST_CONTEXT);
if (shareBrowsers) {
  // Registered while the first test file is loaded, so it runs after the last test.
  after(() => Promise.all([...sharedBrowsers.values()].map((launched) =>
    launched.then((browser) => browser.close()).catch(() => {}))));
}

// A fresh browser of `engine` for test `t`, closed when `t` ends: a new context of the file's
// shared browser (see above), else a browser of its own. It has the Browser methods the tests
// use (newPage, pages, close); `firefoxPid` with `fission`. `fission`: as launch's.
export async function newBrowser(t, engine, { fission = false } = {}) {
  if (!shareBrowsers) {
    const browser = await launch(engine, { fission });
    t.after(() => browser.close());
    return browser;
  }
  const key = `${engine} ${fission}`;
  let shared = await sharedBrowsers.get(key)?.catch(() => null);
  if (!shared?.connected) { // first use, or the browser failed to start or went away
    const launched = launch(engine, { fission });
    sharedBrowsers.set(key, launched);
    shared = await launched;
  }
  const context = await shared.createBrowserContext();
  t.after(() => context.close());
  context.firefoxPid = shared.firefoxPid;
  return context;
}

// The start of most tests: Kiln served from `dir` and a fresh browser of `engine` (newBrowser),
// both stopped when test `t` ends. Resolves to {server, browser}. `options`: startServer's
// (singleOrigin) and launch's (fission).
export async function serveAndLaunch(t, engine, dir = webDir(), { singleOrigin = false, fission = false } = {}) {
  const server = await startServer(dir, { singleOrigin });
  t.after(() => server.stop());
  const browser = await newBrowser(t, engine, { fission });
  return { server, browser };
}

// Starts tests/llm-server on a free port; resolves to {url (the /v1 base), stop()}.
export async function startLlmServer(flags = []) {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'tests/llm-server/server.mjs'), '--port', '0', ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killChild = () => child.kill();
  process.on('exit', killChild);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('llm-server did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`llm-server exited with code ${code}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^llm-server listening on (http:\/\/\S+)\/v1$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    stop() {
      process.off('exit', killChild);
      child.kill();
    },
  };
}

// Starts PouchDB Server (a CouchDB-protocol server, from npm: node_modules/pouchdb-server) on a
// free port of 127.0.0.1, keeping its databases, config and log in a scratch folder; resolves to
// {url (the server's, no trailing slash), halt(), resume(), stop()} once it answers. halt() ends
// the server as a crash would (connections dropped mid-request); resume() starts it again on the
// same port, with what it had stored; stop() ends it and removes the folder.
export async function startCouchServer() {
  const port = await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-couch-'));
  const bin = path.join(REPO_ROOT, 'node_modules/pouchdb-server/bin/pouchdb-server');
  const url = `http://127.0.0.1:${port}`;
  let child = null;
  let stderr = '';
  const kill = () => child?.kill('SIGKILL');
  const run = async () => {
    child = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', String(port)], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    for (const deadline = Date.now() + 30_000; ;) {
      if (child.exitCode !== null) throw new Error(`pouchdb-server exited with code ${child.exitCode}\n${stderr}`);
      try {
        if ((await fetch(`${url}/`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`pouchdb-server did not answer within 30 s\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const remove = () => {
    kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', remove);
  try {
    await run();
  } catch (error) {
    remove();
    throw error;
  }
  return {
    url,
    async halt() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      kill();
      await exited;
    },
    resume: run,
    stop() {
      process.off('exit', remove);
      remove();
    },
  };
}

// Stands in for the browser's download, as openKiln's `preload`: records what a click on an
// <a download> would save (the Blob behind its URL: the page's CSP lets nothing fetch blob: URLs).
export function captureDownloads() {
  window.kilnTestDownloads = [];
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (blob) => {
    const url = createObjectURL.call(URL, blob);
    blobs.set(url, blob);
    return url;
  };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (!this.download) return click.call(this);
    window.kilnTestDownloads.push({ name: this.download, blob: blobs.get(this.href) });
  };
}

// The `count`th download of a page opened with captureDownloads, once there: {name, bytes}.
export async function download(page, count = 1) {
  await page.waitForFunction((n) => window.kilnTestDownloads.length >= n, { timeout: 30_000 }, count);
  const { name, base64 } = await page.evaluate(async (n) => {
    const { name, blob } = window.kilnTestDownloads[n - 1];
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { name, base64: btoa(binary) };
  }, count);
  return { name, bytes: new Uint8Array(Buffer.from(base64, 'base64')) };
}

// Opens `url` (null: none yet) in a new page of `browser`. Returns {page, errors}: `errors` keeps
// filling with the page's console errors and uncaught exceptions for the page's lifetime.
// `hasTouch` makes the page a touch device (touch events, puppeteer's page.touchscreen);
// `preload` (a function) runs in the page before any of its scripts, on every load: tests use it
// to stand in for browser APIs. `window: true` opens the page in a window of its own rather than
// a tab, so that two pages are both visible (a background tab's timers and frames are throttled).
export async function openPage(browser, url, {
  width = 1280, height = 800, deviceScaleFactor = 1, hasTouch = false, preload = null, window = false,
} = {}) {
  const page = await browser.newPage(window ? { type: 'window' } : undefined);
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    const message = `${error.message ?? error}`;
    // Firefox logs this when a page goes away (a reload) while the service worker is still
    // answering one of its requests, which the unload cancels; seen once, with an empty URL,
    // right after a reload that followed a preview's load. What the page needs is asserted by
    // the tests themselves.
    if (/^Failed to load ‘’\. A ServiceWorker intercepted the request and encountered an unexpected error\.$/.test(message)) return;
    errors.push(`uncaught: ${message}`);
  });
  await page.setViewport({ width, height, deviceScaleFactor, hasTouch });
  if (preload) await page.evaluateOnNewDocument(preload);
  if (url !== null) await page.goto(url);
  return { page, errors };
}

// How often waitForKiln and waitForState look again: a wait ends on average half of this after
// what it waits for, and each look is one round trip to the page.
const kPollMs = 25;

// Opens Kiln at `url` in test mode (`?test=1`) in a new page and waits until it reports ready.
// Returns {page, errors}; `options` are openPage's.
export async function openKiln(browser, url, options = {}) {
  const testUrl = new URL(url);
  testUrl.searchParams.set('test', '1');
  const { page, errors } = await openPage(browser, testUrl.href, options);
  await waitForKiln(page, errors);
  return { page, errors };
}

// Waits until the Kiln in `target` (a page, or a frame holding Kiln) reports ready, e.g. after a
// reload; on timeout throws with what the page shows and the `errors` collected so far.
export async function waitForKiln(target, errors = []) {
  try {
    await target.waitForFunction(
      () => {
        try {
          return window.kilnTest?.state().ready === true;
        } catch {
          return false; // state() may throw while the module is still starting
        }
      },
      { timeout: 60_000, polling: kPollMs },
    );
  } catch (error) {
    // The page's visible text shows Kiln's loading or error screen, if any.
    const seen = await target.evaluate(() => ({
      kilnTest: Boolean(window.kilnTest),
      text: document.body?.innerText.trim().replace(/\s+/g, ' ').slice(0, 500),
    })).catch(() => ({}));
    throw new Error(`Kiln did not become ready at ${target.url()}: ${error.message}\n` +
      `window.kilnTest ${seen.kilnTest ? 'exists' : 'is missing'}; page text: ${JSON.stringify(seen.text)}` +
      (errors.length ? `\npage errors:\n  ${errors.join('\n  ')}` : ''));
  }
}

// Kiln's test state, as the plain object window.kilnTest.state() returns.
export function state(page) {
  return page.evaluate(() => window.kilnTest.state());
}

// Runs kilnTest.act(name, argument) in the page (a test action, called as the UI calls it).
export async function act(page, name, argument = '') {
  const answer = await page.evaluate((n, a) => window.kilnTest.act(n, a), name, argument);
  if (answer && answer.error) throw new Error(`act ${name}: ${answer.error}`);
}

// Runs one read-only SQL statement on Kiln's library in the page; resolves to its rows.
export async function query(page, sql) {
  const answer = await page.evaluate((statement) => window.kilnTest.query(statement), sql);
  if (answer.error) throw new Error(`query ${sql}: ${answer.error}`);
  return answer.rows;
}

// Reloads Kiln in `page` and waits until it reports ready. Firefox sometimes aborts a reload
// (NS_BINDING_ABORTED) that meets another navigation of the page: Kiln setting the URL's hash, or,
// on a first visit, the service worker claiming the page. The page then stays as it was (a mark
// left in it says so) and is reloaded once more.
export async function reloadKiln(page, errors = []) {
  await page.evaluate(() => { window.kilnTestBeforeReload = true; });
  try {
    await page.reload();
  } catch (error) {
    if (!/NS_BINDING_ABORTED/.test(error.message)) throw error;
    const stayed = await page.evaluate(() => window.kilnTestBeforeReload === true).catch(() => false);
    if (stayed) await page.reload();
  }
  await waitForKiln(page, errors);
}

// Waits until `sql` (query) gives `rows` (compared as JSON: numbers come as text); resolves to them.
export async function waitForRows(page, sql, rows, timeoutMs = 10_000) {
  const wanted = JSON.stringify(rows);
  let got = null;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    got = await query(page, sql);
    if (JSON.stringify(got) === wanted) return got;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${sql} gave ${JSON.stringify(got)}, not ${wanted}, within ${timeoutMs} ms`);
}

// Waits until a frame has drawn the ImGui item labelled `label` (state can run a frame ahead of
// the screen); resolves to its rectangle in CSS pixels of the viewport, as mouse coordinates are.
export async function waitForItem(page, label, timeoutMs = 10_000) {
  const rect = await page.waitForFunction((itemLabel) => window.kilnTest.itemRect(itemLabel),
    { timeout: timeoutMs, polling: 50 }, label).then((handle) => handle.jsonValue()).catch(() => null);
  if (!rect) {
    const last = JSON.stringify(await state(page));
    throw new Error(`no item "${label}" drawn within ${timeoutMs} ms (kilnTest.itemRect returned null); state: ${last}`);
  }
  return rect;
}

// Waits for two animation frames, and until Kiln's frame loop sleeps (the frames asked for are
// drawn) or for at most a second (a stream or an animation keeps it drawing).
async function framesDone(target) {
  await target.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await target.waitForFunction(() => !window.kilnTest.state().frames_pending, { timeout: 1_000, polling: 10 })
    .catch(() => {});
}

// Clicks the ImGui item labelled `label` with real mouse events at the centre of its rectangle,
// once it is drawn. `frame`: the frame of `page` that holds Kiln (an embedded Kiln), whose
// item rectangles are offset by where the frame's content sits in the page.
export async function clickItem(page, label, frame = page) {
  const content = frame === page ? [{ x: 0, y: 0 }] : (await (await frame.frameElement()).boxModel()).content;
  const centre = (rect) => ({ x: content[0].x + rect.x + rect.w / 2, y: content[0].y + rect.y + rect.h / 2 });
  let target = centre(await waitForItem(frame, label));
  // Hover first and let the app draw its frames, so ImGui sees the mouse over the item before
  // the button goes down, as with a person's click. The state can run a frame ahead of the
  // screen (a saved version joins the list in the next frame, moving the rows below it; a popup
  // sizes itself in its second frame): the frames the hover draws show the current layout, so
  // the item is looked up again until it stays where the pointer is.
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.mouse.move(target.x, target.y);
    await framesDone(frame);
    const now = centre(await waitForItem(frame, label));
    if (now.x === target.x && now.y === target.y) break;
    target = now;
  }
  await page.mouse.click(target.x, target.y, { delay: 50 });
}

// Taps the ImGui item labelled `label` on a touch screen (a page opened with hasTouch), at the
// centre of its rectangle, once it is drawn and stays where it is for a frame or two (a list or
// a tab just shown can still move in its next frame, as clickItem's hover waits out).
export async function tapItem(page, label) {
  const centre = (rect) => ({ x: rect.x + rect.w / 2, y: rect.y + rect.h / 2 });
  let target = centre(await waitForItem(page, label));
  for (let attempt = 0; attempt < 5; attempt++) {
    await framesDone(page);
    const now = centre(await waitForItem(page, label));
    if (now.x === target.x && now.y === target.y) break;
    target = now;
  }
  await page.touchscreen.tap(target.x, target.y);
}

// Clicks a text field and replaces its text with `text`, by real key presses.
export async function replaceText(page, label, text) {
  await clickItem(page, label);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

// Waits until Kiln's hidden text element (web/js/input.js) has the keyboard: a text field is
// being edited, so keys and input events reach it.
export function waitForTextFocus(page) {
  return page.waitForFunction(() => document.activeElement?.id === 'kiln-text', { timeout: 30_000, polling: 50 });
}

// Clicks the text field labelled `label` and waits until it takes the keyboard.
export async function focusText(page, label) {
  await clickItem(page, label);
  await waitForTextFocus(page);
}

// Puts `text` into the text field being edited at once, as a paste or an input method's commit
// does (one input event, insertText), instead of a key press per character: with a software
// renderer and frames at most 60 a second, each typed character costs two frames.
export async function insertText(page, text) {
  await waitForTextFocus(page);
  await page.evaluate((t) => document.execCommand('insertText', false, t), text);
}

// Polls state() until predicate(state) is true; on timeout throws with the last state in the message.
// `predicate` is a function of the state, or the source of an expression over `s` ("s.ready").
export async function waitForState(page, predicate, timeoutMs = 30_000) {
  const test = typeof predicate === 'function' ? predicate : new Function('s', `return (${predicate});`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await state(page);
    if (test(current)) return current;
    if (Date.now() >= deadline) {
      throw new Error(`waitForState: timed out after ${timeoutMs} ms waiting for ${predicate}\n` +
        `last state: ${JSON.stringify(current)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, kPollMs));
  }
}

// Waits until Kiln's frame loop sleeps (no frame on its way) and has drawn no frame for 200 ms
// (what an event asked for is drawn, and the short delays before a storage event's frame are
// past: the app is idle), then resolves to state().frames_drawn.
export async function settledFrames(page) {
  let last = (await state(page)).frames_drawn;
  for (let quiet = 0; quiet < 4;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await state(page);
    quiet = now.frames_drawn === last && !now.frames_pending ? quiet + 1 : 0;
    last = now.frames_drawn;
  }
  return last;
}

// Saves a screenshot of the viewport as build/screenshots/<file>; returns the PNG bytes.
export async function screenshot(page, file) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return Buffer.from(await page.screenshot({ path: path.join(SCREENSHOT_DIR, file) }));
}

// Number of distinct colours in a PNG as puppeteer writes them (8-bit RGB or RGBA, not
// interlaced). A blank or single-colour canvas gives 1 or 2; any real UI gives far more.
export function distinctColors(png) {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const [bitDepth, colorType, , , interlace] = png.subarray(24, 29);
  const channels = { 2: 3, 6: 4 }[colorType];
  if (bitDepth !== 8 || !channels || interlace !== 0) throw new Error('distinctColors: unsupported PNG format');

  const idat = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const data = zlib.inflateSync(Buffer.concat(idat));

  // Undo the per-row filters (PNG spec, section 9) while collecting the colours.
  const stride = width * channels;
  let previous = new Uint8Array(stride);
  const colors = new Set();
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? row[i - channels] : 0;
      const up = previous[i];
      const upLeft = i >= channels ? previous[i - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      row[i] = (row[i] + predictor) & 0xff; // in place: `row` becomes the decoded row
    }
    for (let i = 0; i < stride; i += channels) colors.add((row[i] << 16) | (row[i + 1] << 8) | row[i + 2]);
    previous = row;
  }
  return colors.size;
}
