// Loading and failure: when Kiln cannot start, the page says why in words (the shell's error
// screen), never a blank canvas: kiln.wasm missing (404) or damaged, kiln.js missing, no WebGL2,
// no WebAssembly. The broken copies of the app are served from temporary folders.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { browsers, newBrowser, screenshot, startServer, webDir } from './harness.mjs';

// A copy of the built app, changed by `breakIt(dir)`; removed after the test.
function brokenCopy(t, breakIt) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-broken-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(webDir(), dir, { recursive: true });
  breakIt(dir);
  return dir;
}

// Opens `url` and waits for the error screen; returns what it shows.
async function fatalScreen(browser, url, preload = null) {
  const page = await browser.newPage();
  if (preload) await page.evaluateOnNewDocument(preload);
  await page.goto(url);
  await page.waitForFunction(() => !document.getElementById('fatal').hidden, { timeout: 60_000 });
  const shown = await page.evaluate(() => ({
    title: document.querySelector('#fatal h1').textContent,
    message: document.getElementById('fatal-message').textContent,
    detail: document.getElementById('fatal-detail').textContent,
    loadingHidden: document.getElementById('loading').hidden,
    canvasHidden: document.getElementById('canvas').hidden,
    reload: Boolean(document.getElementById('fatal-reload')),
  }));
  return { page, shown };
}

function assertReadable(shown, message, detail = /^$/) {
  assert.equal(shown.title, 'Kiln could not start');
  assert.match(shown.message, message);
  assert.match(shown.detail, detail);
  assert.equal(shown.loadingHidden, true, 'the loading screen is still up');
  assert.equal(shown.canvasHidden, true, 'the canvas is still shown');
  assert.equal(shown.reload, true, 'no Reload button');
}

const cases = [
  {
    name: 'kiln.wasm missing (404)',
    file: 'wasm-404',
    breakIt: (dir) => fs.rmSync(path.join(dir, 'kiln.wasm')),
    message: /^Kiln could not be downloaded\. Check your connection and reload\.$/,
    detail: /^kiln\.wasm: the server answered 404 Not Found$/,
  },
  {
    name: 'kiln.wasm damaged',
    file: 'wasm-corrupt',
    breakIt: (dir) => {
      const wasm = path.join(dir, 'kiln.wasm');
      const bytes = fs.readFileSync(wasm);
      fs.writeFileSync(wasm, bytes.subarray(0, bytes.length >> 1)); // cut off half-way, as a broken download
    },
    message: /code \(kiln\.wasm\) arrived damaged, or does not belong to this version of the page\. Reload/,
    detail: /./, // the engine's own words (CompileError)
  },
  {
    name: 'kiln.js missing',
    file: 'js-404',
    breakIt: (dir) => fs.rmSync(path.join(dir, 'kiln.js')),
    message: /^Kiln could not be downloaded\./,
    detail: /^kiln\.js did not load$/,
  },
];

for (const engine of browsers()) {
  test(`a readable page when Kiln cannot start (${engine})`, { timeout: 240_000 }, async (t) => {
    const browser = await newBrowser(t, engine);

    for (const broken of cases) {
      await t.test(broken.name, async () => {
        const server = await startServer(brokenCopy(t, broken.breakIt));
        try {
          const { page, shown } = await fatalScreen(browser, server.url);
          assertReadable(shown, broken.message, broken.detail);
          await screenshot(page, `fatal-${broken.file}-${engine}.png`);
          await page.close();
        } finally {
          await server.stop();
        }
      });
    }

    const server = await startServer(webDir());
    t.after(() => server.stop());
    await t.test('no WebGL2', async () => {
      const { page, shown } = await fatalScreen(browser, server.url, () => {
        const getContext = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
          return type === 'webgl2' ? null : getContext.call(this, type, ...rest);
        };
      });
      assertReadable(shown, /could not start WebGL2.*Turn on hardware acceleration/);
      await screenshot(page, `fatal-no-webgl2-${engine}.png`);
      await page.close();
    });
    await t.test('no WebAssembly', async () => {
      const { page, shown } = await fatalScreen(browser, server.url, () => { delete window.WebAssembly; });
      assertReadable(shown, /cannot run WebAssembly/);
      await page.close();
    });
  });
}
