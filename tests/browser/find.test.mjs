// Finding and typing: the project search matches names, the prompts and the code of every
// version (SQLite's full-text search, FTS4, which sql.js has too); the version list filters by
// model; the prompt box wraps its words and grows with them, keeping the text as typed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, clickItem, browsers, insertText, openKiln, replaceText, screenshot, serveAndLaunch, startLlmServer, waitForItem,
  waitForState,
} from './harness.mjs';

const itemRect = (page, label) => page.evaluate((l) => window.kilnTest.itemRect(l), label);

for (const engine of browsers()) {
  test(`search finds prompts and code, versions filter by model, the prompt box wraps (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const llm = await startLlmServer();
      t.after(() => llm.stop());
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      t.after(async () => { if (!t.passed) await screenshot(page, `find-failed-${engine}.png`).catch(() => {}); });

      // Two versions of one project by two models, and a project made by hand.
      const sendWith = async (model, prompt, versions) => {
        await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model }));
        await act(page, 'send', prompt);
        await waitForState(page, (s) => s.open?.versions.length === versions && s.generation.phase !== 'running');
      };
      await act(page, 'newProject', 'Timer');
      await waitForState(page, (s) => s.open?.name === 'Timer');
      await sendWith('alpha-model', 'a pomodoro timer', 1);
      await sendWith('beta-model', 'make the digits glow', 2);
      await act(page, 'newProject', 'Notes');
      await waitForState(page, (s) => s.open?.name === 'Notes');
      await act(page, 'addVersion', '<p>zebra stripes</p>');
      await waitForState(page, (s) => s.open.versions.length === 1 && s.saved === 'saved');

      // The search: a name, a word of a prompt (from its start), a word of the code.
      const shown = async (search) => {
        await replaceText(page, '##search', search);
        await waitForState(page, (s) => s.search === search);
        await waitForItem(page, '##search');
        return (await Promise.all(['Timer', 'Notes'].map((name) => itemRect(page, name))))
          .flatMap((rect, i) => (rect ? [['Timer', 'Notes'][i]] : []));
      };
      assert.deepEqual(await shown('note'), ['Notes'], 'a name');
      assert.deepEqual(await shown('glo'), ['Timer'], 'the start of a word of a prompt');
      assert.deepEqual(await shown('ZEBRA'), ['Notes'], 'a word of the code, any case');
      assert.deepEqual(await shown('zebra glow'), [], 'every word, in one version');
      await screenshot(page, `find-search-${engine}.png`);
      assert.deepEqual(await shown(''), ['Timer', 'Notes']);

      // The versions of one model.
      await clickItem(page, 'Timer');
      await waitForState(page, (s) => s.open?.name === 'Timer');
      await waitForItem(page, 'v2');
      await clickItem(page, '##model filter');
      await clickItem(page, 'alpha-model');
      await page.waitForFunction(() => window.kilnTest.itemRect('v2') === null, { timeout: 10_000 });
      await waitForItem(page, 'v1');
      await screenshot(page, `find-model-filter-${engine}.png`);
      await clickItem(page, '##model filter');
      await clickItem(page, 'All models');
      await waitForItem(page, 'v2');

      // The prompt box wraps a long prompt and grows; the text is kept as typed.
      const before = await itemRect(page, '##prompt');
      const prompt = 'a pomodoro timer with a dark theme, big digits, a start and a pause button, '
        + 'and a soft sound at the end of each round; it counts the rounds of the day and keeps them, '
        + 'and shows a small chart of the week below the digits';
      // Most of it at once, the rest key by key over the next wrap points.
      await clickItem(page, '##prompt');
      await insertText(page, prompt.slice(0, 150));
      await waitForState(page, (s) => s.prompt === prompt.slice(0, 150));
      await page.keyboard.type(prompt.slice(150));
      const typed = await waitForState(page, (s) => s.prompt === prompt);
      assert.equal(typed.prompt.includes('\n'), false);
      const after = await itemRect(page, '##prompt');
      assert.ok(after.h > before.h, `the box grew: ${before.h} -> ${after.h}`);
      assert.ok(after.w <= before.w, 'the box did not grow sideways');
      await screenshot(page, `find-prompt-wrapped-${engine}.png`);
      assert.deepEqual(errors, []);
    });
}
