// The preview's Network switch (src/core/app/preview_guard.h, web/preview/host.js): on, a
// generated app reaches the network by every means; off, none of them gets a single request to a
// loopback listener: fetch, XHR, WebSocket, EventSource, beacon, image, stylesheet, script, form
// post, navigation. Also: no modal dialogs (alert, confirm and prompt return at once), and
// popups open without an opener.

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { act, browsers, clickItem, openKiln, screenshot, serveAndLaunch, state, waitForState } from './harness.mjs';

// A listener that records the path of every request and WebSocket handshake it receives.
async function startListener(t) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url);
    if (req.url === '/es') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Access-Control-Allow-Origin': '*' });
      return res.write('data: hi\n\n');
    }
    const type = req.url === '/css' ? 'text/css' : req.url === '/script' ? 'text/javascript' : 'text/plain';
    res.writeHead(200, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*' });
    res.end('');
  });
  server.on('upgrade', (req, socket) => {
    seen.push(req.url);
    socket.destroy();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${server.address().port}`, seen };
}

const kEveryWay = (base) => `<!doctype html><html><head><link rel="stylesheet" href="${base}/css"></head>
<body><img src="${base}/img" alt=""><form id="f" method="post" action="${base}/form"><input name="a" value="1"></form>
<script>
  const base = ${JSON.stringify(base)};
  const attempt = (act) => { try { act(); } catch {} };
  attempt(() => fetch(base + '/fetch').catch(() => {}));
  attempt(() => { const x = new XMLHttpRequest(); x.open('GET', base + '/xhr'); x.send(); });
  attempt(() => new WebSocket(base.replace('http', 'ws') + '/ws'));
  attempt(() => new EventSource(base + '/es'));
  attempt(() => navigator.sendBeacon(base + '/beacon', 'x'));
  attempt(() => { const s = document.createElement('script'); s.src = base + '/script'; document.head.appendChild(s); });
  const dialogs = { alert: alert('a'), confirm: confirm('c'), prompt: prompt('p'), opener: String(window.open('about:blank')) };
  setTimeout(() => {
    top.postMessage({ kilnNetwork: 'tried', dialogs }, '*');
    attempt(() => document.getElementById('f').submit());
  }, 500);
</script></body></html>`;

const kNavigate = (base) => `<!doctype html><p>leaving</p><script>
  setTimeout(() => { top.postMessage({ kilnNetwork: 'navigating' }, '*'); location.href = ${JSON.stringify(base)} + '/nav'; }, 300);
</script>`;

const kAll = ['/css', '/img', '/fetch', '/xhr', '/ws', '/es', '/beacon', '/script', '/form'];

async function waitFor(condition, what, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Runs `code` as a new version and resolves once the app posted `signal` to Kiln's page.
async function runVersion(page, code, signal) {
  await page.evaluate(() => { window.kilnNetworkSeen = []; });
  await act(page, 'addVersion', code);
  const handle = await page.waitForFunction((wanted) => window.kilnNetworkSeen.find((m) => m.kilnNetwork === wanted),
    { timeout: 30_000 }, signal);
  return handle.jsonValue();
}

for (const engine of browsers()) {
  test(`the Network switch: on, the app reaches the network; off, nothing leaves (${engine})`, { timeout: 240_000 }, async (t) => {
    const listener = await startListener(t);
    const { server, browser } = await serveAndLaunch(t, engine);
    const pagesBefore = (await browser.pages()).length;
    const { page } = await openKiln(browser, server.url);
    await page.evaluate(() => {
      window.kilnNetworkSeen = [];
      addEventListener('message', (event) => { if (event.data?.kilnNetwork) window.kilnNetworkSeen.push(event.data); });
    });
    await act(page, 'newProject', 'Network');
    await waitForState(page, (s) => s.open?.name === 'Network');
    assert.equal((await state(page)).open.network, true, 'the switch is on by default');

    // On: every way arrives.
    const tried = await runVersion(page, kEveryWay(listener.url), 'tried');
    assert.deepEqual(tried.dialogs, { alert: undefined, confirm: false, prompt: null, opener: 'null' },
      'dialogs must return at once, popups without an opener');
    await waitFor(() => kAll.every((path) => listener.seen.includes(path)),
      `every request with the network on (seen: ${listener.seen})`);
    await runVersion(page, kNavigate(listener.url), 'navigating');
    await waitFor(() => listener.seen.includes('/nav'), 'the navigation with the network on');

    // Off: kept for the project, and nothing at all arrives.
    await clickItem(page, 'Network');
    await waitForState(page, (s) => s.open.network === false);
    const [{ value }] = await page.evaluate((id) => window.kilnTest.query(
      `SELECT value FROM settings WHERE key = 'preview_network:${id}'`).rows.map(([v]) => ({ value: v })), (await state(page)).open.id);
    assert.equal(value, 'off');
    listener.seen.length = 0;
    await runVersion(page, kEveryWay(listener.url), 'tried');
    await runVersion(page, kNavigate(listener.url), 'navigating');
    await waitForState(page, (s) => s.preview.state === 'running');
    // The absence of a request can only be waited for: the same attempts arrived within this
    // time with the network on.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.deepEqual(listener.seen, [], 'requests left the preview with the network off');
    await screenshot(page, `preview-network-off-${engine}.png`);
    // The popups of the first run (network on) opened without an opener; none with it off.
    t.diagnostic(`pages: ${pagesBefore} before, ${(await browser.pages()).length} after`);
  });
}
