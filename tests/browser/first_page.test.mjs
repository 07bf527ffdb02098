// First page: Kiln starts in each browser with its SQLite database, draws its UI on the canvas,
// and the "New project" button creates one project per real mouse click.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  browsers, clickItem, distinctColors, openKiln, screenshot, serveAndLaunch, state, waitForState,
} from './harness.mjs';

for (const engine of browsers()) {
  test(`first page (${engine})`, { timeout: 240_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);

    const { page, errors } = await openKiln(browser, server.url, { width: 1280, height: 800 });

    const initial = await state(page);
    assert.equal(initial.ready, true);
    assert.equal(initial.sqlite_version, '3.50.4');
    assert.ok(initial.schema_version >= 1, `schema_version is ${initial.schema_version}`);
    assert.ok(Array.isArray(initial.projects), `projects is ${JSON.stringify(initial.projects)}`);
    const n = initial.projects.length;

    await clickItem(page, 'New project');
    await waitForState(page, (s) => s.projects.length === n + 1, 30_000);
    await clickItem(page, 'New project');
    await waitForState(page, (s) => s.projects.length === n + 2, 30_000);

    const png = await screenshot(page, `first-page-${engine}.png`);
    // A blank canvas has one or two colours; ImGui's anti-aliased text and widgets have hundreds.
    const colors = distinctColors(png);
    assert.ok(colors > 32, `the canvas looks blank: only ${colors} distinct colours in the screenshot`);

    assert.deepEqual(errors, [], 'the page reported errors');
  });
}
