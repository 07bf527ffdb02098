// Sync with a real CouchDB-protocol server: PouchDB Server (npm pouchdb-server, on
// loopback), two browser profiles as two devices. Settings go in through the Sync dialog with
// real clicks and keys; Test sync finds the database missing and creates it; a project made on
// one device arrives on the other, a version made there comes back, and what the server holds is
// read with CouchDB's own API and replicated by PouchDB itself, which renames the project and
// Kiln takes the new name. The phone (a phone-sized window) reaches Sync through Storage. A
// wrong password is named as such, in the dialog and the status line. A library of a few hundred
// versions arrives whole and once on a device whose pass met a server stopped mid-answer and a
// tab closed mid-request; two devices that each made a version offline keep both. Runs in
// Chromium and in Firefox.

import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import {
  act, browsers, clickItem, newBrowser, openKiln, query, replaceText, screenshot, startCouchServer, startServer,
  waitForState, webDir,
} from './harness.mjs';

// PouchDB itself, in Node, as one more peer (the packages pouchdb-server is made of, pinned by
// package-lock.json): it replicates with CouchDB's protocol as every standard peer does.
const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-replication'));

// Opens the Sync dialog (from the status bar; on a phone, from the Storage dialog) and fills it,
// sync on; Save is left to the caller.
async function setUpSync(page, url, { user = '', password = '', phone = false } = {}) {
  if (phone) {
    await clickItem(page, 'Storage');
    await clickItem(page, 'Sync settings');
  } else {
    await clickItem(page, 'Sync');
  }
  await replaceText(page, '##sync_url', url);
  if (user) await replaceText(page, '##sync_user', user);
  if (password) await replaceText(page, '##sync_password', password);
  await clickItem(page, 'Sync this library');
}

// A proxy in front of the server, as the network between Kiln and it. `rule(request)` says what
// happens to each request: undefined passes it on; 'drop' cuts its connection; 'hold' keeps it
// unanswered (held.length counts them) until close().
async function startProxy(target) {
  const proxy = { rule: () => undefined, held: [] };
  const server = http.createServer((request, response) => {
    const action = proxy.rule(request);
    if (action === 'drop') return request.socket.destroy();
    if (action === 'hold') return proxy.held.push(response);
    const onward = http.request(`${target}${request.url}`, { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode, answer.headers);
        answer.pipe(response);
      });
    onward.on('error', () => request.socket.destroy());
    request.pipe(onward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => {
    for (const response of proxy.held) response.socket?.destroy();
    server.closeAllConnections();
    server.close();
  };
  return proxy;
}

async function couch(url, method = 'GET', body = undefined, auth = '') {
  const headers = { 'Content-Type': 'application/json' };
  if (auth) headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

for (const engine of browsers()) {
  test(`sync: two devices share a library through PouchDB Server (${engine})`, { timeout: 240_000 }, async (t) => {
    const couchServer = await startCouchServer();
    t.after(() => couchServer.stop());
    const server = await startServer(webDir());
    t.after(() => server.stop());
    const laptopBrowser = await newBrowser(t, engine);
    const phoneBrowser = await newBrowser(t, engine);

    // The laptop: a project, then the Sync dialog. Test sync finds no database and makes it.
    const laptop = await openKiln(laptopBrowser, server.url);
    await act(laptop.page, 'newProject', 'Pomodoro');
    await waitForState(laptop.page, (s) => s.open?.name === 'Pomodoro');
    await act(laptop.page, 'addVersion', '<!doctype html><p>25:00</p>');
    await waitForState(laptop.page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
    await setUpSync(laptop.page, couchServer.url);
    await clickItem(laptop.page, 'Test sync');
    await waitForState(laptop.page, (s) => s.sync.test.outcome === 'no_database');
    await screenshot(laptop.page, `sync-dialog-${engine}.png`);
    await clickItem(laptop.page, 'Create it');
    const created = await waitForState(laptop.page, (s) => s.sync.test.outcome === 'passed');
    assert.match(created.sync.test.message, /database kiln is there/);
    await clickItem(laptop.page, 'Save');
    const synced = await waitForState(laptop.page, (s) => s.sync.last?.error === '' && !s.sync.running);
    assert.equal(synced.sync.status, 'Synced just now');
    assert.equal(synced.sync.last.pushed, 2);  // the project and its version
    const project = synced.open.id;

    // The server holds them as documents any CouchDB client reads.
    const doc = await couch(`${couchServer.url}/kiln/project:${project}`);
    assert.equal(doc.status, 200);
    assert.equal(doc.json.name, 'Pomodoro');
    const all = await couch(`${couchServer.url}/kiln/_all_docs?include_docs=true`);
    const versions = all.json.rows.filter((row) => row.id.startsWith('version:'));
    assert.equal(versions.length, 1);
    assert.equal(versions[0].doc.code, '<!doctype html><p>25:00</p>');
    assert.equal(versions[0].doc.project, project);
    // PouchDB replicates them too, Kiln's checkpoints and all, as documents it knows how to read.
    const peer = new PouchDB(`peer-${engine}`, { adapter: 'memory' });
    t.after(() => peer.destroy());
    const replicated = await PouchDB.replicate(`${couchServer.url}/kiln`, peer);
    assert.equal(replicated.ok, true);
    assert.equal(replicated.doc_write_failures, 0);
    const peerProject = await peer.get(`project:${project}`, { revs: true });
    assert.equal(peerProject.name, 'Pomodoro');

    // The phone: the same settings; the project arrives, with its version.
    const phone = await openKiln(phoneBrowser, server.url, { width: 390, height: 844 });
    await setUpSync(phone.page, couchServer.url, { phone: true });
    await screenshot(phone.page, `sync-dialog-phone-${engine}.png`);
    await clickItem(phone.page, 'Save');
    await waitForState(phone.page, (s) => s.projects.some((p) => p.name === 'Pomodoro'));
    assert.deepEqual(await query(phone.page, `SELECT v.number, v.code FROM versions v JOIN projects p ON p.id = v.project_id WHERE p.public_id = '${project}'`),
      [['1', '<!doctype html><p>25:00</p>']]);
    await screenshot(phone.page, `sync-arrived-${engine}.png`);

    // A version made on the phone comes to the laptop by itself within seconds: between passes
    // the laptop watches the server (a long poll of _changes), which answers at the change.
    await waitForState(laptop.page, (s) => s.sync.watching);
    await phone.page.evaluate((id) => { location.hash = `#/p/${id}`; }, project);
    await waitForState(phone.page, (s) => s.open?.id === project);
    await act(phone.page, 'addVersion', '<!doctype html><p>50:00</p>');
    await waitForState(phone.page, (s) => s.sync.last?.pushed >= 1 && !s.sync.running, 30_000);
    const pushedAt = Date.now();
    await laptop.page.bringToFront();  // Firefox hardly draws a window that another covers
    const merged = await waitForState(laptop.page, (s) => s.open?.versions.length === 2, 10_000);
    t.diagnostic(`the laptop had the phone's version ${Date.now() - pushedAt} ms after the phone's pass`);
    assert.deepEqual(merged.open.versions.map((v) => v.made_elsewhere), [false, true]);
    assert.deepEqual(await query(laptop.page, `SELECT v.number, v.code, o.library_id IS NOT NULL FROM versions v JOIN projects p ON p.id = v.project_id LEFT JOIN version_origins o ON o.version_id = v.id WHERE p.public_id = '${project}' ORDER BY v.number`),
      [['1', '<!doctype html><p>25:00</p>', '0'], ['2', '<!doctype html><p>50:00</p>', '1']]);
    // PouchDB renames the project and replicates back; Kiln, watching, takes the new name.
    await PouchDB.replicate(`${couchServer.url}/kiln`, peer);
    const renamed = await peer.get(`project:${project}`);
    renamed.name = 'Pomodoro, named by PouchDB';
    await peer.put(renamed);
    assert.equal((await PouchDB.replicate(peer, `${couchServer.url}/kiln`)).ok, true);
    await waitForState(laptop.page, (s) => s.open?.name === 'Pomodoro, named by PouchDB', 10_000);

    // Chromium logs each answer of 404 (a checkpoint not written yet) as a failed load.
    const unexpected = (errors) => errors.filter((e) => !/Failed to load resource: .* status of 404/.test(e));
    assert.deepEqual(unexpected(laptop.errors), []);
    assert.deepEqual(unexpected(phone.errors), []);
  });

  test(`sync: a wrong password is named in Test sync and in the status line (${engine})`, { timeout: 120_000 }, async (t) => {
    const couchServer = await startCouchServer();
    t.after(() => couchServer.stop());
    assert.equal((await couch(`${couchServer.url}/kiln`, 'PUT')).status, 201);
    await fetch(`${couchServer.url}/_config/admins/anna`, { method: 'PUT', body: '"right"' });
    const server = await startServer(webDir());
    t.after(() => server.stop());
    const browser = await newBrowser(t, engine);
    const { page, errors } = await openKiln(browser, server.url);

    await setUpSync(page, couchServer.url, { user: 'anna', password: 'wrong' });
    await clickItem(page, 'Test sync');
    const tested = await waitForState(page, (s) => s.sync.test.outcome === 'failed');
    assert.equal(tested.sync.test.message, 'The server refused the user name or password.');
    await clickItem(page, 'Save');
    const failed = await waitForState(page, (s) => s.sync.last?.error === 'unauthorized');
    assert.equal(failed.sync.status, 'Sync: wrong user name or password');
    await screenshot(page, `sync-wrong-password-${engine}.png`);

    // The right one: it syncs.
    await clickItem(page, 'Sync');
    await replaceText(page, '##sync_password', 'right');
    await clickItem(page, 'Save');
    const fixed = await waitForState(page, (s) => s.sync.last?.error === '' && !s.sync.running);
    assert.equal(fixed.sync.status, 'Synced just now');

    // The password changes on the server: Sync now is refused, and the next pass waits 5 minutes
    // for the user. Set back to the one Kiln has, Sync now syncs at once.
    const setPassword = async (from, to) => {
      const response = await fetch(`${couchServer.url}/_config/admins/anna`, {
        method: 'PUT', headers: { Authorization: `Basic ${Buffer.from(`anna:${from}`).toString('base64')}` },
        body: JSON.stringify(to),
      });
      assert.equal(response.status, 200);
    };
    await setPassword('right', 'changed');
    await clickItem(page, 'Sync');
    await clickItem(page, 'Sync now');
    await waitForState(page, (s) => s.sync.last?.error === 'unauthorized', 10_000);
    await setPassword('changed', 'right');
    await clickItem(page, 'Sync now');
    const again = await waitForState(page, (s) => s.sync.last?.error === '' && !s.sync.running, 10_000);
    assert.equal(again.sync.status, 'Synced just now');
    // Chromium logs each answer of 401 or 404 (a missing checkpoint is a 404) as a failed load.
    assert.deepEqual(errors.filter((e) => !/Failed to load resource: .* status of (401|404)/.test(e)), []);
  });

  test(`sync: a server stopped mid-sync and a tab closed mid-request lose nothing; offline edits on two devices are both kept (${engine})`,
    { timeout: 240_000 }, async (t) => {
      const couchServer = await startCouchServer();
      t.after(() => couchServer.stop());
      const proxy = await startProxy(couchServer.url);
      t.after(() => proxy.close());
      assert.equal((await couch(`${couchServer.url}/kiln`, 'PUT')).status, 201);
      const server = await startServer(webDir());
      t.after(() => server.stop());
      const laptopBrowser = await newBrowser(t, engine);
      const phoneBrowser = await newBrowser(t, engine);
      // The browsers log each cut connection (Firefox as a CORS request that "did not succeed"),
      // and Chromium each answer of 404 (a checkpoint not written yet).
      const unexpected = (errors) => errors.filter((e) => !/Failed to load resource|CORS request did not succeed/.test(e));

      // The laptop: a project of 210 versions (3 batches of changes), synced.
      const kVersions = 210;
      const laptop = await openKiln(laptopBrowser, server.url);
      await act(laptop.page, 'newProject', 'Many');
      const project = (await waitForState(laptop.page, (s) => s.open?.name === 'Many')).open.id;
      await laptop.page.evaluate(async (count) => {
        for (let i = 1; i <= count; i++) {
          window.kilnTest.act('addVersion', `<!doctype html><p>${i}</p>${'x'.repeat(2000)}`);
          while (window.kilnTest.state().open.version !== i) await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }, kVersions);
      await waitForState(laptop.page, (s) => s.open?.versions.length === kVersions && s.saved === 'saved');
      await setUpSync(laptop.page, proxy.url);
      await clickItem(laptop.page, 'Save');
      await waitForState(laptop.page, (s) => s.sync.last?.error === '' && !s.sync.running && s.sync.watching, 60_000);
      const library = `SELECT v.number, v.code FROM versions v JOIN projects p ON p.id = v.project_id
        WHERE p.public_id = '${project}' ORDER BY v.number`;
      const laptopVersions = await query(laptop.page, library);
      const versionCount = 'SELECT count(*), count(DISTINCT code), min(number), max(number) FROM versions';

      // The phone's first pass: the server stops while it answers the second batch.
      let bulkGets = 0;
      let halted = null;
      proxy.rule = (request) => {
        // (POST only: the browser asks first with OPTIONS, CORS's preflight.)
        if (request.method !== 'POST' || !request.url.includes('/_bulk_get') || ++bulkGets !== 2) return undefined;
        halted = couchServer.halt();
        return 'drop';
      };
      let phone = await openKiln(phoneBrowser, server.url);
      await setUpSync(phone.page, proxy.url);
      await clickItem(phone.page, 'Save');
      const stopped = await waitForState(phone.page, (s) => s.sync.last?.error === 'offline', 60_000);
      assert.equal(stopped.sync.status, 'Sync: offline, will try again');
      await halted;
      const [[partial]] = await query(phone.page, 'SELECT count(*) FROM versions');
      assert.ok(Number(partial) > 0 && Number(partial) < kVersions, `the first batch is kept: ${partial} versions`);
      assert.deepEqual(unexpected(phone.errors), []);
      await phone.page.close({ runBeforeUnload: false });

      // The server back; the tab, opened again, resumes from its checkpoint, and is closed while
      // its next request waits for an answer.
      await couchServer.resume();
      proxy.rule = (request) => (request.method === 'POST' && request.url.includes('/_bulk_get') ? 'hold' : undefined);
      phone = await openKiln(phoneBrowser, server.url);
      for (const deadline = Date.now() + 30_000; proxy.held.length === 0;) {
        assert.ok(Date.now() < deadline, 'the resumed pass asked for documents');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await phone.page.close({ runBeforeUnload: false });

      // Once more: the pass ends, with every version once, as the laptop has them.
      proxy.rule = () => undefined;
      phone = await openKiln(phoneBrowser, server.url);
      await waitForState(phone.page, (s) => s.sync.last?.error === '' && !s.sync.running && s.projects.length === 1, 60_000);
      assert.deepEqual(await query(phone.page, versionCount), [[String(kVersions), String(kVersions), '1', String(kVersions)]]);
      assert.deepEqual(await query(phone.page, library), laptopVersions);

      // Offline, each device makes a version of its own: each counts it as waiting.
      await couchServer.halt();
      await phone.page.evaluate((id) => { location.hash = `#/p/${id}`; }, project);
      await waitForState(phone.page, (s) => s.open?.id === project);
      for (const [device, code] of [[laptop, '<p>made on the laptop</p>'], [phone, '<p>made on the phone</p>']]) {
        await device.page.bringToFront();  // Firefox hardly draws a window that another covers
        await act(device.page, 'addVersion', code);
        await clickItem(device.page, 'Sync');
        await clickItem(device.page, 'Sync now');
        await waitForState(device.page, (s) => s.sync.status === 'Offline: 1 change waiting', 30_000);
      }
      await screenshot(phone.page, `sync-offline-waiting-${engine}.png`);

      // The server back: both versions on both devices, the laptop's first, as it was made first;
      // each device marks the one the other made.
      await couchServer.resume();
      for (const device of [laptop, phone]) {
        await device.page.bringToFront();
        await clickItem(device.page, 'Sync now');
        await waitForState(device.page, (s) => s.sync.last?.error === '' && !s.sync.running, 30_000);
      }
      for (const [device, elsewhere] of [[laptop, [false, true]], [phone, [true, false]]]) {
        await device.page.bringToFront();
        const merged = await waitForState(device.page, (s) => s.open?.versions.length === kVersions + 2, 30_000);
        assert.deepEqual(merged.open.versions.slice(-2).map((v) => v.made_elsewhere), elsewhere);
        assert.deepEqual((await query(device.page, library)).slice(-2),
          [[String(kVersions + 1), '<p>made on the laptop</p>'], [String(kVersions + 2), '<p>made on the phone</p>']]);
      }
      assert.deepEqual(unexpected(laptop.errors), []);
      assert.deepEqual(unexpected(phone.errors), []);
    });
}
