// Export and import, checked against the real sql.js (npm sql.js@1.13.0, run in Node): Kiln's
// export opens in sql.js with every project and version; a library built by sql.js with Kiln's
// schema (the migrations of src/core/store/schema.cpp) is added to Kiln's library, or replaces
// it, and Undo of the replace restores it; a file that carries a trigger, one that is not SQLite,
// one from a newer Kiln and another application's database are refused with a plain message
// before anything is asked, and nothing changes. One project, or some chosen ones, leave as a
// file of their own (.kiln) that another profile adds to its library. Export and import go through real clicks, the file picker's input and a
// drop on the canvas. The open version's code leaves by Copy code and Download, a file that runs opened from disk. None of it needs the DevTools protocol: runs in Chromium and in Firefox.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, test } from 'node:test';
import {
  REPO_ROOT, act, browsers, captureDownloads, clickItem, download, newBrowser, openKiln, query, reloadKiln,
  screenshot, serveAndLaunch, state, waitForItem, waitForState,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const initSqlJs = require('sql.js/dist/sql-wasm.js');
// Loaded in a hook, not by a top-level await: run.mjs imports every test file into one module,
// and node:test does not run tests that a file registers after an await.
let SQL;
before(async () => {
  SQL = await initSqlJs({ locateFile: (file) => path.join(REPO_ROOT, 'node_modules/sql.js/dist', file) });
});
const kScratch = path.join(REPO_ROOT, 'build/tmp');

// Stands in for the asynchronous Clipboard API, as openKiln's `preload`: records each text written.
function recordClipboard() {
  window.kilnTestClipboard = [];
  navigator.clipboard.writeText = (text) => {
    window.kilnTestClipboard.push(text);
    return Promise.resolve();
  };
}

// Kiln's migrations, read from the source that defines them: [{version, sql}].
function kilnMigrations() {
  const source = fs.readFileSync(path.join(REPO_ROOT, 'src/core/store/schema.cpp'), 'utf8');
  const migrations = [...source.matchAll(/\{(\d+), "[^"]*", R"sql\(([\s\S]*?)\)sql"\}/g)]
    .map(([, version, sql]) => ({ version: Number(version), sql }));
  assert.ok(migrations.length >= 1, 'no migration found in schema.cpp');
  return migrations;
}

// A library made by sql.js: Kiln's schema, its header fields, and `projects` ({name, codes}).
function sqlJsLibrary(projects, { userVersion = null, applicationId = 0x4B494C4E, extraSql = '' } = {}) {
  const db = new SQL.Database();
  const migrations = kilnMigrations();
  for (const { sql } of migrations) db.exec(sql);
  if (extraSql) db.exec(extraSql);
  db.exec(`PRAGMA application_id = ${applicationId}; PRAGMA user_version = ${userVersion ?? migrations.at(-1).version}`);
  projects.forEach(({ name, codes }, i) => {
    db.run('INSERT INTO projects (public_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)',
      [`00000000000000${String(i).padStart(2, '0')}`, name, 1_700_000_000_000 + i, 1_700_000_000_000 + i]);
    const projectId = db.exec('SELECT last_insert_rowid()')[0].values[0][0];
    codes.forEach((code, n) => db.run(
      'INSERT INTO versions (project_id, number, prompt, code, created_at) VALUES (?, ?, ?, ?, ?)',
      [projectId, n + 1, `prompt ${n + 1}`, code, 1_700_000_000_000]));
  });
  const bytes = db.export();
  db.close();
  return bytes;
}

function rows(db, sql) {
  const [result] = db.exec(sql);
  return result ? result.values : [];
}

// Each project's codes in a library opened in sql.js: {name: [code of version 1, ...]}.
function codesByProject(db) {
  const found = {};
  for (const [project, code] of rows(db, 'SELECT p.name, v.code FROM projects p JOIN versions v ON v.project_id = p.id ORDER BY p.id, v.number')) {
    (found[project] ??= []).push(code);
  }
  return found;
}

// Makes in Kiln the projects of `made` ({name: [code of version 1, ...]}), each with its versions,
// and waits until they are saved.
async function makeProjects(page, made) {
  for (const [name, codes] of Object.entries(made)) {
    await act(page, 'newProject', name);
    await waitForState(page, (s) => s.open?.name === name);
    for (const [i, code] of codes.entries()) {
      await act(page, 'addVersion', code);
      await waitForState(page, (s) => s.open?.versions.length === i + 1);
    }
  }
  await waitForState(page, (s) => s.saved === 'saved');
}

// Drops a file on the canvas, as a drag from the desktop does.
async function dropFile(page, name, bytes) {
  await page.evaluate((fileName, base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], fileName, { type: 'application/vnd.sqlite3' }));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, name, Buffer.from(bytes).toString('base64'));
}

// Everything a refused import must leave as it was.
async function snapshot(page) {
  const s = await state(page);
  return {
    projects: await query(page, 'SELECT id, public_id, name, updated_at, deleted_at FROM projects ORDER BY id'),
    versions: await query(page, 'SELECT id, project_id, number, code FROM versions ORDER BY id'),
    committed: s.storage.committed,
    saved: s.saved,
  };
}

for (const engine of browsers()) {
  test(`export: Kiln's file opens in sql.js with every project and version (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { preload: captureDownloads });

      const made = { 'Exported A': ['<p>a1</p>', '<p>a2 ünïcödé</p>'], 'Exported B': ['<p>b1</p>'] };
      await makeProjects(page, made);

      await clickItem(page, 'Storage');
      await clickItem(page, 'Export database');
      const { name, bytes } = await download(page);
      const today = await page.evaluate(() => {
        const d = new Date();
        return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      });
      assert.equal(name, `kiln-${today}.sqlite`);

      const db = new SQL.Database(bytes);
      t.after(() => db.close());
      assert.deepEqual(rows(db, 'PRAGMA integrity_check'), [['ok']]);
      assert.deepEqual(rows(db, 'PRAGMA application_id'), [[0x4B494C4E]]);
      assert.deepEqual(codesByProject(db), made);
      assert.deepEqual(errors, []);
    });

  test(`projects leave as a file of their own, and another profile adds them (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url, { preload: captureDownloads });
      const made = { 'Timer': ['<p>t1</p>', '<p>t2</p>'], 'Private diary': ['<p>secret-diary-entry</p>'], 'Game': ['<p>snake</p>'] };
      await makeProjects(page, made);
      // The file: a Kiln library in sql.js, with just `names`' projects and versions, no settings.
      const holdsJust = (bytes, names) => {
        const db = new SQL.Database(bytes);
        try {
          assert.deepEqual(rows(db, 'PRAGMA integrity_check'), [['ok']]);
          assert.deepEqual(rows(db, 'SELECT count(*) FROM settings'), [[0]]);
          assert.deepEqual(codesByProject(db), Object.fromEntries(names.map((name) => [name, made[name]])));
          assert.ok(!Buffer.from(bytes).includes('secret-diary-entry'), 'the file holds another project\'s code');
        } finally {
          db.close();
        }
      };

      // The open project, from its header.
      await clickItem(page, 'Export');
      const one = await download(page);
      assert.equal(one.name, 'Game.kiln');
      holdsJust(one.bytes, ['Game']);

      // Some projects, chosen in the Storage dialog.
      await clickItem(page, 'Storage');
      await clickItem(page, 'Export some projects');
      await clickItem(page, 'Timer');
      await clickItem(page, 'Game');
      await waitForItem(page, 'Export 2 projects');
      await screenshot(page, `export-projects-${engine}.png`);
      await clickItem(page, 'Export 2 projects');
      const two = await download(page, 2);
      assert.match(two.name, /^kiln-2-projects-\d{4}-\d{2}-\d{2}\.kiln$/);
      holdsJust(two.bytes, ['Timer', 'Game']);

      // Another profile (another device) adds them to its library, by the file picker.
      const other = await newBrowser(t, engine);
      const { page: second, errors: secondErrors } = await openKiln(other, server.url);
      await act(second, 'newProject', 'Timer');
      await waitForState(second, (s) => s.projects.length === 1 && s.saved === 'saved');
      const input = await second.$('#kiln-file-input');
      assert.match(await input.evaluate((element) => element.accept), /(^|,)\.kiln(,|$)/);
      fs.mkdirSync(kScratch, { recursive: true });
      const file = path.join(kScratch, `${engine}-${two.name}`);
      fs.writeFileSync(file, two.bytes);
      await input.uploadFile(file);
      const offered = await waitForState(second, (s) => s.pending_import === path.basename(file));
      assert.match(offered.pending_import_holds, /^2 projects, 3 versions/);
      await clickItem(second, 'Add to my library');
      await waitForState(second, (s) => s.projects.length === 3 && s.saved === 'saved');
      assert.deepEqual(await query(second, 'SELECT p.name, v.code FROM projects p LEFT JOIN versions v ON v.project_id = p.id ORDER BY p.name, v.number'),
        [['Game', '<p>snake</p>'], ['Timer', null], ['Timer (2)', '<p>t1</p>'], ['Timer (2)', '<p>t2</p>']]);
      assert.deepEqual(errors, []);
      assert.deepEqual(secondErrors, []);
    });

  test(`an app leaves Kiln: Copy code, and Download as the project's name, a file that runs from disk (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const preload = `(${captureDownloads})(); (${recordClipboard})();`;
      const { page, errors } = await openKiln(browser, server.url, { preload });
      const name = 'Tip "calc": v1/2';
      const code = '<!doctype html><html><head><title>not run</title></head><body>' +
        '<script>document.title = "ran " + (40 + 2);</script></body></html>';
      await act(page, 'newProject', name);
      await waitForState(page, (s) => s.open?.name === name);
      await act(page, 'addVersion', code);
      await waitForState(page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
      await clickItem(page, 'Code');

      await clickItem(page, 'Copy code');
      await page.waitForFunction(() => window.kilnTestClipboard.length === 1, { timeout: 10_000 });
      assert.deepEqual(await page.evaluate(() => window.kilnTestClipboard), [code]);

      await clickItem(page, 'Download');
      const file = await download(page);
      assert.equal(file.name, 'Tip -calc- v1-2.html');
      assert.equal(new TextDecoder().decode(file.bytes), code);
      // Opened from disk, as a user opens the file they saved, the app runs.
      fs.mkdirSync(kScratch, { recursive: true });
      const saved = path.join(kScratch, `${engine}-${file.name}`);
      fs.writeFileSync(saved, file.bytes);
      const opened = await browser.newPage();
      await opened.goto(`file://${saved}`);
      await opened.waitForFunction(() => document.title === 'ran 42', { timeout: 10_000 });
      await opened.close();
      assert.deepEqual(errors, []);
    });

  test(`import: a library built by sql.js is added, or replaces Kiln's, and Undo restores it (${engine})`,
    { timeout: 240_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'From sql.js 1');
      await waitForState(page, (s) => s.projects.length === 1 && s.saved === 'saved');

      const library = [
        { name: 'From sql.js 1', codes: ['<p>one</p>'] },
        { name: 'From sql.js 2', codes: ['<p>two, v1</p>', '<p>two, v2</p>'] },
      ];
      fs.mkdirSync(kScratch, { recursive: true });
      const file = path.join(kScratch, `sqljs-library-${engine}.sqlite`);
      const fileName = path.basename(file);
      fs.writeFileSync(file, sqlJsLibrary(library));
      const input = await page.$('#kiln-file-input');

      // Add: checked first, then the dialog says what the file holds.
      await input.uploadFile(file);
      const offered = await waitForState(page, (s) => s.pending_import === fileName);
      assert.equal(offered.pending_import_holds,
        `2 projects, 3 versions, made by Kiln schema ${kilnMigrations().at(-1).version}`);
      await waitForItem(page, 'Add to my library');
      await screenshot(page, `import-confirm-${engine}.png`);
      await clickItem(page, 'Add to my library');
      const added = await waitForState(page, (s) => s.projects.length === 3 && s.saved === 'saved');
      assert.equal(added.notice, `Added 2 projects from ${fileName} to your library.`);
      assert.deepEqual(added.errors, []);
      const names = 'SELECT name FROM projects ORDER BY name';
      assert.deepEqual(await query(page, names), [['From sql.js 1'], ['From sql.js 1 (2)'], ['From sql.js 2']]);
      const afterAdd = await snapshot(page);

      // Replace, then Undo: the library is back as it was.
      await page.evaluate(() => { document.getElementById('kiln-file-input').value = ''; });
      await input.uploadFile(file);
      await waitForState(page, (s) => s.pending_import === fileName);
      await clickItem(page, 'Replace my library');
      const replaced = await waitForState(page, (s) => s.projects.length === 2 && s.saved === 'saved' && s.undo_replace);
      assert.equal(replaced.notice, `Replaced your library with ${fileName}: 2 projects.`);
      const expected = library.flatMap(({ name, codes }) => codes.map((code) => [name, code]));
      const codes = 'SELECT p.name, v.code FROM projects p JOIN versions v ON v.project_id = p.id ORDER BY p.id, v.number';
      assert.deepEqual(await query(page, codes), expected);
      await waitForItem(page, 'Undo');
      await screenshot(page, `import-replaced-${engine}.png`);
      await clickItem(page, 'Undo');
      const undone = await waitForState(page, (s) => s.projects.length === 3 && !s.undo_replace && s.saved === 'saved');
      assert.deepEqual(undone.errors, []);
      const restored = await snapshot(page);
      assert.deepEqual(restored.projects, afterAdd.projects);
      assert.deepEqual(restored.versions, afterAdd.versions);

      await reloadKiln(page, errors);
      assert.deepEqual(await query(page, names), [['From sql.js 1'], ['From sql.js 1 (2)'], ['From sql.js 2']],
        'what Undo restored was saved');
      assert.deepEqual(await query(page, 'PRAGMA integrity_check'), [['ok']]);
      assert.deepEqual(errors, []);
    });

  test(`import: files that are not Kiln libraries are refused and nothing changes (${engine})`,
    { timeout: 180_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const { page, errors } = await openKiln(browser, server.url);
      await act(page, 'newProject', 'Kept');
      await waitForState(page, (s) => s.open?.name === 'Kept');
      await act(page, 'addVersion', '<p>kept</p>');
      await waitForState(page, (s) => s.open?.versions.length === 1 && s.saved === 'saved');
      const before = await snapshot(page);

      const current = kilnMigrations().at(-1).version;
      const trigger = 'CREATE TRIGGER wipe AFTER INSERT ON versions BEGIN DELETE FROM versions; END';
      const refused = [
        ['with-trigger.sqlite', sqlJsLibrary([{ name: 'Trojan', codes: ['<p/>'] }], { extraSql: trigger }),
          /^This file has a trigger named “wipe” on the table “versions” that Kiln does not make\. Nothing was changed\.$/],
        ['notes.sqlite', new TextEncoder().encode('These are my notes, not a database.\n'.repeat(50)), /not a SQLite database/],
        ['from-the-future.sqlite', sqlJsLibrary([{ name: 'Future', codes: ['<p/>'] }], { userVersion: current + 1 }),
          /made by a newer Kiln \(schema version \d+; this Kiln knows up to \d+\)/],
        ['other-app.sqlite', sqlJsLibrary([], { applicationId: 0x12345678 }), /belongs to another application/],
      ];
      for (const [name, bytes, why] of refused) {
        // Refused as it arrives: the user is asked nothing.
        await dropFile(page, name, bytes);
        const after = await waitForState(page, (s) => s.errors.length === 1);
        assert.equal(after.pending_import, null);
        assert.match(after.errors[0], why);
        assert.match(after.errors[0], /Nothing was changed/);
        assert.doesNotMatch(after.errors[0], /CREATE|SELECT/);
        assert.deepEqual(await snapshot(page), before, `${name} changed something`);
        if (name === 'with-trigger.sqlite') {
          assert.match(after.error_detail, /CREATE TRIGGER wipe/);
          await clickItem(page, 'Details');
          await screenshot(page, `import-refused-${engine}.png`);
        }
        await clickItem(page, 'Dismiss');
        await waitForState(page, (s) => s.errors.length === 0);
      }
      assert.deepEqual(errors, []);
    });
}
