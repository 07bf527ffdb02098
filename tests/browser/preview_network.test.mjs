// The preview's Network switch (src/app/preview_guard.h, web/preview/host.js): on, a
// generated app reaches the network by every means; off, none of them gets a single request to a
// loopback listener: fetch, XHR, WebSocket, EventSource, beacon, image, stylesheet, script, form
// post, navigation. Also: no modal dialogs (alert, confirm and prompt return at once), and
// popups open without an opener.

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { act, browsers, clickItem, openKiln, query, screenshot, serveAndLaunch, state, waitForState } from './harness.mjs';

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
  const dialogs = { alert: String(alert('a')), confirm: confirm('c'), prompt: prompt('p'), opener: (() => { try { return String(window.open('about:blank')); } catch (error) { return error.name; } })() };
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
    { timeout: 30_000, polling: 100 }, signal).catch(async (error) => {
    const seen = await page.evaluate(() => JSON.stringify(window.kilnNetworkSeen));
    throw new Error(`no '${signal}' from the app (its messages: ${seen}; state: ${JSON.stringify((await state(page)).preview)}): ${error.message}`);
  });
  return handle.jsonValue();
}

// Waits for the popup the app opened (on a busy machine it can show up after the app's message),
// closes it, and brings Kiln's tab back to the front.
async function closePopup(browser, page) {
  for (const deadline = Date.now() + 30_000; (await browser.pages()).length < 2;) {
    if (Date.now() > deadline) throw new Error('the app opened no popup with the network on');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const other of await browser.pages()) {
    if (other !== page) await other.close().catch(() => {});
  }
  await page.bringToFront();
}

for (const engine of browsers()) {
  test(`the Network switch: on, the app reaches the network; off, nothing leaves (${engine})`, { timeout: 240_000 }, async (t) => {
    const listener = await startListener(t);
    const { server, browser } = await serveAndLaunch(t, engine);
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
    assert.deepEqual(tried.dialogs, { alert: 'undefined', confirm: false, prompt: null, opener: 'null' },
      'dialogs must return at once, popups without an opener');
    // The popup took the front: Kiln's tab, hidden behind it, would draw no frames.
    await closePopup(browser, page);
    await waitFor(() => kAll.every((path) => listener.seen.includes(path)),
      `every request with the network on (seen: ${listener.seen})`);
    await runVersion(page, kNavigate(listener.url), 'navigating');
    await waitFor(() => listener.seen.includes('/nav'), 'the navigation with the network on');

    // Off: kept for the project, and nothing at all arrives.
    await clickItem(page, 'Network');
    await waitForState(page, (s) => s.open.network === false);
    const id = (await state(page)).open.id;
    const kept = () => query(page, `SELECT value FROM settings WHERE key = 'preview_network:${id}'`);
    for (const deadline = Date.now() + 10_000; JSON.stringify(await kept()) !== '[["off"]]' && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await kept(), [['off']], 'the switch was not kept in the settings');
    listener.seen.length = 0;
    await runVersion(page, kEveryWay(listener.url), 'tried');
    await runVersion(page, kNavigate(listener.url), 'navigating');
    // The absence of a request can only be waited for: the same attempts arrived within this
    // time with the network on.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.deepEqual(listener.seen, [], `requests left the preview with the network off: ${listener.seen}`);
    await screenshot(page, `preview-network-off-${engine}.png`);
    // With the network off the app gets no popups either.
    assert.equal((await browser.pages()).length, 1, 'a popup opened with the network off');
  });
}
