// What users get has no test hooks. The build that scripts/run serves and a user deploys
// (build/web, or $KILN_RELEASE_WEB_DIR) holds nothing that reads settings, runs actions or
// locates items: no window.kilnTest, no test-bridge exports, no item locator or input probe, in
// any file; its page, opened with ?test=1 as anyone could, starts normally without kilnTest. The
// test build (build/web-test, or $KILN_WEB_DIR), which every other browser test drives, has them
// all: it shows that what is searched for here is what the hooks look like.
// And each folder's service worker manifest lists exactly that folder's files, with their hashes.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';
import {
  browsers, distinctColors, engineFreeTests, newBrowser, openPage, releaseWebDir, screenshot, startServer, webDir,
} from './harness.mjs';

// The checks of files need no browser: run once, not once per engine (harness.mjs).
const once = { skip: !engineFreeTests() && 'runs in the first engine\'s process' };

// Traces of the hooks: kilnTest (web-test/js/kiln_test.js), kiln_test (the test bridge's exports
// kiln_test_*, and kiln_test.js in index.html), a key of kilnTest.platform()'s answer
// (src/platform/web/test_bridge.cpp), and a label of the input probe (src/ui/input_probe.cpp).
const kMarkers = ['kilnTest', 'kiln_test', 'hash_changes', 'Probe button'];

// Every file under `dir`, as paths relative to it with '/' between folders.
function filesUnder(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
    .sort();
}

// {marker: [files holding it]} for the markers found in `dir`'s files (text and binary alike:
// the names are ASCII, searched as bytes).
function markersIn(dir) {
  const found = {};
  for (const file of filesUnder(dir)) {
    const bytes = fs.readFileSync(path.join(dir, file));
    for (const marker of kMarkers) {
      if (bytes.includes(Buffer.from(marker, 'latin1'))) (found[marker] ??= []).push(file);
    }
  }
  return found;
}

function manifestOf(dir) {
  const sandbox = { self: {} };
  vm.runInNewContext(fs.readFileSync(path.join(dir, 'sw-manifest.js'), 'utf8'), sandbox);
  return JSON.parse(JSON.stringify(sandbox.self.kilnManifest)); // plain objects of this context
}

// The manifest as cmake/sw_manifest.cmake writes it for the files now in `dir`.
function expectedManifest(dir) {
  const files = {};
  let everything = '';
  for (const file of filesUnder(dir).filter((name) => name !== 'sw.js' && name !== 'sw-manifest.js')) {
    files[file] = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, file))).digest('hex');
    everything += `${file} ${files[file]}\n`;
  }
  return { version: crypto.createHash('sha256').update(everything).digest('hex').slice(0, 16), files };
}

test('the release files hold no test hooks; the test build holds them all', once, () => {
  const release = releaseWebDir();
  const testBuild = webDir();
  assert.notEqual(release, testBuild, 'the release folder and the test build folder are the same');
  for (const file of ['index.html', 'kiln.js', 'kiln.wasm', 'js/boot.js', 'sw.js', 'sw-manifest.js']) {
    assert.ok(fs.existsSync(path.join(release, file)), `${release} has no ${file}`);
  }

  assert.deepEqual(markersIn(release), {}, `test hooks in the files of ${release}`);

  const inTestBuild = markersIn(testBuild);
  for (const marker of kMarkers) {
    assert.ok(inTestBuild[marker], `the test build (${testBuild}) has no "${marker}": update this test's markers`);
  }
  // The wasm's export names are minified; kiln.js maps them to Module._kiln_test_*.
  assert.ok(inTestBuild.kiln_test.includes('kiln.js'), 'the test build\'s kiln.js has no kiln_test_ export');
  assert.ok(inTestBuild['Probe button'].includes('kiln.wasm'), 'the test build\'s kiln.wasm has no input probe');
  assert.ok(inTestBuild.kilnTest.includes('js/kiln_test.js'));
});

test('each build\'s service worker manifest lists exactly its own files', once, () => {
  for (const dir of [releaseWebDir(), webDir()]) {
    assert.deepEqual(manifestOf(dir), expectedManifest(dir),
      `${dir}/sw-manifest.js does not match the files of ${dir}`);
  }
  assert.equal(manifestOf(releaseWebDir()).files['js/kiln_test.js'], undefined);
  assert.ok(manifestOf(webDir()).files['js/kiln_test.js'], 'the test build\'s manifest leaves out js/kiln_test.js');
});

for (const engine of browsers()) {
  test(`the release page with ?test=1 starts, without kilnTest (${engine})`, { timeout: 180_000 }, async (t) => {
    const server = await startServer(releaseWebDir());
    t.after(() => server.stop());
    const browser = await newBrowser(t, engine);
    const { page, errors } = await openPage(browser, `${server.url}?test=1&probe=input`);

    // Started: the first frame drawn and the library open (src/main.cpp's performance marks).
    await page.waitForFunction(
      () => ['kiln:first-frame', 'kiln:library-open'].every((mark) => performance.getEntriesByName(mark).length > 0),
      { timeout: 90_000, polling: 100 });
    const seen = await page.evaluate(() => ({
      kilnTest: typeof window.kilnTest,
      hooks: Object.keys(window.Module ?? {}).filter((name) => /kiln_?test/i.test(name)),
      scripts: [...document.scripts].map((script) => script.getAttribute('src')),
      loadingHidden: document.getElementById('loading').hidden,
      fatalHidden: document.getElementById('fatal').hidden,
    }));
    assert.equal(seen.kilnTest, 'undefined', 'the release page exposes window.kilnTest');
    assert.deepEqual(seen.hooks, [], 'the release module exports test functions');
    assert.ok(seen.scripts.every((src) => !/test/i.test(src ?? '')), `scripts: ${seen.scripts.join(', ')}`);
    assert.ok(seen.loadingHidden && seen.fatalHidden, 'the loading or the error screen is still shown');

    const png = await screenshot(page, `release-page-${engine}.png`);
    const colors = distinctColors(png);
    assert.ok(colors > 32, `the canvas looks blank: only ${colors} distinct colours in the screenshot`);
    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
