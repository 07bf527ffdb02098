// Share links (src/app/share.h, web/js/share.js): a version leaves Kiln as a link that carries
// the app itself in the URL's fragment, compressed by the browser. Opened in a fresh profile it
// shows the shared view: the app running in the preview's sandbox, its prompt, its code, and
// Save to my library. A cut, changed, foreign or oversized link says what is wrong and runs
// nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act, browsers, clickItem, newBrowser, openKiln, query, screenshot, serveAndLaunch, settledFrames, startLlmServer,
  waitForState,
} from './harness.mjs';
import { appFrame } from './preview_frames.mjs';

// What the shared view's preview must show: the loopback endpoint's counter app, running.
const counterRuns = () => document.getElementById('count') !== null;

// The hash of a share link of `document` (a JSON text, or any text), packed by Kiln's own codec
// in `page`: links a person could make up.
const madeUpHash = (page, text) => page.evaluate(async (document) => `#/share/1/${
  await window.kilnShare.pack(new TextEncoder().encode(document))}`, text);

for (const engine of browsers()) {
  test(`a version's share link opens in a fresh profile, runs there, and is saved from there (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const llm = await startLlmServer(['--tps', '0']);
      t.after(() => llm.stop());
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Clicks & counts');
      await waitForState(page, (s) => s.open?.name === 'Clicks & counts');
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model: 'kiln-test/ok' }));
      await act(page, 'send', 'a click counter');
      const made = await waitForState(page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
      const [{ code }] = (await query(page, 'SELECT code FROM versions')).map(([text]) => ({ code: text }));

      await clickItem(page, 'Share link');
      const shared = await waitForState(page, (s) => s.share_link?.link);
      const link = shared.share_link.link;
      assert.ok(link.startsWith(`${server.url}?test=1#/share/1/`), link.slice(0, 80));
      assert.match(link.slice(link.indexOf('#/share/1/') + 10), /^[A-Za-z0-9_-]+$/, 'base64url, nothing to escape');
      assert.ok(link.length < code.length, `the link (${link.length}) is shorter than the code (${code.length})`);
      await screenshot(page, `share-dialog-${engine}.png`);
      await clickItem(page, 'Copy link');
      await clickItem(page, 'Close');
      await waitForState(page, (s) => s.share_link === null);

      // Another profile: nothing of the first one's storage.
      const fresh = await newBrowser(t, engine);
      const { page: other, errors: otherErrors } = await openKiln(fresh, link);
      const view = await waitForState(other, (s) => s.shared?.phase === 'ready');
      assert.equal(view.shared.name, 'Clicks & counts');
      assert.equal(view.shared.prompt, 'a click counter');
      assert.equal(view.shared.model, made.open.versions[0].model);
      assert.equal(view.shared.code_bytes, new TextEncoder().encode(code).length);
      assert.deepEqual(view.projects, [], 'nothing is stored before Save');
      assert.ok(await appFrame(other, counterRuns), 'the shared app runs in the preview');
      await screenshot(other, `share-view-${engine}.png`);

      // On a phone, the link opens on the app itself.
      const phone = await newBrowser(t, engine);
      const { page: small, errors: smallErrors } = await openKiln(phone, link, { width: 390, height: 844, hasTouch: true });
      await waitForState(small, (s) => s.shared?.phase === 'ready');
      assert.ok(await appFrame(small, counterRuns), 'the shared app runs in the phone layout\'s preview');
      assert.deepEqual(smallErrors, []);

      await clickItem(other, 'Save to my library');
      const saved = await waitForState(other, (s) => s.shared === null && s.open?.versions.length === 1 && s.saved === 'saved');
      assert.equal(saved.open.name, 'Clicks & counts');
      assert.equal(saved.projects.length, 1);
      assert.deepEqual(await query(other, 'SELECT prompt, model, code FROM versions'),
        [['a click counter', made.open.versions[0].model, code]]);
      assert.equal(saved.route, `#/p/${saved.open.id}/v/1`);
      assert.ok(await appFrame(other, counterRuns), 'the saved version runs');
      assert.deepEqual(errors, []);
      assert.deepEqual(otherErrors, []);
    });

  test(`a cut, changed, foreign or oversized share link says what is wrong and runs nothing (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Mine');
      await waitForState(page, (s) => s.open?.name === 'Mine');
      await act(page, 'addVersion', '<!doctype html><p id="mine">mine</p>');
      await waitForState(page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
      await clickItem(page, 'Share link');
      const link = (await waitForState(page, (s) => s.share_link?.link)).share_link.link;
      await clickItem(page, 'Close');
      const hash = link.slice(link.indexOf('#'));
      const middle = hash.length - 20;
      const swap = hash[middle] === 'A' ? 'B' : 'A';
      const cases = [
        { name: 'cut', hash: hash.slice(0, -6), says: /damaged or was cut short/ },
        { name: 'changed', hash: hash.slice(0, middle) + swap + hash.slice(middle + 1), says: /damaged or was cut short/ },
        { name: 'not base64url', hash: `${hash.slice(0, middle)}%20${hash.slice(middle + 1)}`, says: /damaged or was cut short/ },
        { name: 'no payload', hash: '#/share/1/', says: /damaged or was cut short/ },
        { name: 'a later format', hash: hash.replace('#/share/1/', '#/share/7/'), says: /made by a newer Kiln/ },
        { name: 'not an app', hash: await madeUpHash(page, '{"name": "x", "code": 42}'), says: /does not hold a Kiln app/ },
        { name: 'not JSON', hash: await madeUpHash(page, '<script>alert(1)</script>'), says: /does not hold a Kiln app/ },
        // 9 MB of spaces around a real document: a link of a few KB that inflates past the limit.
        {
          name: 'a compression bomb',
          hash: await madeUpHash(page, `${' '.repeat(9 * 1024 * 1024)}{"name":"x","prompt":"","model":"","code":"<p>"}`),
          says: /holds more than Kiln opens/,
        },
      ];
      // What the page's preview ran last, and whether it shows anything.
      const preview = () => page.evaluate(() => ({
        run: window.kilnPreview.info().run,
        shown: document.getElementById('kiln-preview')?.hidden === false,
      }));
      const before = (await preview()).run;
      for (const item of cases) {
        await page.evaluate((next) => { location.hash = next; }, item.hash);
        const refused = await waitForState(page, (s) => s.shared?.phase === 'refused' && s.route === item.hash);
        assert.match(refused.shared.problem, item.says, item.name);
        // The refusal can arrive between frames (decoding is asynchronous): the frame that draws it hides the preview.
        await settledFrames(page);
        assert.deepEqual(await preview(), { run: before, shown: false }, `${item.name}: nothing was handed to the preview`);
        if (item.name === 'changed') await screenshot(page, `share-refused-${engine}.png`);
      }
      // Close: back to the project beneath, which runs again.
      await clickItem(page, 'Close');
      const back = await waitForState(page, (s) => s.shared === null && s.open?.name === 'Mine');
      assert.match(back.route, /^#\/p\/[0-9a-f]+\/v\/1$/);
      assert.ok(await appFrame(page, () => document.getElementById('mine') !== null));
      assert.deepEqual(errors, []);
    });

  test(`a link made in an embedded Kiln opens the whole page (${engine})`, { timeout: 60_000 }, async (t) => {
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, `${server.url}?origin=${encodeURIComponent('https://host.example')}`);
    await act(page, 'newProject', 'Embedded');
    await waitForState(page, (s) => s.open?.name === 'Embedded');
    await act(page, 'addVersion', '<!doctype html><p>embedded</p>');
    await waitForState(page, (s) => s.open?.versions.length === 1);
    await clickItem(page, 'Preview');
    await clickItem(page, 'Share link');
    const link = (await waitForState(page, (s) => s.share_link?.link)).share_link.link;
    assert.ok(link.startsWith(`${server.url}?test=1#/share/1/`), link.slice(0, 80));
    assert.deepEqual(errors, []);
  });

  test(`a long version's link warns, and one too long for a browser is not made (${engine})`,
    { timeout: 120_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Big');
      await waitForState(page, (s) => s.open?.name === 'Big');
      // Text that compresses little: random characters, of `alphabet` from `first`, `count` of them.
      const random = (first, alphabet, count) => page.evaluate((from, size, n) => {
        const values = new Uint32Array(n);
        for (let at = 0; at < n; at += 16384) crypto.getRandomValues(values.subarray(at, at + 16384));
        return `<!doctype html><p>${Array.from(values, (v) => String.fromCodePoint(from + (v % size))).join("")}</p>`;
      }, first, alphabet, count);
      await act(page, 'addVersion', await random(0x41, 26, 60 * 1024)); // letters: a link of about 60 KB
      await waitForState(page, (s) => s.open?.versions.length === 1);
      await clickItem(page, 'Share link');
      const long = await waitForState(page, (s) => s.share_link?.link);
      assert.ok(long.share_link.link.length > 32 * 1024, `${long.share_link.link.length}`);
      await screenshot(page, `share-long-${engine}.png`);
      await clickItem(page, 'Close');

      // CJK ideographs: three bytes each, a link of about 1.2 MB.
      await act(page, 'addVersion', await random(0x4E00, 20992, 500 * 1024));
      await waitForState(page, (s) => s.open?.versions.length === 2);
      await clickItem(page, 'Share link');
      const tooLong = await waitForState(page, (s) => s.share_link?.problem);
      assert.equal(tooLong.share_link.link, '');
      assert.match(tooLong.share_link.problem, /longer than browsers open.*Download/);
      assert.deepEqual(errors, []);
    });
}
