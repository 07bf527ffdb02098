// The URL router's platform half (src/platform/web/router.h), through kilnTest.setHash and
// kilnTest.platform(): {hash, hash_changes}, where hash_changes lists what onHashChange callbacks
// received. A link opens with its hash; setHash pushes or replaces history entries without
// reporting them; Back, Forward and an edited address are reported, once each.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browsers, launch, openKiln, startServer, waitForKiln, webDir } from './harness.mjs';

const platform = (page) => page.evaluate(() => window.kilnTest.platform());

async function waitForHash(page, hash) {
  await page.waitForFunction((expected) => window.kilnTest.platform().hash === expected, { timeout: 30_000 }, hash);
  return platform(page);
}

for (const engine of browsers()) {
  test(`the hash names what is open; Back and Forward move through it (${engine})`, { timeout: 240_000 }, async (t) => {
    const server = await startServer(webDir());
    t.after(() => server.stop());
    const browser = await launch(engine);
    t.after(() => browser.close());

    // A pasted link opens with its hash.
    const { page, errors } = await openKiln(browser, `${server.url}#/p/abc/v/1`);
    assert.deepEqual(await platform(page).then(({ hash, hash_changes }) => ({ hash, hash_changes })),
      { hash: '#/p/abc/v/1', hash_changes: [] });
    const length = await page.evaluate(() => history.length);

    // push adds an entry, replace does not; neither is reported back; the query stays.
    await page.evaluate(() => window.kilnTest.setHash('#/p/abc/v/2', true));
    await page.evaluate(() => window.kilnTest.setHash('#/p/abc/v/3', false));
    assert.equal(await page.evaluate(() => history.length), length + 1);
    const url = new URL(await page.evaluate(() => location.href));
    assert.equal(url.search, '?test=1');
    assert.equal(url.hash, '#/p/abc/v/3');
    assert.deepEqual((await platform(page)).hash_changes, []);

    // Back and Forward are reported, once each.
    await page.evaluate(() => history.back());
    assert.deepEqual((await waitForHash(page, '#/p/abc/v/1')).hash_changes, ['#/p/abc/v/1']);
    await page.evaluate(() => history.forward());
    assert.deepEqual((await waitForHash(page, '#/p/abc/v/3')).hash_changes, ['#/p/abc/v/1', '#/p/abc/v/3']);

    // The user edits the address, or follows a link.
    await page.evaluate(() => { location.hash = '#/p/xyz/v/9'; });
    assert.deepEqual((await waitForHash(page, '#/p/xyz/v/9')).hash_changes, ['#/p/abc/v/1', '#/p/abc/v/3', '#/p/xyz/v/9']);

    // No hash at all: the bare URL.
    await page.evaluate(() => window.kilnTest.setHash('', true));
    assert.equal(await page.evaluate(() => location.href), `${server.url}?test=1`);
    assert.equal((await platform(page)).hash, '');

    // A reload keeps the hash.
    await page.evaluate(() => window.kilnTest.setHash('#/p/abc/v/7', true));
    await page.reload();
    await waitForKiln(page, errors);
    assert.equal((await platform(page)).hash, '#/p/abc/v/7');

    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
