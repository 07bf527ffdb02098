// The console below the preview (src/app/preview_console.h, web/preview/host.js's prelude): what
// a generated app logs, throws, rejects or fails to load reaches Kiln with the line in the
// version's code; an entry with a line shows the code there; each version keeps its last run's
// console in the library; a flood is capped and leaves Kiln answering.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, serveAndLaunch, startLlmServer, state, waitForItem, waitForRows, waitForState,
} from './harness.mjs';

// The throw is on line 9 of the version's code.
const kApp = `<!doctype html>
<html><body>
<h1>Logs</h1>
<img src="missing-image.png">
<script>
  console.log('started', { count: 2 });
  console.warn('careful');
  Promise.reject(new Error('nobody waited'));
  undefinedFunction();
</script>
</body></html>`;

const kFlood = `<!doctype html><script>
  for (let i = 0; i < 10000; i++) console.log('line ' + i);
  setTimeout(() => console.error('after the flood'), 500);
</script>`;

for (const engine of browsers()) {
  test(`the app's console and errors reach Kiln, with lines in the version's code (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Logs');
      await waitForState(page, (s) => s.open?.name === 'Logs');
      await act(page, 'addVersion', kApp);
      const reported = await waitForState(page, (s) => s.console.count >= 5);
      const texts = reported.console.last.map((entry) => `${entry.level} ${entry.line} ${entry.text}`);
      assert.ok(texts.includes('log 0 started {"count":2}'), texts.join('\n'));
      assert.ok(texts.includes('warn 0 careful'), texts.join('\n'));
      assert.ok(texts.some((text) => /^error 9 .*undefinedFunction/.test(text)), texts.join('\n'));
      assert.ok(texts.some((text) => /^error 0 Unhandled promise rejection: Error: nobody waited$/.test(text)), texts.join('\n'));
      assert.ok(texts.some((text) => /^error 0 Could not load img .*missing-image\.png: the server did not answer or refused it/.test(text)), texts.join('\n'));
      assert.equal(reported.console.errors, 3);

      // The console opens from its header; the error's entry shows the code panel.
      await clickItem(page, `Console: ${reported.console.count} messages, 3 errors  ▸`);
      const error = reported.console.last.find((entry) => entry.line === 9);
      await clickItem(page, `line 9: ${error.text}`);
      await waitForItem(page, 'Copy code');

      // Another version is another run: its console starts empty.
      await act(page, 'addVersion', '<!doctype html><p>quiet</p>');
      await clickItem(page, 'Preview');
      await waitForState(page, (s) => s.open.versions.length === 2 && s.console.count === 0 && s.preview.state === 'running');
      // Version 1's run is kept with it in the library, and its errors show in the timeline.
      // (Version 2 reported nothing and keeps nothing: no row of its own.)
      await waitForRows(page, 'SELECT v.number, c.errors, json_array_length(c.entries) FROM version_console c ' +
        'JOIN versions v ON v.id = c.version_id ORDER BY v.number', [['1', '3', String(reported.console.count)]]);
      assert.deepEqual((await state(page)).open.versions.map((v) => v.console_errors), [3, null]);
      // Firefox tells the test of the app's own uncaught errors too.
      assert.deepEqual(errors.filter((line) => !/undefinedFunction|nobody waited|missing-image/.test(line)), []);
    });

  test(`an app that shows nothing and reported errors is called out over the preview (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Blank');
      await waitForState(page, (s) => s.open?.name === 'Blank');
      await act(page, 'addVersion', '<!doctype html>\n<div id="root"></div>\n<script>\ndocument.getElementById("app").textContent = "hi";\n</script>');
      const blank = await waitForState(page, (s) => s.console.blank_message !== '');
      assert.match(blank.console.blank_message, /^The app shows nothing, and reported 1 error, first: .*null.* \(line 4\)\.$/);
      await clickItem(page, 'Show the console');
      await clickItem(page, 'Show line 4');
      await waitForItem(page, 'Copy code');
      await clickItem(page, 'Preview');
      // An app that shows something is not called out, errors or not.
      await act(page, 'addVersion', '<!doctype html>\n<p>here</p>\n<script>\nnothing();\n</script>');
      await waitForState(page, (s) => s.open.versions.length === 2 && s.console.errors === 1);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // past the look a second after loading
      const shown = await state(page);
      assert.equal(shown.console.blank, false);
      assert.equal(shown.console.blank_message, '');
      assert.deepEqual(errors.filter((line) => !/textContent|nothing/.test(line)), []);
    });

  test(`Fix errors asks the model for a version without them, and says which are gone (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const llm = await startLlmServer(['--tps', '0']);
      t.after(() => llm.stop());
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Broken');
      await waitForState(page, (s) => s.open?.name === 'Broken');
      // A model the loopback endpoint has no scenario for: a follow-up only adds a paragraph.
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model: 'any-model' }));
      await act(page, 'addVersion', '<!doctype html>\n<p>total: <span id="total"></span></p>\n<script>\ntotl = 3;\nfoo.bar();\n</script>\n</body>');
      const broken = await waitForState(page, (s) => s.console.errors === 1 && s.saved === 'saved');
      // Auto-fix on: a Fix that leaves the errors as they were is not tried again.
      await clickItem(page, 'Auto-fix');
      await waitForRows(page, "SELECT value FROM settings WHERE key = 'auto_fix'", [['on']]);
      await clickItem(page, 'Fix errors');
      const still = await waitForState(page, (s) => s.open.versions.length === 2 && s.fix?.report?.loaded &&
        s.fix.auto_fix_note !== '');
      assert.equal(still.fix.auto_fix_note, 'Auto-fix stopped: the errors did not go down (1, then 1).');
      assert.equal(still.open.versions[1].prompt,
        `Fix the errors the app reported when it ran:\n- ${broken.console.last[0].text} (line 5)\nKeep everything else as it is.`);
      assert.deepEqual(still.fix.report.still, [broken.console.last[0].text]);
      assert.match(still.fix.report.message, /^1 of 1 error asked about is still reported: .*foo/);

      // kiln-test/ok answers any prompt with a whole counter app: the error is gone.
      await act(page, 'setEndpoint', JSON.stringify({ model: 'kiln-test/ok' }));
      await waitForState(page, (s) => s.console.errors === 1);
      await clickItem(page, 'Fix errors');
      const fixed = await waitForState(page, (s) => s.open.versions.length === 3 && s.fix?.report?.loaded);
      assert.deepEqual(fixed.fix.report.still, []);
      assert.equal(fixed.fix.report.message, 'Fixed: the 1 error asked about is gone.');
      assert.deepEqual(errors.filter((line) => !/foo/.test(line)), []);
    });

  test(`a library or request that cannot load is named in the console, with why (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Libraries');
      await waitForState(page, (s) => s.open?.name === 'Libraries');
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      await act(page, 'addVersion', `<!doctype html><p>charts</p>
<script src="http://127.0.0.1:9/chart.js"></script>
<script>fetch('http://127.0.0.1:9/data.json').catch(() => {});</script>`);
      const online = await waitForState(page, (s) => s.console.last.filter((entry) => /127\.0\.0\.1:9/.test(entry.text)).length === 2);
      const texts = online.console.last.map((entry) => entry.text);
      assert.ok(texts.includes('Could not load script http://127.0.0.1:9/chart.js: the server did not answer or refused it (or the address is wrong)'), texts.join('\n'));
      assert.ok(texts.includes('fetch http://127.0.0.1:9/data.json failed: the server did not answer or refused it (or the address is wrong)'), texts.join('\n'));

      await clickItem(page, 'Network');
      const off = await waitForState(page, (s) => !s.open.network &&
        s.console.last.some((entry) => entry.text.startsWith('Could not load script http://127.0.0.1:9/chart.js: the project\'s Network switch is off')) &&
        s.console.last.some((entry) => entry.text.startsWith('fetch http://127.0.0.1:9/data.json failed: the project\'s Network switch is off')));
      assert.ok(off.console.errors >= 2);
      assert.deepEqual(errors.filter((line) => !/127\.0\.0\.1:9|Content Security Policy|Content-Security-Policy/.test(line)), []);
    });

  test(`a flood of 10,000 console lines is capped and Kiln keeps answering (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Flood');
      await waitForState(page, (s) => s.open?.name === 'Flood');
      await act(page, 'addVersion', kFlood);
      // The guard calls the app running at its next heartbeat after an answer: up to 500 ms later.
      const flooded = await waitForState(page, (s) => s.console.last.some((entry) => entry.text === 'after the flood') &&
        s.preview.state === 'running');
      assert.ok(flooded.console.count <= 1000, `${flooded.console.count} entries kept`);
      assert.equal(flooded.console.count + flooded.console.dropped, 10_001, 'every line is kept or counted');
      // The browser's own console shows the app's messages too (Kiln's wrapper passes them on).
      assert.deepEqual(errors.filter((line) => line !== 'console.error: after the flood'), []);
    });
}
