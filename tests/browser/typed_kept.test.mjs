// Nothing typed is lost: a hand edit in the code panel stays with its version when another
// project opens and after a reload, until it is saved as a version; a first prompt whose answer
// broke off shows what arrived in the code panel.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, openKiln, reloadKiln, replaceText, screenshot, serveAndLaunch, startLlmServer,
  waitForItem, waitForRows, waitForState,
} from './harness.mjs';

for (const engine of browsers()) {
  test(`hand edits stay with their version; a broken first answer shows its draft (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const llm = await startLlmServer();
      t.after(() => llm.stop());
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      t.after(async () => { if (!t.passed) await screenshot(page, `typed-failed-${engine}.png`).catch(() => {}); });

      await act(page, 'newProject', 'Edited');
      await waitForState(page, (s) => s.open?.name === 'Edited');
      await act(page, 'addVersion', '<h1>One</h1>');
      const made = await waitForState(page, (s) => s.open.versions.length === 1 && s.saved === 'saved');
      const id = made.open.id;
      const edit = '<h1>One, by hand</h1>';
      await clickItem(page, 'Code');
      await replaceText(page, '##text', edit);
      await waitForState(page, (s) => s.open.code_edited && s.open.code_bytes === edit.length);

      // Another project opens: the edit is kept with its version, and comes back with it.
      await act(page, 'newProject', 'Other');
      const other = await waitForState(page, (s) => s.open?.name === 'Other' && !s.open.code_edited);
      // The address shows the project open now (a link to the edited version then opens it).
      await page.waitForFunction((hash) => location.hash === hash, { timeout: 10_000 }, `#/p/${other.open.id}`);
      await waitForRows(page, `SELECT value FROM settings WHERE key = 'edit:${id}:1'`, [[edit]]);
      await page.evaluate((hash) => { location.hash = hash; }, `#/p/${id}/v/1`);
      await waitForState(page, (s) => s.open?.id === id && s.open.code_edited && s.open.code_bytes === edit.length);
      // And after a reload.
      await waitForState(page, (s) => s.saved === 'saved');
      await reloadKiln(page, errors);
      await waitForState(page, (s) => s.open?.id === id && s.open.code_edited && s.open.code_bytes === edit.length);

      // Saved as a version, it is kept no more. (The tab marks an edited version's code.)
      await clickItem(page, 'Code •');
      await clickItem(page, 'Save as new version');
      await waitForState(page, (s) => s.open.version === 2 && !s.open.code_edited);
      await waitForRows(page, `SELECT value FROM settings WHERE key = 'edit:${id}:1'`, [['']]);

      // A first prompt whose answer breaks off: the code panel shows what arrived.
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model: 'kiln-test/drop' }));
      await act(page, 'newProject', 'Broken');
      await waitForState(page, (s) => s.open?.name === 'Broken');
      await act(page, 'send', 'a counter');
      const failed = await waitForState(page, (s) => s.generation.phase === 'failed' && s.draft !== null);
      assert.equal(failed.open.version, 0);
      await clickItem(page, 'Code');
      await waitForItem(page, '##draft note');
      await screenshot(page, `typed-draft-${engine}.png`);
      await clickItem(page, 'Keep draft');
      const kept = await waitForState(page, (s) => s.open.version === 1 && s.draft === null);
      assert.equal(kept.open.code_bytes, failed.draft.code_bytes);

      // The dropped answer is a failed load to the browser; nothing else may be reported.
      assert.deepEqual(errors.filter((e) => !/Failed to load resource|NetworkError/i.test(e)), [],
        'the page reported errors');
    });
}
