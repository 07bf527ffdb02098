// Code generation through the real page, against the loopback endpoint (tests/llm-server): the
// endpoint set up in Settings by mouse and keyboard, a prompt whose code streams into the code
// panel and becomes version 1 with its figures, the preview running it, a follow-up applied by
// edit blocks, edits that miss and the whole-file retry, settings that survive a reload, exports
// without the key unless asked, a key not sent to another origin; then Stop and the errors (HTTP
// 400, 401, 403, 404, 408, 413, 500, 502, 503, 429 with Retry-After counted down on Send, a
// dropped or stalled stream, an error inside it, CORS), each with its message, and a cut answer
// continued and kept as a draft, each message saying once what happened. The streamed code
// follows its end until scrolled up, and Jump to end follows it again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, captureDownloads, clickItem, download, openKiln, query, reloadKiln, replaceText, screenshot,
  serveAndLaunch, startLlmServer, state, waitForItem, waitForState,
} from './harness.mjs';
import { hostFrame } from './preview_frames.mjs';

// The code the preview runs: the srcdoc of the sandboxed frame inside the preview host (on the
// preview origin: read through that frame, not Kiln's page). '' while the preview is hidden.
async function previewCode(page, server) {
  const shown = await page.evaluate(() => {
    const host = document.getElementById('kiln-preview');
    return Boolean(host && !host.hidden);
  });
  if (!shown) return '';
  const frame = await hostFrame(page, server);
  return frame.evaluate(() => document.querySelector('iframe')?.srcdoc ?? '').catch(() => '');
}

async function setUp(t, engine, flags = []) {
  const llm = await startLlmServer(flags);
  t.after(() => llm.stop());
  const { server, browser } = await serveAndLaunch(t, engine);
  const { page, errors } = await openKiln(browser, server.url, { preload: captureDownloads });
  return { llm, server, page, errors };
}

for (const engine of browsers()) {
  test(`codegen: set up in Settings, a prompt streams into a version, follow-ups edit it (${engine})`,
    { timeout: 180_000 }, async (t) => {
      // 40 tokens per second: the answer streams for a few seconds.
      const { llm, server, page, errors } = await setUp(t, engine, ['--tps', '40']);
      await clickItem(page, 'New project');
      await waitForState(page, (s) => s.open !== null);

      // Settings, through the popup.
      await clickItem(page, 'Settings');
      await clickItem(page, '##preset');
      await clickItem(page, 'Custom');
      await replaceText(page, '##base_url', `${llm.url}/v1`);
      await replaceText(page, '##api_key', 'sk-1');
      await clickItem(page, 'Test connection');
      const tested = await waitForState(page, (s) => !s.connection_test.running && s.connection_test.message !== '');
      assert.ok(tested.models.includes('kiln-test/edit'), tested.connection_test.message);
      // The model, from the endpoint's list (typing is slow with software WebGL).
      await clickItem(page, '##models');
      await clickItem(page, 'kiln-test/edit');
      await clickItem(page, 'Test connection');
      const retested = await waitForState(page, (s) => !s.connection_test.running &&
        /including "kiln-test\/edit"/.test(s.connection_test.message));
      assert.equal(retested.connection_test.ok, true);
      await screenshot(page, `codegen-settings-${engine}.png`);
      await clickItem(page, 'Save');
      const saved = await waitForState(page, (s) => s.settings.saved && s.saved === 'saved');
      assert.equal(saved.settings.base_url, `${llm.url}/v1`);
      assert.equal(saved.settings.key_usable, true);

      // The first prompt, on two lines (Shift+Enter), sent with Enter: the code streams, then
      // becomes version 1.
      await replaceText(page, '##prompt', 'a counter');
      await page.keyboard.down('Shift');
      await page.keyboard.press('Enter');
      await page.keyboard.up('Shift');
      await page.keyboard.type('that counts');
      await page.keyboard.press('Enter');
      const streaming = await waitForState(page, (s) => s.generation.phase === 'running' && s.generation.code_bytes > 0);
      assert.equal(streaming.open.version, 0);
      await screenshot(page, `codegen-streaming-${engine}.png`);
      const done = await waitForState(page, (s) => s.generation.phase === 'finished' && s.open.version === 1 &&
        s.saved === 'saved');
      assert.equal(done.prompt, '');
      assert.ok(done.generation.ttft_ms >= 0);
      for (const deadline = Date.now() + 30_000; !(await previewCode(page, server)).includes('<h1>Counter</h1>');) {
        assert.ok(Date.now() < deadline, 'the preview runs version 1');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const [row] = await query(page, 'SELECT prompt, model, endpoint_label, ttft_ms, duration_ms, prompt_tokens, ' +
        'completion_tokens, finish_reason FROM versions WHERE number = 1');
      assert.equal(row[0], 'a counter\nthat counts');
      assert.equal(row[1], 'kiln-test/edit');
      assert.equal(row[2], 'Custom');
      assert.ok(Number(row[3]) >= 0 && Number(row[4]) >= Number(row[3]), `ttft ${row[3]}, duration ${row[4]}`);
      assert.ok(Number(row[5]) > 0 && Number(row[6]) > 0, `tokens ${row[5]} in, ${row[6]} out`);
      assert.equal(row[7], 'stop');
      await screenshot(page, `codegen-version-${engine}.png`);

      // A follow-up: the server answers with an edit block, applied to version 1.
      await replaceText(page, '##prompt', 'add a note');
      await clickItem(page, 'Send');
      await waitForState(page, (s) => s.open.version === 2 && s.generation.phase === 'finished');
      const [[code, parent]] = await query(page,
        'SELECT code, parent_id = (SELECT id FROM versions WHERE number = 1) FROM versions WHERE number = 2');
      const [[first]] = await query(page, 'SELECT code FROM versions WHERE number = 1');
      assert.equal(code, first.replace('</body>', '  <p class="kiln-edit">Edited: add a note</p>\n</body>'));
      assert.equal(parent, '1');

      // Edits that do not match: Kiln says so and asks for the whole file, which becomes version 3.
      await act(page, 'setEndpoint', JSON.stringify({ model: 'kiln-test/edit-miss' }));
      await act(page, 'send', 'add another note');
      const retried = await waitForState(page, (s) => s.open.version === 3 && s.generation.phase === 'finished');
      assert.equal(retried.generation.whole_file_retry, true);
      assert.notEqual(retried.generation.retry_reason, '');
      assert.equal(retried.generation.requests, 4);  // the first try, then the retry
      const [[prompt3, code3]] = await query(page, 'SELECT prompt, code FROM versions WHERE number = 3');
      assert.equal(prompt3, 'add another note');
      assert.match(code3, /Edited: add a note<\/p>\n {2}<p class="kiln-edit">Edited: add another note<\/p>\n<\/body>/);

      // Exports leave the key out unless asked.
      const holdsKey = (bytes) => Buffer.from(bytes).includes('sk-1');
      await clickItem(page, 'Storage');
      await clickItem(page, 'Export database');
      assert.equal(holdsKey((await download(page, 1)).bytes), false, 'an export without the box ticked holds the key');
      await clickItem(page, 'Include API keys');
      await clickItem(page, 'Export database');
      assert.equal(holdsKey((await download(page, 2)).bytes), true, 'the box ticked, the export holds the key');
      await clickItem(page, 'Close');

      // The settings are kept with the library; the key is never in the state.
      await reloadKiln(page, errors);
      const after = await state(page);
      assert.equal(after.settings.model, 'kiln-test/edit-miss');
      assert.equal(after.settings.label, 'Custom');
      assert.equal(after.settings.has_key, true);
      assert.equal(after.settings.key_usable, true);
      assert.doesNotMatch(JSON.stringify(after), /sk-1/);

      // Another address (another origin) has no key until one is entered for it; the first
      // origin keeps its own, and has it again when the base URL comes back to it.
      const moved = new URL(llm.url);
      moved.hostname = '127.0.0.2';
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${moved.href}v1` }));
      const elsewhere = await waitForState(page, (s) => s.settings.base_url.startsWith(moved.origin));
      assert.equal(elsewhere.settings.has_key, false);
      assert.equal(elsewhere.settings.key_usable, false);
      assert.deepEqual(elsewhere.settings.key_origins, [new URL(llm.url).origin]);
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1` }));
      const back = await waitForState(page, (s) => s.settings.base_url === `${llm.url}/v1`);
      assert.equal(back.settings.key_usable, true);
      assert.deepEqual(errors, []);
    });

  test(`codegen: Stop keeps a draft, and each failure says what happened (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { llm, page, errors } = await setUp(t, engine);
      await clickItem(page, 'New project');
      await waitForState(page, (s) => s.open !== null);
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/tps=20/v1`, model: 'kiln-test/ok' }));
      await replaceText(page, '##prompt', 'a slow counter');
      await clickItem(page, 'Send');
      await waitForState(page, (s) => s.generation.phase === 'running' && s.generation.code_bytes > 0);
      await clickItem(page, 'Stop');
      const stopped = await waitForState(page, (s) => s.generation.phase === 'stopped');
      assert.ok(stopped.draft.code_bytes > 0);
      assert.equal(stopped.prompt, 'a slow counter');
      assert.equal(stopped.open.versions.length, 0);
      await clickItem(page, 'Discard draft');
      await waitForState(page, (s) => s.draft === null && s.generation.phase === 'idle');

      // Each case: the model (or address) that plays it, and what its message must say.
      const cases = [
        { model: 'kiln-test/http-400', message: /rejected the request \(HTTP 400\)/ },
        { model: 'kiln-test/http-401', message: /refused the API key \(HTTP 401\)/ },
        { model: 'kiln-test/http-403', message: /denied access \(HTTP 403\)/ },
        { model: 'kiln-test/http-404', message: /does not know this model or address \(HTTP 404\)/ },
        { model: 'kiln-test/http-408', message: /timed out waiting for the request \(HTTP 408\)/ },
        { model: 'kiln-test/http-413', message: /too large for the endpoint \(HTTP 413\)/ },
        { model: 'kiln-test/http-500', message: /internal error \(HTTP 500\)/ },
        { model: 'kiln-test/html-error', message: /HTTP 502/ },
        { model: 'kiln-test/drop', message: /broke while the answer was arriving/, draft: true },
        { model: 'kiln-test/error-mid-stream', message: /.+/, draft: true },
        { model: 'kiln-test/ok', base: `${llm.url}/no-cors/v1`, message: /could not reach .*CORS/ },
        { model: 'kiln-test/stall', stall: 2, message: /sent nothing for 2 seconds/, draft: true },
        { model: 'kiln-test/length', message: /^The answer stopped at the model's output limit/, draft: true, cut: true },
        { model: 'kiln-test/cut', message: /^The answer ended without a finish reason/, draft: true, cut: true },
        // Asks to wait 2 s, which the next send honours: the loop waits them out.
        { model: 'kiln-test/http-503', message: /overloaded or down .*\(HTTP 503\).*Try again in 2 seconds/, waitMs: 2100 },
        // Asks to wait 5 s: time enough to see Send count down and refuse a send meanwhile.
        { model: 'kiln-test/http-429', base: `${llm.url}/retry-after=5/v1`,
          message: /limiting requests \(HTTP 429\).*Try again in 5 seconds/ },
      ];
      for (const c of cases) {
        await act(page, 'setEndpoint', JSON.stringify({
          base_url: c.base ?? `${llm.url}/v1`, model: c.model, stall_seconds: c.stall ?? 60,
        }));
        const { generation: { requests: before }, open: { versions: { length: versions } } } = await state(page);
        await act(page, 'send', `a counter (${c.model})`);
        const failed = await waitForState(page, (s) => s.generation.requests > before &&
          s.generation.phase !== 'running', 20_000);
        const message = failed.generation.message;
        assert.match(message, c.message, `${c.model}: ${message}`);
        // One plain message: the draft is mentioned once when there is one, a cut answer offers
        // Continue and not also "try again", and no parentheses nest.
        assert.equal((message.match(/kept/g) ?? []).length, c.draft ? 1 : 0, `${c.model}: ${message}`);
        if (c.cut) assert.doesNotMatch(message, /try again/i, `${c.model}: ${message}`);
        assert.doesNotMatch(message, /\([^)]*\(/, `${c.model}: ${message}`);
        assert.equal(failed.generation.phase, c.cut ? 'truncated' : 'failed', c.model);
        assert.equal(failed.draft !== null, Boolean(c.draft), `${c.model}: draft ${JSON.stringify(failed.draft)}`);
        assert.equal(failed.draft?.can_continue ?? false, Boolean(c.cut), c.model);
        assert.equal(failed.prompt, `a counter (${c.model})`);
        assert.equal(failed.open.versions.length, versions, `${c.model}: the versions are untouched`);
        if (c.cut) {
          // Continue asks for the rest and adds it to the draft (this endpoint cuts it again);
          // Keep draft saves what there is as a version of its own.
          await clickItem(page, 'Continue');
          const continued = await waitForState(page, (s) => s.generation.requests > failed.generation.requests &&
            s.generation.phase === 'truncated' && s.draft !== null, 20_000);
          assert.ok(continued.draft.code_bytes > failed.draft.code_bytes, 'the continuation was added to the draft');
          await clickItem(page, 'Keep draft');
          await waitForState(page, (s) => s.draft === null && s.open.versions.length === versions + 1 && s.saved === 'saved');
          const [[prompt, bytes]] = await query(page, 'SELECT prompt, length(CAST(code AS BLOB)) FROM versions ORDER BY number DESC LIMIT 1');
          assert.equal(prompt, `Draft: a counter (${c.model})`);
          assert.equal(Number(bytes), continued.draft.code_bytes);
        }
        if (c.waitMs) await new Promise((resolve) => setTimeout(resolve, c.waitMs));
      }
      // The 429 asked to wait 5 s: Send counts them down, disabled, and a send meanwhile is
      // refused with the time left.
      const shown = await page.waitForFunction(
        () => [5, 4, 3, 2].find((n) => window.kilnTest.itemRect(`Send (${n} s)`)), { timeout: 5_000, polling: 50 },
      ).then((handle) => handle.jsonValue());
      await act(page, 'send', 'again');
      const refused = await state(page);
      assert.match(refused.errors[0] ?? '', /wait before trying again: send again in [1-5] s\./, `Send showed ${shown} s`);
      await waitForItem(page, 'Dismiss');
      await screenshot(page, `codegen-error-${engine}.png`);
      // It goes on counting by itself, and once the time is up Send is back.
      await waitForItem(page, 'Send (1 s)', 6_000);
      await waitForItem(page, 'Send', 5_000);
      assert.equal(await page.evaluate(() => window.kilnTest.itemRect('Send (1 s)')), null);
      // The countdown's timer ends with it: idle is idle again.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { frames_drawn: settled } = await state(page);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal((await state(page)).frames_drawn, settled, 'frames were drawn after the countdown ended');
      assert.deepEqual(errors.filter((e) => !/Failed to load resource|CORS|Cross-Origin|NetworkError/i.test(e)), []);
    });

  test(`the streamed code follows its end until scrolled up; Jump to end follows it again (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const llm = await startLlmServer();
      t.after(() => llm.stop());
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      t.after(async () => { if (!t.passed) await screenshot(page, `follow-failed-${engine}.png`).catch(() => {}); });
      // A 2,000-line app, one event every 10 ms: it streams for about 20 seconds.
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/tps=100/v1`, model: 'kiln-test/paced/app-2000' }));
      await act(page, 'newProject', 'Long stream');
      await act(page, 'send', 'a long app');
      // The code overflows the panel, and the panel stays at its end as it grows (within the
      // lines that arrived since the last frame).
      const start = await waitForState(page, (s) => s.generation.phase === 'running' && s.scroll['##scroll'] > 200, 30_000);
      assert.ok(start.scroll_below['##scroll'] < 80, `${start.scroll_below['##scroll']} px below`);
      const later = await waitForState(page, (s) => s.scroll['##scroll'] > start.scroll['##scroll'] + 400, 30_000);
      assert.ok(later.scroll_below['##scroll'] < 80, `${later.scroll_below['##scroll']} px below`);
      assert.equal(await page.evaluate(() => window.kilnTest.itemRect('Jump to end')), null);

      // Scrolled up, it stays where it was put while the code goes on growing.
      const field = await waitForItem(page, '##text');
      await page.mouse.move(field.x + 200, Math.min(field.y + field.h, 700) - 100);
      await page.mouse.wheel({ deltaY: -300 });
      await waitForItem(page, 'Jump to end');
      const up = await waitForState(page, (s) => s.scroll['##scroll'] < later.scroll['##scroll']);
      const grown = await waitForState(page, (s) => s.scroll_below['##scroll'] > up.scroll_below['##scroll'] + 400, 30_000);
      assert.ok(grown.scroll['##scroll'] <= up.scroll['##scroll'] + 1, 'the panel did not scroll by itself');
      assert.equal(grown.generation.phase, 'running');
      await screenshot(page, `follow-scrolled-up-${engine}.png`);

      // Jump to end: at the end again, following.
      await clickItem(page, 'Jump to end');
      await waitForState(page, (s) => s.scroll_below['##scroll'] < 80 && s.scroll['##scroll'] > grown.scroll['##scroll']);
      const followed = await waitForState(page, (s) => s.scroll['##scroll'] > grown.scroll['##scroll'] + 400, 30_000);
      assert.ok(followed.scroll_below['##scroll'] < 80, `${followed.scroll_below['##scroll']} px below`);
      assert.equal(await page.evaluate(() => window.kilnTest.itemRect('Jump to end')), null);
      await clickItem(page, 'Stop');
      await waitForState(page, (s) => s.generation.phase === 'stopped');
      assert.deepEqual(errors, [], 'the page reported errors');
    });
}
