// Kiln's key-value store over IndexedDB: the JS half of src/platform/web/indexeddb_backend.cpp.
// It knows nothing of WebAssembly: keys are strings, values Uint8Arrays, and every operation
// answers once through its callback with a code (kCodes, the same numbers as KvCode in
// src/core/storage/kv_backend.h) and the browser's own words.
//
// One object store, "kv", with out-of-line string keys. Operations run in the order they were
// asked for: IndexedDB runs transactions over the same store in the order they were created, and
// those asked for while the database opens are created, in order, once it is open. A write is one
// readwrite transaction and counts as done on its complete event, when IndexedDB has committed it.
// A lost connection (the user cleared the site's data, another tab upgraded it) is reopened by
// the next operation.
'use strict';

(function () {
  const kCodes = { ok: 0, quotaExceeded: 1, unavailable: 2, conflict: 3, failed: 4 };
  const kStore = 'kv';
  const kVersion = 1;
  const kOps = { put: 0, insert: 1, remove: 2 };  // KvWrite::Op
  const kScanBatch = 8;  // values per read of a scan

  function codeOf(error) {
    switch (error && error.name) {
      case 'QuotaExceededError': return kCodes.quotaExceeded;
      case 'ConstraintError': return kCodes.conflict;
      // No storage for this page (private modes, blocked third-party storage), or the connection
      // went away (closing, cleared by the user).
      case 'SecurityError':
      case 'InvalidStateError':
      case 'NotAllowedError':
        return kCodes.unavailable;
      default: return kCodes.failed;
    }
  }

  function describe(error) {
    if (!error) return 'no reason given';
    return error.name ? `${error.name}: ${error.message}` : String(error);
  }

  function openDatabase(name) {
    return new Promise((resolve, reject) => {
      const unavailable = (message) => reject({ code: kCodes.unavailable, message });
      let request;
      try {
        // Reading window.indexedDB itself throws SecurityError where storage is blocked.
        if (typeof indexedDB === 'undefined' || !indexedDB) {
          unavailable('IndexedDB is not available in this browser');
          return;
        }
        request = indexedDB.open(name, kVersion);
      } catch (error) {
        unavailable(describe(error));
        return;
      }
      request.onupgradeneeded = () => request.result.createObjectStore(kStore);
      request.onsuccess = () => resolve(request.result);
      request.onerror = (event) => {
        event.preventDefault();
        const code = codeOf(request.error);
        reject({ code: code === kCodes.failed ? kCodes.unavailable : code, message: describe(request.error) });
      };
      // Only a tab holding an older version open blocks this one; a later success is closed.
      request.onblocked = () => {
        unavailable('another tab keeps an older version of the storage open');
        request.onsuccess = () => request.result.close();
      };
    });
  }

  class Database {
    constructor(name) {
      this.name = name;
      this.db = null;
      this.opening = null;
    }

    // Calls run(db) once the database is open, in the order of the calls; or fail({code, message}).
    withDb(run, fail) {
      if (this.db) {
        run(this.db);
        return;
      }
      if (!this.opening) {
        this.opening = openDatabase(this.name).then((db) => {
          db.onversionchange = () => this.forget(db);
          db.onclose = () => this.forget(db);
          this.db = db;
          this.opening = null;
          return db;
        }, (failure) => {
          this.opening = null;
          throw failure;
        });
      }
      this.opening.then(run, fail);
    }

    forget(db) {
      db.close();
      if (this.db === db) this.db = null;
    }

    // Runs body(objectStore, transaction) in a new transaction; done(code, message) on failure.
    transaction(mode, options, body, done) {
      this.withDb((db) => {
        let tx;
        try {
          tx = db.transaction(kStore, mode, options);
        } catch (error) {
          if (error.name === 'InvalidStateError') this.forget(db);
          done(codeOf(error), describe(error));
          return;
        }
        body(tx.objectStore(kStore), tx);
      }, (failure) => done(failure.code, failure.message));
    }
  }

  const databases = [];

  // Every operation answers exactly once, even if its transaction aborts after a request succeeded.
  function once(done) {
    let called = false;
    return (...answer) => {
      if (called) return;
      called = true;
      done(...answer);
    };
  }

  // Answers from failed requests and aborted transactions: the first error seen says why.
  function onAbort(tx, firstError, done) {
    tx.onabort = () => {
      const error = firstError() || tx.error;
      done(codeOf(error), describe(error));
    };
  }

  function keyRange(begin, end) {
    return begin < end ? IDBKeyRange.bound(begin, end, false, true) : null;
  }

  window.kilnIdb = {
    codes: kCodes,
    ops: kOps,

    // A handle for the IndexedDB database `name`, opened by its first operation.
    open(name) {
      databases.push(new Database(name));
      return databases.length - 1;
    },

    // done(code, message, value): value is a Uint8Array, or undefined when the key is absent.
    get(handle, key, answer) {
      const done = once(answer);
      databases[handle].transaction('readonly', undefined, (store, tx) => {
        const request = store.get(key);
        onAbort(tx, () => request.error, (code, message) => done(code, message));
        request.onsuccess = () => done(kCodes.ok, '', request.result);
      }, (code, message) => done(code, message));
    },

    // The entries with begin <= key < end, in key order: onEntries(keys, values) a few at a time
    // (values only if asked for), then done(code, message) once; on a failure, forget what came.
    // Values come in batches so that the page takes in one batch while IndexedDB reads the next.
    scan(handle, begin, end, withValues, onEntries, answer) {
      const done = once(answer);
      const range = keyRange(begin, end);
      if (!range) {
        queueMicrotask(() => done(kCodes.ok, ''));
        return;
      }
      databases[handle].transaction('readonly', undefined, (store, tx) => {
        let failure = null;
        const keys = store.getAllKeys(range);
        onAbort(tx, () => failure || keys.error, done);
        tx.oncomplete = () => done(kCodes.ok, '');
        keys.onsuccess = () => {
          const all = keys.result;
          if (!withValues) {
            onEntries(all);
            return;
          }
          for (let from = 0; from < all.length; from += kScanBatch) {
            const batch = all.slice(from, from + kScanBatch);
            const values = store.getAll(IDBKeyRange.bound(batch[0], batch[batch.length - 1]));
            values.onsuccess = () => onEntries(batch, values.result);
            values.onerror = () => { failure = failure || values.error; };
          }
        };
      }, done);
    },

    // Applies ops ([{op, key, value}], op from kOps) in one readwrite transaction, all or nothing.
    // durability: 'strict', 'relaxed' or 'default' (IDBTransaction durability hint).
    write(handle, ops, durability, answer) {
      const done = once(answer);
      const options = durability === 'default' ? undefined : { durability };
      databases[handle].transaction('readwrite', options, (store, tx) => {
        let failure = null;
        onAbort(tx, () => failure, done);
        tx.oncomplete = () => done(kCodes.ok, '');
        try {
          for (const { op, key, value } of ops) {
            if (op === kOps.put) {
              store.put(value, key);
            } else if (op === kOps.insert) {
              // A taken key fails the request, and the transaction aborts with ConstraintError.
              const request = store.add(value, key);
              request.onerror = () => { failure = failure || request.error; };
            } else {
              store.delete(key);
            }
          }
          if (tx.commit) tx.commit();  // no need to wait for the end of this task to commit
        } catch (error) {
          failure = failure || error;
          try { tx.abort(); } catch { /* already aborted: onabort reports it */ }
        }
      }, done);
    },

    // {usage, quota} in bytes, or null if the browser cannot tell.
    async estimate() {
      if (!navigator.storage || !navigator.storage.estimate) return null;
      try {
        const { usage, quota } = await navigator.storage.estimate();
        return { usage, quota };
      } catch {
        return null;
      }
    },

    // Asks the browser to keep this site's storage when space runs low; resolves to whether it will.
    async persist() {
      if (!navigator.storage || !navigator.storage.persist) return false;
      try {
        return (await navigator.storage.persisted()) || (await navigator.storage.persist());
      } catch {
        return false;
      }
    },
  };
})();
