// The postMessage API for the page that embeds Kiln (docs/EMBEDDING.md; web/js/embed.js,
// src/app/embed_api.h). Kiln is served from 127.0.0.1, the embedding page from 127.0.0.2
// (another site), a third site from 127.0.0.3. The embedding page hears 'ready', starts a project
// with code and hears its 'version', fills the prompt box, opens a version, has a prompt sent to
// the loopback endpoint, and never hears a key or a setting. Malformed messages change nothing,
// nor do messages from sibling frames (the third site's, or one of the embedding site), from the
// live preview inside Kiln, from a frame in between the top page and Kiln, or from a parent that
// is not of the origin Kiln was pinned to.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  act, browsers, clickItem, newBrowser, openPage, screenshot, settledFrames, startLlmServer, startServer, state, waitForKiln,
  waitForState, webDir,
} from './harness.mjs';

const kKey = 'sk-embed-secret';

// The embedding page's side, as docs/EMBEDDING.md shows it: messages from Kiln's frame and origin go to
// window.fromKiln, every other one to window.others; toKiln() posts to Kiln's origin only.
const embedderScript = (kilnOrigin) => `<script>
  window.fromKiln = [];
  window.others = [];
  addEventListener('message', (event) => {
    const kiln = document.getElementById('kiln');
    if (kiln && event.source === kiln.contentWindow && event.origin === ${JSON.stringify(kilnOrigin)}) fromKiln.push(event.data);
    else others.push({ origin: event.origin, data: event.data });
  });
  window.toKiln = (message) => document.getElementById('kiln').contentWindow.postMessage(message, ${JSON.stringify(kilnOrigin)});
</script>`;

const pageWith = (body) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Another site</title><link rel="icon" href="data:,"></head>
<body style="margin: 0; font: 16px sans-serif; background: #dde6f0">${body}</body></html>`;

const kilnFrame = (src) =>
  `<iframe id="kiln" src="${src}" title="Kiln" style="width: 960px; height: 640px; border: 0"></iframe>`;

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-embed-api-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Kiln, the embedding site and the third site, each on its own server; the pages are written once
// the servers' addresses are known.
async function sites(t) {
  const kiln = await startServer(webDir());
  t.after(() => kiln.stop());
  const embedderDir = tempDir(t);
  const thirdDir = tempDir(t);
  const embedder = await startServer(embedderDir, { host: '127.0.0.2' });
  t.after(() => embedder.stop());
  const third = await startServer(thirdDir, { host: '127.0.0.3' });
  t.after(() => third.stop());
  const origins = { kiln: new URL(kiln.url).origin, embedder: new URL(embedder.url).origin, third: new URL(third.url).origin };
  const kilnSrc = (extra = '') => `${origins.kiln}/?test=1${extra}`;
  const write = (dir, name, html) => fs.writeFileSync(path.join(dir, name), html);

  // Kiln's frame, and two sibling frames: one of the third site, one of the embedding page's own.
  const sibling = (origin) => `<iframe src="${origin}/sibling.html" style="width: 200px; height: 100px"></iframe>`;
  write(embedderDir, 'index.html',
    pageWith(embedderScript(origins.kiln) + kilnFrame(kilnSrc()) + sibling(origins.third) + sibling(origins.embedder)));
  write(thirdDir, 'sibling.html', pageWith('<p>A third site</p>'));
  write(embedderDir, 'sibling.html', pageWith('<p>Another frame of the embedding site</p>'));
  // Kiln inside a third site's frame inside the embedding page.
  write(embedderDir, 'nested.html', pageWith(embedderScript(origins.kiln) +
    `<iframe id="middle" src="${origins.third}/middle.html" title="Third site" style="width: 1000px; height: 700px; border: 0"></iframe>`));
  write(thirdDir, 'middle.html', pageWith(embedderScript(origins.kiln) + kilnFrame(kilnSrc())));
  // Kiln pinned to the third site's origin, embedded by the embedding site.
  write(embedderDir, 'pinned.html',
    pageWith(embedderScript(origins.kiln) + kilnFrame(kilnSrc(`&origin=${encodeURIComponent(origins.third)}`))));
  return { embedder, origins };
}

async function kilnIn(page, kilnOrigin, errors) {
  const frame = await page.waitForFrame((f) => f.url().startsWith(kilnOrigin), { timeout: 30_000 });
  await waitForKiln(frame, errors);
  return frame;
}

const kViewport = { width: 1100, height: 760 };
// Of what openPage collects, the uncaught exceptions: what the tests of consent and of a pinned
// origin check.
const thrown = (line) => line.startsWith('uncaught: ');
const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));
const messages = (target, kind) => target.evaluate((k) => window.fromKiln.filter((m) => m?.kiln === k), kind);

// The chat requests that reached the loopback endpoint.
async function chatRequests(llm) {
  const log = await (await fetch(`${llm.url}/kiln-test/requests`)).json();
  return log.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/chat/completions'));
}

// Waits for Kiln's answer to the embedder's request `request` ({kiln: 'error', ...}), of `code`
// when given; resolves to every such answer to it, oldest first.
async function errorFor(page, request, code = null) {
  await page.waitForFunction((r, c) => window.fromKiln.some((m) => m.kiln === 'error' && m.request === r &&
    (c === null || m.code === c)), { timeout: 30_000 }, request, code);
  return page.evaluate((r) => window.fromKiln.filter((m) => m.kiln === 'error' && m.request === r), request);
}

for (const engine of browsers()) {
  test(`the embedding page and Kiln talk through postMessage, and no one else does (${engine})`,
    { timeout: 300_000 }, async (t) => {
      const { embedder, origins } = await sites(t);
      const llm = await startLlmServer();
      t.after(() => llm.stop());
      const browser = await newBrowser(t, engine);
      const { page, errors } = await openPage(browser, embedder.url, kViewport);
      const kiln = await kilnIn(page, origins.kiln, errors);
      await page.waitForFunction(() => window.fromKiln.length > 0, { timeout: 30_000 });
      assert.deepEqual(await page.evaluate(() => window.fromKiln), [{ kiln: 'ready', version: 1 }]);

      // Kiln places (or hides) its own preview in every frame: the frames of its start are over
      // before the test drives the preview directly.
      await settledFrames(kiln);
      // The live preview inside Kiln posts to Kiln's page and to the top page: Kiln does not take
      // it for the embedder, and the embedding page sees it come from another frame and origin.
      await kiln.evaluate(() => window.kilnTest.showPreview(20, 360, 400, 240, 1, `<!doctype html><script>
        parent.parent.postMessage({ kiln: 'prompt', text: 'from the preview' }, '*');
        top.postMessage({ kiln: 'version', project: 'forged', code: 'forged' }, '*');
      </script>`));
      await page.waitForFunction(() => window.others.some((m) => m.data?.project === 'forged'), { timeout: 30_000 });
      assert.equal((await page.evaluate(() => window.others.find((m) => m.data?.project === 'forged'))).origin, 'null');

      // Sibling frames post to Kiln's frame: one of a third site, one of the embedding page's
      // origin (but not the embedding page).
      for (const origin of [origins.third, origins.embedder]) {
        const sibling = await page.waitForFrame((f) => f.url() === `${origin}/sibling.html`, { timeout: 30_000 });
        await sibling.evaluate(() => parent.frames[0].postMessage({ kiln: 'new-project', name: 'from a sibling' }, '*'));
        await sibling.evaluate(() => parent.frames[0].postMessage({ kiln: 'prompt', text: 'from a sibling' }, '*'));
      }
      await settle();
      let now = await state(kiln);
      assert.equal(now.prompt, '', 'a message from the preview or a sibling frame filled the prompt box');
      assert.deepEqual(now.projects, [], 'a message from a sibling frame made a project');

      // A project with code: listed, open at version 1, and the version is reported.
      await page.evaluate(() => window.toKiln({ kiln: 'new-project', name: 'From the embedder', code: '<p>given</p>' }));
      now = await waitForState(kiln, (s) => s.open?.version === 1);
      assert.deepEqual(now.projects.map((p) => [p.name, p.versions]), [['From the embedder', 1]]);
      const first = now.open.id;
      await page.waitForFunction(() => window.fromKiln.some((m) => m.kiln === 'version'), { timeout: 30_000 });
      assert.deepEqual(await messages(page, 'version'), [{
        kiln: 'version', project: first, name: 'From the embedder', number: 1,
        prompt: 'Started with the code it was given', code: '<p>given</p>',
      }]);

      // The prompt box, without sending.
      await page.evaluate(() => window.toKiln({ kiln: 'prompt', text: 'a tally counter' }));
      now = await waitForState(kiln, (s) => s.prompt === 'a tally counter');
      assert.equal(now.generation.phase, 'idle');

      // Another project, then back to the first one's version 1, as a link opens it.
      await page.evaluate(() => window.toKiln({ kiln: 'new-project' }));
      await waitForState(kiln, (s) => s.projects.length === 2 && s.open.id !== first);
      await page.evaluate((id) => window.toKiln({ kiln: 'open', project: id, version: 1 }), first);
      now = await waitForState(kiln, (s) => s.route === `#/p/${first}/v/1`);
      // The address follows at the end of the frame that opened it.
      await kiln.waitForFunction((hash) => location.hash === hash, { timeout: 10_000 }, `#/p/${first}/v/1`);
      assert.equal((await state(kiln)).route, `#/p/${first}/v/1`, 'the project stays open');

      // Malformed messages change nothing and throw nothing; the next good one still works.
      await page.evaluate(() => {
        const cycle = { kiln: 'prompt', text: 'a cycle' };
        cycle.self = cycle;
        for (const message of ['prompt', null, 42, [], {}, { kiln: 'prompt' }, { kiln: 'prompt', text: 7 },
          { kiln: 'prompt', text: 'x', send: 'yes' }, { kiln: 'open', project: 5 }, { kiln: 'open', project: 'zz' },
          { kiln: 'new-project', name: 3 }, { kiln: 'nope' }, { kiln: 'prompt', text: 1n }, cycle]) {
          window.toKiln(message);
        }
        window.toKiln({ kiln: 'prompt', text: 'after the malformed ones' });
      });
      now = await waitForState(kiln, (s) => s.prompt === 'after the malformed ones');
      assert.equal(now.projects.length, 2);
      assert.equal(now.route, `#/p/${first}/v/1`);
      assert.deepEqual(now.errors, []);

      // A send needs the user's consent: the page hears 'consent-required' and nothing reaches the
      // endpoint until the user allows it in Kiln; then the new version is reported, without the key.
      await act(kiln, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model: 'embedded', api_key: kKey }));
      await page.evaluate(() => window.toKiln({ kiln: 'prompt', text: 'a tally counter', send: true, request: 'first' }));
      const [asked] = await errorFor(page, 'first');
      assert.equal(asked.code, 'consent-required');
      assert.match(asked.message, /Kiln is asking them/);
      now = await waitForState(kiln, (s) => s.embed.pending !== null);
      assert.deepEqual(now.embed.pending, { origin: origins.embedder, text: 'a tally counter' });
      assert.equal(now.generation.phase, 'idle');
      assert.deepEqual(await chatRequests(llm), []);
      // The Allow buttons arm once the dialog has been seen for a second.
      await waitForState(kiln, (s) => s.embed.can_allow === true);
      await clickItem(page, 'Allow once', kiln);
      await page.waitForFunction(() => window.fromKiln.some((m) => m.kiln === 'version' && m.number === 2),
        { timeout: 60_000 });
      const generated = (await messages(page, 'version')).at(-1);
      assert.equal(generated.project, first);
      assert.equal(generated.prompt, 'a tally counter');
      // The loopback endpoint answers a follow-up with an edit that names the prompt.
      assert.match(generated.code, /^<p>given<\/p>[^]*Edited: a tally counter/);
      const heard = JSON.stringify(await page.evaluate(() => window.fromKiln));
      assert.ok(!heard.includes(kKey), 'a message held the API key');
      assert.ok(!heard.includes(llm.url), 'a message held the endpoint');
      assert.equal((await chatRequests(llm)).length, 1);
      for (const message of await page.evaluate(() => window.fromKiln)) {
        const keys = { ready: ['kiln', 'version'], error: ['code', 'kiln', 'message', 'request'] }[message.kiln] ??
          ['code', 'kiln', 'name', 'number', 'project', 'prompt'];
        assert.deepEqual(Object.keys(message).sort(), keys);
      }
      assert.deepEqual(errors, [], 'the pages reported errors');
    });

  test(`a send needs the user's consent: deny, always, revoke, rate limit (${engine})`,
    { timeout: 300_000 }, async (t) => {
      const { embedder, origins } = await sites(t);
      const llm = await startLlmServer();
      t.after(() => llm.stop());
      const browser = await newBrowser(t, engine);
      const { page, errors } = await openPage(browser, null, kViewport);
      const open = async () => {
        await page.goto(embedder.url);
        const frame = await kilnIn(page, origins.kiln, errors);
        await page.waitForFunction(() => window.fromKiln.some((m) => m.kiln === 'ready'), { timeout: 30_000 });
        return frame;
      };
      const send = (text, request) => page.evaluate((m) => window.toKiln(m), { kiln: 'prompt', text, send: true, request });
      const versions = () => messages(page, 'version');

      let kiln = await open();
      await act(kiln, 'newProject', 'Consent');
      await act(kiln, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model: 'kiln-test/ok', api_key: kKey }));
      await waitForState(kiln, (s) => s.open !== null && s.saved === 'saved');

      // The browser tells whether Kiln's frame is seen where it can (Chromium's
      // IntersectionObserver v2); a covered frame cannot be allowed.
      const tracked = (await state(kiln)).embed.visible !== null;
      assert.equal(tracked, engine === 'chromium', `visibility known: ${tracked}`);
      await send('one', 1);
      assert.equal((await errorFor(page, 1))[0].code, 'consent-required');
      if (tracked) {
        await waitForState(kiln, (s) => s.embed.visible === true);
        await page.evaluate(() => { document.getElementById('kiln').style.opacity = '0.5'; });
        await waitForState(kiln, (s) => s.embed.visible === false);
        assert.equal((await state(kiln)).embed.can_allow, false);
        await clickItem(page, 'Allow once', kiln);
        await settle();
        assert.notEqual((await state(kiln)).embed.pending, null, 'a covered frame was allowed');
        assert.deepEqual(await chatRequests(llm), []);
        await page.evaluate(() => { document.getElementById('kiln').style.opacity = '1'; });
        await waitForState(kiln, (s) => s.embed.visible === true);
      }

      // Deny: the page hears 'denied', and later sends are denied without asking, until a reload.
      await clickItem(page, 'Deny', kiln);
      assert.deepEqual((await errorFor(page, 1, 'denied')).map((m) => m.code), ['consent-required', 'denied']);
      await send('two', 2);
      assert.equal((await errorFor(page, 2))[0].code, 'denied');
      assert.equal((await state(kiln)).embed.pending, null);
      assert.deepEqual(await chatRequests(llm), []);

      // Always: sent now, and after a reload sent without asking.
      kiln = await open();
      await send('three', 3);
      assert.equal((await errorFor(page, 3))[0].code, 'consent-required');
      // The Allow buttons arm once the dialog has been seen for a second.
      await waitForState(kiln, (s) => s.embed.can_allow === true);
      await clickItem(page, 'Always', kiln);
      await page.waitForFunction(() => window.fromKiln.some((m) => m.kiln === 'version'), { timeout: 60_000 });
      assert.equal((await chatRequests(llm)).length, 1);
      await waitForState(kiln, (s) => s.generation.phase === 'finished' && s.saved === 'saved');
      kiln = await open();
      assert.deepEqual((await state(kiln)).embed.always, [origins.embedder]);
      await send('four', 4);
      await page.waitForFunction(() => window.fromKiln.some((m) => m.kiln === 'version'), { timeout: 60_000 });
      assert.equal((await versions())[0].prompt, 'four');
      assert.deepEqual(await page.evaluate(() => window.fromKiln.filter((m) => m.kiln === 'error')), []);
      assert.equal((await chatRequests(llm)).length, 2);
      await waitForState(kiln, (s) => s.generation.phase === 'finished' && s.saved === 'saved');

      // Revoked in Settings: asked again, after a reload too.
      await clickItem(page, 'Settings', kiln);
      await kiln.waitForFunction(() => window.kilnTest.itemRect('Revoke'), { timeout: 30_000, polling: 50 });
      await screenshot(page, `embed-consent-settings-${engine}.png`);
      await clickItem(page, 'Revoke', kiln);
      await waitForState(kiln, (s) => s.embed.always.length === 0 && s.saved === 'saved');
      await clickItem(page, 'Cancel', kiln);
      kiln = await open();
      assert.deepEqual((await state(kiln)).embed.always, []);

      // At most 4 sends a minute from a site, asked or not: the fifth is refused.
      for (let i = 5; i <= 8; i++) {
        await send(`try ${i}`, i);
        assert.equal((await errorFor(page, i))[0].code, 'consent-required');
      }
      await screenshot(page, `embed-consent-${engine}.png`);
      await send('try 9', 9);
      const [limited] = await errorFor(page, 9);
      assert.equal(limited.code, 'rate-limited');
      assert.match(limited.message, /at most 4 per minute .*Try again in \d+ s/);
      assert.equal((await chatRequests(llm)).length, 2);
      // What the user is asked is the first of them; allowed once, it is the one sent.
      // The Allow buttons arm once the dialog has been seen for a second.
      await waitForState(kiln, (s) => s.embed.can_allow === true);
      await clickItem(page, 'Allow once', kiln);
      await page.waitForFunction(() => window.fromKiln.some((m) => m.kiln === 'version'), { timeout: 60_000 });
      assert.equal((await versions())[0].prompt, 'try 5');
      assert.equal((await chatRequests(llm)).length, 3);
      assert.deepEqual(errors.filter(thrown), [], 'the pages threw');
    });

  test(`Kiln has no embedder in a frame in between, nor one of another origin than pinned (${engine})`,
    { timeout: 300_000 }, async (t) => {
      const { embedder, origins } = await sites(t);
      const browser = await newBrowser(t, engine);
      const { page, errors } = await openPage(browser, null, kViewport);

      // Top page (127.0.0.2), a third site's frame (127.0.0.3), Kiln: the frame in between hears
      // nothing and is not listened to, even though it is Kiln's parent and its origin is known.
      await page.goto(`${embedder.url}nested.html`);
      let kiln = await kilnIn(page, origins.kiln, errors);
      const middle = page.frames().find((f) => f.url() === `${origins.third}/middle.html`);
      await middle.evaluate(() => window.toKiln({ kiln: 'prompt', text: 'from the middle' }));
      await middle.evaluate(() => window.toKiln({ kiln: 'new-project', name: 'from the middle' }));
      await settle();
      let now = await state(kiln);
      assert.equal(now.prompt, '');
      assert.deepEqual(now.projects, []);
      assert.deepEqual(await middle.evaluate(() => window.fromKiln), []);
      assert.deepEqual(await page.evaluate(() => [window.fromKiln, window.others]), [[], []]);

      // Pinned to the third site's origin while the embedding site embeds it: what Kiln posts never
      // reaches the parent, and the parent's messages are ignored.
      await page.goto(`${embedder.url}pinned.html`);
      kiln = await kilnIn(page, origins.kiln, errors);
      await page.evaluate(() => window.toKiln({ kiln: 'prompt', text: 'from the wrong origin' }));
      await settle();
      now = await state(kiln);
      assert.equal(now.prompt, '');
      assert.deepEqual(await page.evaluate(() => [window.fromKiln, window.others]), [[], []]);
      // Firefox reports the 'ready' the browser dropped (not thrown: Kiln's code goes on).
      const unexpected = errors.filter(thrown).filter((line) => !/target origin provided .* does not match the recipient/.test(line));
      assert.deepEqual(unexpected, [], 'the pages threw');
    });
}
