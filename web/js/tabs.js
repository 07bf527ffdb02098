// Kiln's link between the tabs that share one library: the JS half of
// src/platform/web/tab_link.cpp. A Web Lock (shared or exclusive) lets one tab write at a time;
// a BroadcastChannel tells the others when it saved. Both are scoped like storage: per origin,
// or per partition inside a third-party iframe, so they always cover exactly the tabs that share
// the same IndexedDB.
//
// Without Web Locks (browsers before 2022) every request is granted at once: the page log's
// insert-only records still turn a second writer's commit into a conflict instead of an overwrite.
'use strict';

(function () {
  window.kilnTabs = {
    // A link for the lock and channel called `name`.
    link(name) {
      const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
      let current = null;  // the request asked for or granted last: {release, cancelled}

      return {
        // Calls granted() once the lock is held; it is kept until release().
        acquire(exclusive, granted) {
          const request = { release: null, cancelled: false };
          current = request;
          const grant = (release) => {
            if (request.cancelled) { release(); return; }
            request.release = release;
            granted();
          };
          if (!navigator.locks) { grant(() => {}); return; }
          navigator.locks.request(name, { mode: exclusive ? 'exclusive' : 'shared' },
            () => new Promise((resolve) => grant(resolve)))
            .catch(() => { if (!request.release && !request.cancelled) grant(() => {}); });
        },
        // Gives back the lock, or, if it is not granted yet, gives it back as soon as it is.
        release() {
          if (!current) return;
          if (current.release) current.release(); else current.cancelled = true;
          current = null;
        },
        announce() {
          if (channel) channel.postMessage('saved');
        },
        onNews(listener) {
          if (channel) channel.onmessage = listener ? () => listener() : null;
        },
      };
    },
  };
})();
