// Kiln's live preview, the JS half of src/platform/web/preview.cpp.
//
// Generated code must run free of Kiln's Content-Security-Policy (single-file apps use inline
// scripts and styles, and libraries from other sites), must never reach Kiln's origin, and must
// never stop Kiln's page from answering. A srcdoc, blob: or data: document inherits the policy of
// the page that makes it, and a frame of the page's own site shares its process (an endless loop
// in the app would freeze Kiln). So the code goes to a host page on the preview origin, another
// site, which every browser puts in another process:
//
//   Kiln's page
//   └ <iframe id="kiln-preview" src="<preview origin>/">   the host (web/preview/host.js): no CSP,
//     │                                                    placed over the ImGui panel
//     └ <iframe sandbox="allow-scripts allow-forms allow-popups allow-downloads" srcdoc="…">
//
// "Open in new tab" opens the same host page as a tab (openTab()), which runs the app in the same
// sandboxed frame, full page: the app never becomes a document of Kiln's origin (a blob: or
// data: document made here would be, and could read Kiln's storage).
//
// The preview origin is configuration: <meta name="kiln-preview-origin" content="https://…"> in
// index.html (scripts/configure.mjs writes it, with the CSP's frame-src to match). Empty: the
// host is Kiln's own preview/ page, on Kiln's origin, sandboxed as well but in Kiln's process,
// where the heartbeat (below) and the "stopped responding last time" guard are what is left.
//
// The code goes over by postMessage (host.js lists the messages). Kiln takes messages only from
// the host frame's window and only from the preview origin. Kiln pings the app (ping()); the app's
// frame answers once it is free (lastAnswer()), which tells src/app/preview_guard.h whether
// the app still runs. stop() removes the host, and with it the app's process where it has one.
'use strict';

(function () {
  const configured = document.querySelector('meta[name="kiln-preview-origin"]')?.content.trim() ?? '';
  let previewOrigin = location.origin;
  let hostUrl = 'preview/';
  if (configured) {
    try {
      previewOrigin = new URL(configured).origin;
      hostUrl = previewOrigin + '/';
    } catch {
      console.error(`Kiln: the preview origin "${configured}" in index.html is not a URL; previews run on Kiln's own origin.`);
    }
  }
  const kReadyTimeoutMs = 15000;

  let host = null; // the host <iframe>
  let hostReady = false; // it answered hello
  let hostNetworkOff = false; // its policy forbids navigation: it cannot run with Network on
  let hostOffline = false; // served by the preview origin's worker
  let pending = null; // {run, html, network, data} waiting for the host
  let run = 0; // the current run's number (Kiln's; 0 while none runs)
  let lastAnswer = -1; // performance.now() of the current run's last pong
  let placed = null;
  let onReport = null; // takes the app's reports: (kind, JSON text)
  // The app's reports reach C++ at most every kReportMs, merged: the prelude batches them too, but
  // the app's frame can post to the host as often as it likes. The first of a burst goes at once,
  // the rest together at the end of its window.
  const kReportMs = 100;
  const kMaxConsoleEntries = 500; // a merged console batch; the rest is counted as dropped
  // The most characters of keys and values a merged storage batch holds: twice the 5 MB an app
  // may keep, so only a forged flood ever meets it.
  const kMaxStorageBatch = 2 * 5 * 1024 * 1024;
  let queued = null; // {console: {entries, dropped, blank} or null, storage: Map "run area" -> {run, area, clear, changes: Map}}
  let reportWindow = false; // a batch went to C++ less than kReportMs ago
  let reportsDelivered = 0; // batches handed to C++ (info())

  function post(message) {
    host.contentWindow.postMessage({ kilnPreview: message.type, ...message.fields }, previewOrigin);
  }

  function send() {
    if (!pending || !hostReady) return;
    const { html, network, data } = pending;
    post({ type: 'run', fields: { run: pending.run, html, network, data } });
    if (!network) hostNetworkOff = true;
    pending = null;
  }

  function parseData(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null; // the app starts with empty storage
    }
  }

  function removeHost() {
    if (!host) return;
    host.remove();
    host = null;
    hostReady = false;
    hostNetworkOff = false;
  }

  function makeHost(network) {
    const frame = document.createElement('iframe');
    host = frame;
    frame.id = 'kiln-preview';
    frame.title = 'App preview';
    frame.hidden = !placed;
    if (placed) Object.assign(frame.style, placed);
    hostNetworkOff = !network;
    frame.addEventListener('load', () => {
      if (host !== frame) return;
      post({ type: 'hello', fields: { version: 1, network } });
      setTimeout(() => {
        if (host === frame && !hostReady) {
          console.error(`Kiln: the preview could not start: its page at ${hostUrl} did not answer. ` +
            'Check that the preview origin serves Kiln\'s preview files, or reload Kiln while online.');
        }
      }, kReadyTimeoutMs);
    });
    frame.src = hostUrl;
    document.body.appendChild(frame);
  }

  // Tabs opened by openTab() that have not said ready yet, each with what it is to run.
  const tabs = new Map(); // WindowProxy -> {html, network, title, data}

  addEventListener('message', (event) => {
    const tab = tabs.get(event.source);
    if (tab && event.origin === previewOrigin && event.data?.kilnPreview === 'ready') {
      tabs.delete(event.source);
      event.source.postMessage({ kilnPreview: 'run', run: 1, ...tab }, previewOrigin);
      return;
    }
    if (!host || event.source !== host.contentWindow || event.origin !== previewOrigin) return;
    const data = event.data;
    if (data?.kilnPreview === 'ready') {
      hostReady = true;
      hostOffline = hostOffline || data.offline === true;
      send();
    } else if (data?.kilnPreview === 'pong' && data.run === run) {
      lastAnswer = performance.now();
    } else if (data?.kilnPreview === 'console' && data.run === run) {
      queueReport(() => mergeConsole(data));
    } else if (data?.kilnPreview === 'storage') {
      // Any run's: a batch the app sent as the next run replaced it still counts (C++ checks the run).
      queueReport(() => mergeStorage(data));
    }
  });

  function queueReport(merge) {
    if (!onReport) return;
    queued ??= { console: null, storage: new Map() };
    merge();
    if (!reportWindow) flushReports();
  }

  function mergeConsole(data) {
    const batch = queued.console ??= { run, entries: [], dropped: 0 };
    const entries = Array.isArray(data.entries) ? data.entries : [];
    const room = Math.max(kMaxConsoleEntries - batch.entries.length, 0);
    for (let i = 0; i < Math.min(room, entries.length); i++) batch.entries.push(entries[i]);
    batch.dropped += Math.max(entries.length - room, 0) + (Number.isSafeInteger(data.dropped) && data.dropped > 0 ? data.dropped : 0);
    if (typeof data.blank === 'boolean') batch.blank = data.blank;
  }

  // The changes of one run's area, the last value of each key (what a burst of writes leaves), no
  // more than kMaxStorageBatch characters in all: the host lets through only batches the app's
  // stand-in could have sent, but not how many.
  function mergeStorage(data) {
    const key = `${data.run} ${data.area}`;
    let batch = queued.storage.get(key);
    if (!batch || data.clear === true) {
      batch = { run: data.run, area: data.area, clear: data.clear === true, changes: new Map(), chars: 0 }; // a clear drops what came before
      queued.storage.set(key, batch);
    }
    for (const change of Array.isArray(data.changes) ? data.changes : []) {
      if (!Array.isArray(change) || typeof change[0] !== 'string') continue;
      const size = (value) => (typeof value === 'string' ? value.length : 0);
      const chars = batch.chars - size(batch.changes.get(change[0])) + change[0].length + size(change[1]);
      if (chars > kMaxStorageBatch) continue;
      batch.chars = chars;
      batch.changes.delete(change[0]); // keeps the order of the last writes
      batch.changes.set(change[0], change[1]);
    }
  }

  function flushReports() {
    const batch = queued;
    queued = null;
    reportWindow = batch !== null;
    if (!batch) return;
    setTimeout(flushReports, kReportMs);
    if (batch.console) deliver('console', batch.console);
    for (const { run: id, area, clear, changes } of batch.storage.values()) {
      deliver('storage', { run: id, area, clear, changes: Array.from(changes) });
    }
  }

  // Hands a report to C++ as JSON text, where it is checked like anything else from the app.
  function deliver(kind, fields) {
    let text = null;
    try {
      text = JSON.stringify(fields);
    } catch {} // not JSON (a BigInt): dropped, as anything else malformed is in C++
    if (!text) return;
    reportsDelivered += 1;
    onReport(kind, text);
  }

  // On an origin of its own, the host is loaded once Kiln has started, even before any preview:
  // its service worker then keeps it for offline use (web/preview/sw.js), and the first preview
  // starts sooner.
  if (configured) {
    addEventListener('load', () => setTimeout(() => { if (!host) makeHost(true); }, 1000), { once: true });
  }

  window.kilnPreview = {
    // Runs `html` as run number `id` (Kiln's, > 0) of the preview, replacing what ran before, with
    // its storage filled from `data` (JSON text: {local: [[key, value], ...], session: [...]});
    // `network` false puts it behind a policy that lets nothing reach the network.
    load(html, data, network, id) {
      run = id;
      if (queued) queued.console = null; // the console is the run's
      lastAnswer = -1;
      if (host && hostNetworkOff && network) removeHost(); // its policy cannot be lifted
      if (!host) makeHost(network);
      pending = { run, html, network, data: parseData(data) };
      send();
    },
    // Shows the preview over (x, y, w, h), CSS pixels of the page.
    place(x, y, w, h) {
      placed = { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` };
      if (!host) return;
      Object.assign(host.style, placed);
      host.hidden = false;
    },
    hide() {
      placed = null;
      if (host) host.hidden = true;
    },
    // Removes the preview, and the app running in it.
    stop() {
      pending = null;
      run = 0;
      if (queued) queued.console = null;
      lastAnswer = -1;
      removeHost();
    },
    // Asks the running app to answer (it does once its frame is free); see lastAnswer().
    ping() {
      if (host && hostReady && !pending) post({ type: 'ping', fields: { run, n: performance.now() } });
    },
    // performance.now() when the current run's app last answered a ping; -1 if it never did.
    lastAnswer: () => lastAnswer,
    // Opens `html` in a tab of its own: the host page (on the preview origin, or Kiln's own
    // preview/ where there is none) runs it full page in the same sandboxed frame as the preview,
    // under `title`; never a document of Kiln's origin. The tab asks for the code once it has
    // loaded (host.js). Returns false when the browser blocked the tab.
    openTab(html, data, network, title) {
      const tab = window.open(`${hostUrl}#tab`, '_blank');
      if (!tab) return false;
      tabs.set(tab, { html, network, title, data: parseData(data) });
      setTimeout(() => {
        if (tabs.delete(tab) && !tab.closed) {
          console.error(`Kiln: the app's tab could not start: its page at ${hostUrl} did not answer.`);
        }
      }, kReadyTimeoutMs);
      return true;
    },
    // From now on, `listener(kind, batch)` gets what the app reported (host.js's prelude), as
    // unchecked JSON text: 'console', the current run's {entries, dropped, blank}; 'storage', any
    // run's {run, area, clear, changes}.
    listen(listener) {
      onReport = listener;
    },
    // For tests and diagnostics: where the preview runs.
    info: () => ({
      origin: previewOrigin, host: Boolean(host), ready: hostReady, offline: hostOffline, run, answered: lastAnswer >= 0,
      reports: reportsDelivered,
    }),
  };

  // Marks in localStorage (Kiln's origin) for the version whose preview is starting: set before it
  // starts, removed once it answered; one left from the last load means the app never answered
  // (src/app/preview_guard.h). Synchronous on purpose: the tab may never run again.
  const kMarkPrefix = 'kiln-preview-starting:';
  window.kilnPreviewMarks = {
    has(key) {
      try { return localStorage.getItem(kMarkPrefix + key) !== null; } catch { return false; }
    },
    set(key, on) {
      try {
        if (on) localStorage.setItem(kMarkPrefix + key, String(Date.now()));
        else localStorage.removeItem(kMarkPrefix + key);
      } catch {} // storage refused (a private window's quota): the guard cannot outlive the tab
    },
  };
})();
