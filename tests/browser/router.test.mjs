// Links: the URL's hash names the open project and version (`#/p/<id>/v/<n>`); opening things
// adds history entries, so Back and Forward move between them; an edited or pasted hash opens
// what it names, a link to something that is not here says so, and a reload opens it again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browsers, clickItem, openKiln, reloadKiln, replaceText, serveAndLaunch, waitForState } from './harness.mjs';

const hash = (page) => page.evaluate(() => location.hash);

// The hash follows what is open at the end of the frame after it opened (a change saved through
// storage opens a little later than the click): waits for it, then returns it.
async function hashWhen(page, expected) {
  await page.waitForFunction((wanted) => location.hash === wanted, { timeout: 10_000, polling: 50 }, expected)
    .catch(() => {});
  return hash(page);
}

for (const engine of browsers()) {
  test(`the hash names what is open; Back and Forward move through it (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, server.url, { width: 1280, height: 720 });
    assert.equal(await hash(page), '#/');

    // A new project and two versions of it, each a step in the history.
    await clickItem(page, 'New project');
    let s = await waitForState(page, (x) => x.open !== null, 30_000);
    const id = s.open.id;
    assert.equal(await hashWhen(page, `#/p/${id}`), `#/p/${id}`);
    await clickItem(page, 'Code');
    for (const code of ['<p>one</p>', '<p>two</p>']) {
      await replaceText(page, '##text', code);
      await clickItem(page, 'Save as new version');
      await waitForState(page, (x) => x.open.code_edited === false && x.open.code_bytes === code.length, 30_000);
    }
    assert.equal(await hashWhen(page, `#/p/${id}/v/2`), `#/p/${id}/v/2`);
    await clickItem(page, 'v1');
    await waitForState(page, (x) => x.open.version === 1, 30_000);
    assert.equal(await hashWhen(page, `#/p/${id}/v/1`), `#/p/${id}/v/1`);

    // Back and Forward.
    await page.evaluate(() => history.back());
    await waitForState(page, (x) => x.open && x.open.version === 2, 30_000);
    await page.evaluate(() => history.forward());
    await waitForState(page, (x) => x.open && x.open.version === 1, 30_000);

    // An edited hash: the library, then a pasted link to version 2.
    await page.evaluate(() => { location.hash = '#/'; });
    await waitForState(page, (x) => x.open === null, 30_000);
    await page.evaluate((link) => { location.hash = link; }, `#/p/${id}/v/2`);
    s = await waitForState(page, (x) => x.open && x.open.version === 2, 30_000);
    assert.equal(s.errors.length, 0);

    // A link to a project this library does not have: a message, and the hash shows what is open.
    await page.evaluate(() => { location.hash = '#/p/0123456789abcdef/v/1'; });
    s = await waitForState(page, (x) => x.errors.length === 1, 30_000);
    assert.match(s.errors[0], /not in this library/);
    assert.equal(await hash(page), `#/p/${id}/v/2`);

    // Reload: the library comes back from storage and the hash opens the same version again.
    await reloadKiln(page, errors);
    s = await waitForState(page, (x) => x.open && x.open.id === id && x.open.version === 2, 30_000);
    assert.deepEqual(s.open.versions.map((v) => v.number), [1, 2]);
    assert.equal(s.open.code_bytes, '<p>two</p>'.length);
    assert.deepEqual(s.errors, []);
    assert.equal(await hash(page), `#/p/${id}/v/2`);

    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
