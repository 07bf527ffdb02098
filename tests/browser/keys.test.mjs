// Where the API key goes (docs/CODEGEN.md, "Keys: what is sent where"). Three loopback listeners record
// every request and its Authorization header: A on 127.0.0.1 (the key's home), B on 127.0.0.2,
// C on [::1]. For each URL of a table of tricky ones (userinfo, backslashes, case, ports, IPv4
// and IPv6 notations, IDN and punycode, trailing dots, percent-encoding, whitespace and control
// characters, other schemes, relative URLs), Kiln's settings are driven through kilnTest.act:
// with the home key saved, the base URL moved to the URL must make the key usable only if the
// browser's own new URL(u).origin is the home origin; a key entered for the URL is stored for
// exactly new URL(u).origin; and, once requests went out, each key reached no listener but one
// of its own origin (the Host header says where the browser sent it). Then the fetch guard
// itself (web/js/fetch_stream.js) is driven directly: a request with a key for A goes nowhere
// else, and a redirect is not followed. Last, an endless answer is cut at Kiln's size cap.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { act, browsers, openKiln, serveAndLaunch, startLlmServer, state, waitForState } from './harness.mjs';

const kHomeKey = 'sk-home-key';

// {u, send}: `send` when a request to it may go out (loopback addresses only: nothing else is
// looked up or reached). {a}, {b}, {c}: the ports of A, B and C.
const kTable = [
  { u: 'http://127.0.0.1:{a}/v1', send: true },
  { u: 'HTTP://127.0.0.1:{a}/V1', send: true },
  { u: 'http://127.0.0.1:{a}\\@127.0.0.2:{b}/v1', send: true },
  { u: 'http://127.0.0.2:{b}\\@127.0.0.1:{a}/v1', send: true },
  { u: 'http://user:secret@127.0.0.2:{b}/v1', send: true },
  { u: 'http://127.0.0.2:{b}@127.0.0.1:{a}/v1', send: true },
  { u: 'http://127.0.0.1:{a}@127.0.0.2:{b}/v1', send: true },
  { u: 'http://127.0.0.1:{a}#@127.0.0.2:{b}/v1', send: true },
  { u: 'http://127.0.0.1:{a}?@127.0.0.2:{b}/v1', send: true },
  { u: 'http://127.0.0.1:{a}/@127.0.0.2:{b}/v1', send: true },
  { u: 'http://example.com%2F@127.0.0.2:{b}/v1', send: true },
  { u: 'http://localhost:{a}/v1', send: true },
  { u: 'http://LOCALHOST:{a}/v1', send: true },
  { u: 'http://0x7f.0.0.1:{a}/v1', send: true },
  { u: 'http://2130706433:{a}/v1', send: true },
  { u: 'http://127.1:{a}/v1', send: true },
  { u: 'http://0177.0.0.1:{a}/v1', send: true },
  { u: 'http://%31%32%37.0.0.1:{a}/v1', send: true },
  { u: 'http://１２７.０.０.１:{a}/v1', send: true },
  { u: 'http://127.0.0.1.:{a}/v1', send: true },
  { u: 'http://127.0.0.1:0{a}/v1', send: true },
  { u: 'http://[::1]:{c}/v1', send: true },
  { u: 'http://[0:0:0:0:0:0:0:1]:{c}/v1', send: true },
  { u: 'http://[::ffff:127.0.0.1]:{a}/v1', send: true },
  { u: '  http://127.0.0.1:{a}/v1  ', send: true },
  { u: 'http://127.0.\t0.1:{a}/v1', send: true },
  { u: 'http://127.0.0.2\n:{b}/v1', send: true },
  { u: '\u0001http://127.0.0.2:{b}/v1\u0002', send: true },
  { u: 'http:127.0.0.2:{b}/v1', send: true },
  { u: 'http:/\\127.0.0.2:{b}/v1', send: true },
  { u: 'https://127.0.0.1:{a}/v1', send: true },
  { u: 'http://127.0.0.1:80/v1', send: true },
  // (A NUL cannot be typed into Kiln's field, and ends a string passed to Kiln's module.)
  { u: 'http://127.0.0.1\u0007:{a}/v1', send: true },
  { u: 'http://127.0.0.1\u007f.:{a}/v1', send: true },
  { u: 'http://127.0.0.1:{a}:{b}/v1', send: true },
  { u: 'http://127.0.0.1:99999/v1', send: true },
  { u: '//127.0.0.2:{b}/v1', send: true },
  { u: 'ftp://127.0.0.1:{a}/v1', send: true },
  { u: 'http://bücher.example/v1', send: false },
  { u: 'http://xn--bcher-kva.example/v1', send: false },
  { u: 'http://EXAMPLE.com./v1', send: false },
  { u: 'http://ex%61mple.com/v1', send: false },
  { u: 'HTTPS://Example.COM:443/v1', send: false },
  { u: 'https://api.openai.com:443/v1', send: false },
  { u: 'http://[::1/v1', send: false },
  { u: 'javascript:alert(1)', send: false },
  { u: 'data:text/plain,hello', send: false },
  { u: 'file:///etc/passwd', send: false },
  { u: '/v1', send: false },
  { u: '127.0.0.1:{a}/v1', send: false },
  { u: 'localhost:{a}/v1', send: false },
];

// What the browser itself says of u, in the page: new URL(u).origin for an http(s) URL, else ''
// (Kiln keeps no key for anything else: 'null', or Chromium's 'file://').
const browserOrigin = (page, u) => page.evaluate((url) => {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : '';
  } catch {
    return '';
  }
}, u);

// Whether a request to u may go out here: the browser resolves it (against the page, when
// relative) to an IP address or localhost, or to nothing it can fetch. Nothing is ever looked up
// by name (no DNS: the machine has no network but loopback).
const loopbackOnly = (page, u) => page.evaluate((url) => {
  let parsed;
  try {
    parsed = new URL(url, location.href);
  } catch {
    return true;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return true;
  return /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\]|localhost)$/.test(parsed.hostname);
}, u);

async function requestsOf(listener) {
  return (await fetch(`${listener.url}/kiln-test/requests`)).json();
}

async function testConnection(page) {
  const before = (await state(page)).connection_test;
  await act(page, 'testConnection');
  await waitForState(page, (s) => !s.connection_test.running, 30_000);
  return before;
}

for (const engine of browsers()) {
  test(`the key goes to its origin only, as the browser reads each URL (${engine})`, { timeout: 600_000 }, async (t) => {
    const a = await startLlmServer();
    t.after(() => a.stop());
    const b = await startLlmServer(['--host', '127.0.0.2']);
    t.after(() => b.stop());
    const c = await startLlmServer(['--host', '::1']);
    t.after(() => c.stop());
    const ports = { a: new URL(a.url).port, b: new URL(b.url).port, c: c.url.split(':').at(-1) };
    const listeners = [a, b, { url: `http://[::1]:${ports.c}` }];
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page, errors } = await openKiln(browser, server.url);
    await waitForState(page, (s) => s.ready);
    const home = `http://127.0.0.1:${ports.a}`;
    const fill = (u) => u.replace(/\{(a|b|c)\}/g, (_, name) => ports[name]);

    const expected = [];
    const saved = new Map([[home, kHomeKey]]);  // origin -> the key Kiln should have for it
    for (const [i, row] of kTable.entries()) {
      const u = fill(row.u);
      const origin = await browserOrigin(page, u);
      expected.push(origin);
      const send = row.send && await loopbackOnly(page, u);
      const where = `#${i} ${JSON.stringify(u)} (the browser: ${JSON.stringify(origin)})`;

      // The home key saved, then the base URL moved to u: a key only if one was saved for the
      // browser's origin of u (the home key only on the home origin).
      await act(page, 'setEndpoint', JSON.stringify({ base_url: `${home}/v1`, model: 'kiln-test/ok', api_key: kHomeKey }));
      await act(page, 'setEndpoint', JSON.stringify({ base_url: u }));
      let now = await state(page);
      const usable = origin !== '' && saved.has(origin);
      assert.equal(now.settings.key_usable, usable, `${where}: key usable ${now.settings.key_usable}`);
      assert.equal(now.settings.has_key, usable, where);
      assert.equal(now.settings.key_origin, origin, where);
      if (send) await testConnection(page);

      // A key entered for u: kept for new URL(u).origin exactly (none for a URL without one).
      await act(page, 'setEndpoint', JSON.stringify({ base_url: u, api_key: `sk-url-${i}` }));
      now = await state(page);
      assert.equal(now.settings.key_origin, origin, where);
      assert.equal(now.settings.has_key, origin !== '', where);
      assert.equal(now.settings.key_usable, origin !== '', where);
      if (origin !== '') saved.set(origin, `sk-url-${i}`);
      if (send) await testConnection(page);
    }
    assert.ok(kTable.length >= 30);

    // Every key that arrived anywhere arrived at its own origin, as the browser addressed it.
    assert.deepEqual(new Set((await state(page)).settings.key_origins), new Set(saved.keys()));
    let homeArrivals = 0;
    for (const listener of listeners) {
      for (const entry of await requestsOf(listener)) {
        if (!entry.authorization) continue;
        const sentTo = `http://${entry.host}`;
        const key = entry.authorization.replace(/^Bearer /, '');
        if (key === kHomeKey) {
          assert.equal(sentTo, home, `the home key reached ${sentTo} (${entry.path})`);
          homeArrivals += 1;
          continue;
        }
        const index = Number(/^sk-url-(\d+)$/.exec(key)?.[1]);
        assert.ok(Number.isInteger(index), `an unknown key arrived: ${key}`);
        assert.equal(sentTo, expected[index], `key #${index} for ${JSON.stringify(fill(kTable[index].u))} reached ${sentTo}`);
      }
    }
    assert.ok(homeArrivals > 0, 'the home key was never used at home: the table did not exercise it');

    // The guard where fetch is called: a request carrying a key for A goes out only if its URL's
    // origin is A's, whatever the URL says; refused ones never leave (kind 2, a clear message).
    const sent = [];
    for (const row of kTable) {
      if (row.send && await loopbackOnly(page, fill(row.u))) sent.push(fill(row.u));
    }
    const guarded = await page.evaluate(async (urls, keyOrigin) => {
      const results = [];
      for (const [i, url] of urls.entries()) {
        results.push(await new Promise((resolve) => {
          window.kilnFetch.start(9000 + i, 'GET', `${url}/models`, [['authorization', `Bearer sk-guard-${i}`]], null,
            keyOrigin, {
              response: (status) => resolve({ status }),
              data: () => {},
              end: () => {},
              failed: (kind, why) => resolve({ kind, why }),
            });
        }));
      }
      return results;
    }, sent, home);
    for (const [i, result] of guarded.entries()) {
      const onHome = (await browserOrigin(page, `${sent[i]}/models`)) === home;
      if (!onHome) {
        assert.equal(result.kind, 2, `guard: ${JSON.stringify(sent[i])} was not refused: ${JSON.stringify(result)}`);
        assert.match(result.why, /did not send the request: it carries the API key saved for http:\/\/127\.0\.0\.1:\d+/);
      } else {
        // Sent (or refused by fetch itself: a URL with credentials cannot be fetched).
        assert.ok(result.status >= 200 || result.kind === 0, `guard: ${JSON.stringify(sent[i])}: ${JSON.stringify(result)}`);
      }
    }
    // A key header with no origin named is refused too.
    const unnamed = await page.evaluate((url) => new Promise((resolve) => {
      window.kilnFetch.start(9990, 'GET', url, [['Authorization', 'Bearer sk-guard-unnamed']], null, '', {
        response: (status) => resolve({ status }), data: () => {}, end: () => {}, failed: (kind) => resolve({ kind }),
      });
    }), `${home}/v1/models`);
    assert.deepEqual(unnamed, { kind: 2 });
    // A redirect from the key's origin to another is not followed.
    const redirected = await page.evaluate((url, keyOrigin) => new Promise((resolve) => {
      window.kilnFetch.start(9991, 'GET', url, [['authorization', 'Bearer sk-guard-redirect']], null, keyOrigin, {
        response: (status) => resolve({ status }), data: () => {}, end: () => {}, failed: (kind) => resolve({ kind }),
      });
    }), `${home}/kiln-test/redirect?to=${encodeURIComponent(`${b.url}/v1/models`)}`, home);
    assert.deepEqual(redirected, { kind: 0 });
    const arrivals = [];
    for (const listener of listeners) {
      for (const entry of await requestsOf(listener)) {
        if (entry.authorization?.startsWith('Bearer sk-guard-')) arrivals.push(`http://${entry.host} ${entry.authorization}`);
      }
    }
    const guardKey = /Bearer sk-guard-(\d+|redirect|unnamed)$/;
    for (const arrival of arrivals) {
      assert.ok(arrival.startsWith(`${home} `), `a guarded key arrived elsewhere: ${arrival}`);
      const index = Number(guardKey.exec(arrival)[1]);
      if (Number.isInteger(index)) assert.equal(await browserOrigin(page, `${sent[index]}/models`), home, arrival);
    }
    assert.ok(arrivals.some((line) => line.endsWith('sk-guard-redirect')), 'the redirect was not asked for');
    assert.ok(!(await requestsOf(b)).some((entry) => entry.path === '/v1/models' && entry.authorization === 'Bearer sk-guard-redirect'));
    // What the browser logs of the requests that failed on purpose (refused, unreachable, blocked).
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|CORS|Cross-Origin|NetworkError|ERR_|redirect|Content Security Policy/i.test(e)), []);
  });

  test(`an endless answer is cut at the size cap, with a clear message (${engine})`, { timeout: 180_000 }, async (t) => {
    const llm = await startLlmServer();
    t.after(() => llm.stop());
    const { server, browser } = await serveAndLaunch(t, engine);
    const { page } = await openKiln(browser, server.url);
    await act(page, 'newProject', 'Endless');
    await act(page, 'setEndpoint', JSON.stringify({ base_url: `${llm.url}/v1`, model: 'kiln-test/endless', api_key: 'sk-1' }));
    await act(page, 'send', 'an app that never ends');
    const cut = await waitForState(page, (s) => s.generation.phase === 'failed', 120_000);
    assert.match(cut.generation.message, /kept sending: Kiln stops reading an answer after 1 MB of text or 16 MB of data/);
    assert.ok(cut.draft.code_bytes > 512 * 1024 && cut.draft.code_bytes <= 1024 * 1024 + 20 * 1024,
      `draft of ${cut.draft.code_bytes} bytes`);
    assert.equal(cut.open.versions.length, 0);
    // The request was aborted: the endpoint stops sending, and Kiln stays responsive.
    await act(page, 'setEndpoint', JSON.stringify({ model: 'kiln-test/ok' }));
    await act(page, 'send', 'a counter');
    await waitForState(page, (s) => s.generation.phase === 'finished' && s.open.versions.length === 1, 60_000);
  });
}
