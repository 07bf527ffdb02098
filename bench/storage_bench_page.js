// The storage benchmark's page: Kiln (kiln_bench_storage, see storage_bench.cpp) and sql.js side
// by side in the same page and IndexedDB. bench/storage_bench.mjs calls window.bench.* one step
// at a time and prints what they return.
'use strict';

(function () {
  const kMiB = 1024 * 1024;
  const kVersionBytes = 20 * 1024;

  // ---- Kiln, through kiln_bench_storage's functions --------------------------------------------

  let nextRequest = 1;
  const pending = new Map();
  let markReady;
  const ready = new Promise((resolve) => { markReady = resolve; });

  function settle(request, value) {
    pending.get(request).resolve(value);
    pending.delete(request);
  }

  window.Module = {
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    benchReady: () => markReady(),
    benchAnswer: settle,
    benchOpened: (request, session, ms) => settle(request, { session, ms }),
    benchFail(message) {
      for (const { reject } of pending.values()) reject(new Error(message));
      pending.clear();
    },
  };

  function call(name, ...args) {
    const request = nextRequest++;
    return new Promise((resolve, reject) => {
      pending.set(request, { resolve, reject });
      const types = ['number', ...args.map((arg) => (typeof arg === 'string' ? 'string' : 'number'))];
      Module.ccall(name, null, types, [request, ...args]);
    });
  }

  const kiln = {
    open: (durability) => call('bench_open', 'kiln-bench', durability),
    grow: (session, bytes) => call('bench_grow', session, bytes),
    commit: (session) => call('bench_commit', session),
    settle: (session) => call('bench_settle', session),
    close: (session) => Module.ccall('bench_close', null, ['number'], [session]),
  };

  // ---- IndexedDB, directly ----------------------------------------------------------------------

  function openIdb(name) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('kv');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function idbPut(db, key, value) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(value, key);
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
      tx.commit();
    });
  }

  function idbGet(db, key) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction('kv', 'readonly');
      const request = tx.objectStore('kv').get(key);
      tx.oncomplete = () => resolve(request.result);
      tx.onabort = () => reject(tx.error);
    });
  }

  function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

  // ---- The steps ------------------------------------------------------------------------------------

  const code = Array.from({ length: kVersionBytes }, (_, i) => '<div>{}();=+-*/ abcdefghij\n'[(i * 7) % 27]).join('');
  let session = 0;
  let sqljs = null;
  let sqljsIdb = null;

  function sqljsBytes() {
    const [[pages]] = sqljs.exec('PRAGMA page_count')[0].values;
    const [[size]] = sqljs.exec('PRAGMA page_size')[0].values;
    return pages * size;
  }

  function sqljsInsert() {
    sqljs.run('INSERT INTO versions (project_id, number, code, created_at) ' +
      'SELECT 1, coalesce(max(number), 0) + 1, ?, 0 FROM versions WHERE project_id = 1', [code]);
  }

  window.bench = {
    // Opens both sides empty; `migrations` is Kiln's schema, for sql.js's database.
    async start(migrations) {
      await ready;
      for (const name of ['kiln-bench', 'sqljs-bench', 'raw-bench']) {
        await new Promise((resolve) => { indexedDB.deleteDatabase(name).onsuccess = resolve; });
      }
      session = (await kiln.open('relaxed')).session;
      const SQL = await initSqlJs({ locateFile: (file) => file });
      sqljs = new SQL.Database();
      for (const sql of migrations) sqljs.exec(sql);
      sqljs.run("INSERT INTO projects (public_id, name, created_at, updated_at) VALUES ('00', 'Bench', 0, 0)");
      sqljsIdb = await openIdb('sqljs-bench');
    },

    // Kiln's durable commit of one 20 KB version at a database of `mb` MiB: median of `runs`,
    // each after the previous one was saved (and any compaction it set off finished).
    async kilnCommits(mb, runs) {
      while (await kiln.grow(session, mb * kMiB) < mb * kMiB);
      await kiln.settle(session);
      const times = [], written = [], dirty = [];
      const warmUp = 5;  // the JIT, IndexedDB's files: the first commits of a size are slower
      for (let i = 0; i < warmUp + runs; i++) {
        const ms = await kiln.commit(session);
        if (i >= warmUp) {
          times.push(ms);
          written.push(Module._bench_last_written(session));
          dirty.push(Module._bench_last_dirty(session));
        }
        await kiln.settle(session);
      }
      return { ms: median(times), written: median(written), dirty: median(dirty) };
    },

    // The same with another durability hint, on a session of its own (the main one reopens after).
    async kilnCommitsWith(durability, runs) {
      kiln.close(session);
      const other = (await kiln.open(durability)).session;
      const times = [];
      for (let i = 0; i <= runs; i++) {
        const ms = await kiln.commit(other);
        if (i > 0) times.push(ms);
        await kiln.settle(other);
      }
      kiln.close(other);
      session = (await kiln.open('relaxed')).session;
      return median(times);
    },

    // Opening the library as a new tab does (a new connection, replay, schema check): median.
    async kilnOpen(runs) {
      const times = [];
      for (let i = 0; i <= runs; i++) {
        const opened = await kiln.open('relaxed');
        kiln.close(opened.session);
        if (i > 0) times.push(opened.ms);
      }
      return median(times);
    },

    // sql.js's pattern at `mb` MiB: insert one 20 KB row, export the database, put the bytes into
    // IndexedDB and wait for the transaction to complete: median of `runs`.
    async sqljsCommits(mb, runs) {
      sqljs.exec('BEGIN');
      while (sqljsBytes() < mb * kMiB) sqljsInsert();
      sqljs.exec('COMMIT');
      const times = [];
      for (let i = 0; i <= runs; i++) {
        const start = performance.now();
        sqljsInsert();
        await idbPut(sqljsIdb, 'db', sqljs.export());
        if (i > 0) times.push(performance.now() - start);
      }
      return median(times);
    },

    // The floor of opening: sql.js's database of the same size stored as one value, read back on
    // a new connection: median.
    async rawRead(runs) {
      const db = await openIdb('raw-bench');
      await idbPut(db, 'blob', sqljs.export());
      db.close();
      const times = [];
      for (let i = 0; i <= runs; i++) {
        const start = performance.now();
        const connection = await openIdb('raw-bench');
        const value = await idbGet(connection, 'blob');
        if (i > 0) times.push(performance.now() - start);
        connection.close();
        if (!value || value.length < kMiB) throw new Error('the raw value did not come back');
      }
      return { ms: median(times), bytes: sqljsBytes() };
    },
  };
})();
