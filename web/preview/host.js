// The host of Kiln's live preview: the page Kiln's page frames (web/js/preview.js), which runs
// each generated app in a sandboxed frame of its own.
//
//   Kiln's page (Kiln's origin)
//   └ <iframe src="https://preview.example/">          this page: the preview origin, another site,
//     │                                                so another process in every browser
//     └ <iframe sandbox="allow-scripts allow-forms allow-popups allow-downloads" srcdoc="…">
//                                                      the app: an opaque origin
//
// Kiln hands the code over by postMessage; nothing else reaches this page. Messages are taken
// only from the parent window, and only from an origin named in <meta name="kiln-origins"> (or
// this page's own origin when that list is empty: the single-origin set-up, where this page is
// Kiln's own preview/index.html). Everything this page posts goes to that origin alone.
//
// Opened as a tab by Kiln's "Open in new tab" (URL hash #tab), this page takes its one message
// from its opener instead, under the same origin rule: it says ready to the opener, runs the app
// it is sent, full page under the project's name, and lets go of the opener, so that nothing in
// this tab can reach Kiln's window afterwards.
//
// Messages (each an object with a `kilnPreview` field):
//   Kiln → host   {kilnPreview: 'hello', version: 1, network}       first, after the frame loaded
//   host → Kiln   {kilnPreview: 'ready', version: 1, offline}       offline: served by this origin's worker
//   Kiln → host   {kilnPreview: 'run', run, html, network, data}    runs html in a new sandboxed frame, its
//                                                                   storage filled from data ({local, session}:
//                                                                   [[key, value], ...] each)
//   Kiln → host   {kilnPreview: 'ping', run, n}                     asked of the app's own frame ...
//   host → Kiln   {kilnPreview: 'pong', run, n}                     ... which answers once it is free
//   host → Kiln   {kilnPreview: 'console', run, entries, dropped,   what the app logged ({level, text,
//                  blank}                                           line, column} each), and a second after
//                                                                   loading whether it shows nothing, as the app says
//   host → Kiln   {kilnPreview: 'storage', run, area, clear,       what the app changed in its localStorage
//                  changes}                                         ('local') or sessionStorage ('session'):
//                                                                   clear first if set, then [[key, value or
//                                                                   null], ...]; also from the run before
//   tab → Kiln    {kilnPreview: 'ready', version: 1, offline}       a tab, once loaded (to each allowed origin)
//   Kiln → tab    {kilnPreview: 'run', run, html, network, title,   the one message a tab takes
//                  data}
//
// The app's frame gets a prelude before its own code (preludeFor): alert, confirm and prompt
// become no-ops that say so in the console (no allow-modals: a modal dialog would stop Kiln's
// page with it where both share a process), window.open opens without an opener, the app
// answers Kiln's pings, its console and errors are reported to Kiln in batches, and
// localStorage and sessionStorage are stand-ins kept by Kiln (the frame's opaque origin has no
// storage: using it throws). With the
// project's Network switch off, the prelude starts with a Content-Security-Policy that lets
// nothing leave or enter the frame from the network, and this page adds `frame-src 'none'` to its
// own policy (a frame's navigation is checked against its parent's policy), so the app cannot
// navigate away with data in the URL either. That policy cannot be taken back: Kiln makes a new
// host when the switch is turned on again.
'use strict';

(function () {
  const kVersion = 1;
  const kSandbox = 'allow-scripts allow-forms allow-popups allow-downloads';
  const kSandboxOffline = 'allow-scripts allow-forms allow-downloads'; // Network off: no popups either
  // Network off: nothing from any other origin, no form posts, no connections of any kind.
  const kOfflinePolicy = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' data: blob:; " +
    "style-src 'unsafe-inline' data: blob:; img-src data: blob:; font-src data: blob:; media-src data: blob:; " +
    "worker-src data: blob:; connect-src data: blob:; frame-src 'none'; form-action 'none'; base-uri 'none'";

  const configured = (document.querySelector('meta[name="kiln-origins"]')?.content ?? '').split(/\s+/).filter(Boolean);
  const allowed = configured.length ? configured : [location.origin];
  const ownOrigin = configured.length === 0; // Kiln's own preview/: Kiln's worker serves it
  const inTab = window.parent === window && location.hash === '#tab' && Boolean(window.opener);
  let kiln = inTab ? window.opener : parent; // the window whose messages count
  let kilnOrigin = null; // the allowed origin of that window, from its first message
  let frame = null;
  let run = 0;
  let previous = null; // {source, run}: the frame the current one replaced, whose last writes still count
  let networkOff = false;

  function post(message) {
    if (kilnOrigin && kiln) kiln.postMessage({ kilnPreview: message.type, ...message.fields }, kilnOrigin);
  }

  // Runs before the app's code, in the app's frame. `lines`: the lines the prelude adds before the
  // app's code, so that an error's line is the line in the version's code. `data`: what the app
  // kept ({local, session}: [[key, value], ...] each). `networkOff`: the project's Network switch
  // is off.
  function prelude(lines, data, networkOff) {
    // Taken now: the app's own globals (a top-level `const parent`, a function named setTimeout)
    // would hide or replace them for every script of the page.
    const host = window.parent;
    const later = window.setTimeout.bind(window);
    const afterTask = window.queueMicrotask.bind(window);
    const note = (name) => function () {
      console.info(`Kiln: ${name}() does nothing in the preview (dialogs are turned off there). Show messages in the page instead.`);
      return name === 'confirm' ? false : name === 'prompt' ? null : undefined;
    };
    for (const name of ['alert', 'confirm', 'prompt', 'print']) {
      Object.defineProperty(window, name, { value: note(name), writable: true, configurable: true });
    }
    const open = window.open;
    window.open = function (url, target, features) {
      const rest = String(features ?? '').split(',').filter((part) => part.trim() && !/^\s*opener\b/i.test(part));
      return open.call(window, url, target ?? '_blank', [...rest, 'noopener', 'noreferrer'].join(','));
    };
    addEventListener('message', (event) => {
      if (event.source === host && typeof event.data?.kilnPing === 'number') {
        host.postMessage({ kilnPong: event.data.kilnPing }, '*');
      }
    });

    // The console, uncaught errors, unhandled rejections, resources that did not load and policy
    // violations go to the host in batches, at most every 100 ms and 500 entries a batch (a flood
    // is counted as dropped, never queued without end); each text is cut at 2,000 characters.
    const kMaxText = 2000;
    const kMaxBatch = 500;
    let batch = [];
    let dropped = 0;
    const flush = (blank) => {
      host.postMessage({ kilnConsole: batch, dropped, blank }, '*');
      batch = [];
      dropped = 0;
    };
    const describe = (value) => {
      if (typeof value === 'string') return value;
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      try {
        const json = JSON.stringify(value);
        return json === undefined ? String(value) : json;
      } catch {
        return String(value);
      }
    };
    const report = (level, text, line = 0, column = 0) => {
      if (batch.length >= kMaxBatch) {
        dropped += 1;
        return;
      }
      if (batch.length === 0 && dropped === 0) later(() => flush(), 100);
      batch.push({ level, text: String(text).slice(0, kMaxText), line, column });
    };
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
      const original = console[level];
      console[level] = function (...args) {
        report(level, args.map(describe).join(' '));
        return original.apply(this, args);
      };
    }
    // Why an address of the network did not load, as far as the app's frame can tell.
    const why = (url) => {
      if (!/^(https?|wss?):/i.test(url)) return '';
      if (networkOff) return ": the project's Network switch is off, so the app can load nothing from the network";
      if (!navigator.onLine) return ': the browser is offline';
      return ': the server did not answer or refused it (or the address is wrong)';
    };
    // fetch says which address failed, and why (a rejection alone says "Failed to fetch").
    const fetch = window.fetch;
    window.fetch = function (resource, ...rest) {
      let url = String(resource instanceof Request ? resource.url : resource);
      try {
        url = new URL(url, document.baseURI).href;
      } catch {} // fetch itself refuses it, and says so
      return fetch.call(window, resource, ...rest).then((response) => {
        if (!response.ok) report('warn', `fetch ${url} answered ${response.status} ${response.statusText}`.trim());
        return response;
      }, (error) => {
        // An aborted fetch is the app's own doing, not a failure.
        if (error?.name !== 'AbortError') report('error', `fetch ${url} failed${why(url) || `: ${describe(error)}`}`);
        throw error;
      });
    };
    addEventListener('error', (event) => {
      const target = event.target;
      if (target && target !== window && target.tagName) {
        const url = target.currentSrc || target.src || target.href || '';
        report('error', `Could not load ${target.tagName.toLowerCase()} ${url}`.trim() + why(url));
        return;
      }
      // Lines of the app's own document count from its first line; other scripts' lines are theirs.
      const own = event.filename === 'about:srcdoc' || event.filename === location.href;
      const where = own ? '' : ` (${event.filename}:${event.lineno})`;
      report('error', `${event.message || describe(event.error)}${where}`, own ? Math.max(event.lineno - lines, 0) : 0,
        own ? event.colno : 0);
    }, true);
    addEventListener('unhandledrejection', (event) => report('error', `Unhandled promise rejection: ${describe(event.reason)}`));
    // A second after loading: whether the app shows anything at all (text, or an element with an
    // area other than scripts and styles), so that a blank app with errors can be called out.
    addEventListener('load', () => later(() => {
      const body = document.body;
      const shows = Boolean(body) && (body.innerText.trim() !== '' || Array.from(body.querySelectorAll('*')).some((element) => {
        if (element.tagName === 'SCRIPT' || element.tagName === 'STYLE') return false;
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      }));
      flush(!shows);
    }, 1000));
    document.addEventListener('securitypolicyviolation', (event) => {
      report('error', `Blocked by the preview's policy (${event.effectiveDirective}): ${event.blockedURI || 'inline'}`);
    });

    // localStorage and sessionStorage: synchronous for the app, over the items Kiln handed over,
    // with the Storage API (getItem, setItem, removeItem, clear, key, length) and its named
    // properties (storage.count, storage['count'] = 1, delete, Object.keys, JSON.stringify). Past
    // 5 MB of keys and values (characters as browsers count them) setItem throws
    // QuotaExceededError. The changes of each task go to Kiln as one batch once it is done.
    const kQuota = 5 * 1024 * 1024;
    const need = (count, given, name) => {
      if (given < count) {
        throw new TypeError(`Failed to execute '${name}' on 'Storage': ${count} argument${count > 1 ? 's' : ''} required, but only ${given} present.`);
      }
    };
    const storage = (area, entries) => {
      const items = new Map();
      let used = 0;
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string' && !items.has(entry[0])) {
          items.set(entry[0], entry[1]);
          used += entry[0].length + entry[1].length;
        }
      }
      let keys = null; // items' keys in order, for key(index); made again after a key comes or goes
      let pending = null; // {clear, changes: Map key -> value or null}
      const send = () => {
        if (!pending) return;
        host.postMessage({ kilnStorage: area, clear: pending.clear, changes: Array.from(pending.changes) }, '*');
        pending = null;
      };
      const change = (key, value) => {
        if (!pending) {
          pending = { clear: false, changes: new Map() };
          afterTask(send);
        }
        if (key === null) {
          keys = null;
          pending.clear = true;
          pending.changes.clear();
        } else {
          if (value === null || !items.has(key)) keys = null;
          pending.changes.delete(key); // the batch holds each key once, in the order of its last change
          pending.changes.set(key, value);
        }
        if (unloading) send(); // the frame is going: a task's end may not come
      };
      const methods = {
        getItem(key) {
          need(1, arguments.length, 'getItem');
          key = String(key);
          return items.has(key) ? items.get(key) : null;
        },
        setItem(key, value) {
          need(2, arguments.length, 'setItem');
          key = String(key);
          value = String(value);
          const before = items.has(key) ? key.length + items.get(key).length : 0;
          const after = used - before + key.length + value.length;
          if (after > kQuota) {
            throw new DOMException(`Failed to execute 'setItem' on 'Storage': Setting the value of '${key}' exceeded the quota (5 MB for this project's app data).`, 'QuotaExceededError');
          }
          change(key, value);
          items.set(key, value);
          used = after;
        },
        removeItem(key) {
          need(1, arguments.length, 'removeItem');
          key = String(key);
          if (!items.has(key)) return;
          used -= key.length + items.get(key).length;
          change(key, null);
          items.delete(key);
        },
        clear() {
          items.clear();
          used = 0;
          change(null);
        },
        key(index) {
          need(1, arguments.length, 'key');
          keys ??= Array.from(items.keys());
          return keys[Number(index) >>> 0] ?? null;
        },
      };
      const proto = Object.create(typeof Storage === 'function' ? Storage.prototype : Object.prototype);
      for (const [name, method] of Object.entries(methods)) {
        Object.defineProperty(proto, name, { value: method, writable: true, configurable: true });
      }
      Object.defineProperty(proto, 'length', { get: () => items.size, configurable: true });
      // An item shows as a property unless the prototype has one of that name (as in browsers).
      const named = (prop) => typeof prop === 'string' && items.has(prop) && !(prop in proto);
      return new Proxy(Object.create(proto), {
        get: (target, prop) => (named(prop) ? items.get(prop) : Reflect.get(target, prop)),
        set: (target, prop, value) => {
          if (typeof prop !== 'string') return Reflect.set(target, prop, value);
          methods.setItem(prop, value);
          return true;
        },
        has: (target, prop) => named(prop) || Reflect.has(target, prop),
        deleteProperty: (target, prop) => {
          if (!named(prop)) return Reflect.deleteProperty(target, prop);
          methods.removeItem(prop);
          return true;
        },
        ownKeys: (target) => [...items.keys(), ...Reflect.ownKeys(target)],
        getOwnPropertyDescriptor: (target, prop) => (named(prop)
          ? { value: items.get(prop), writable: true, enumerable: true, configurable: true }
          : Reflect.getOwnPropertyDescriptor(target, prop)),
        // Only a plain value defines an item, as in browsers; anything else is refused.
        defineProperty: (target, prop, descriptor) => {
          if (typeof prop !== 'string') return Reflect.defineProperty(target, prop, descriptor);
          if (!('value' in descriptor) || 'get' in descriptor || 'set' in descriptor || descriptor.configurable === false) {
            return false;
          }
          methods.setItem(prop, descriptor.value);
          return true;
        },
        preventExtensions: () => false, // a Storage cannot be frozen or sealed
      });
    };
    // Once the frame is going (a new run replaces it, the page closes), changes go at once.
    let unloading = false;
    addEventListener('pagehide', () => { unloading = true; }, true);
    for (const [name, area] of [['localStorage', 'local'], ['sessionStorage', 'session']]) {
      const value = storage(area, data?.[area]);
      Object.defineProperty(window, name, { get: () => value, configurable: true, enumerable: true });
    }
  }

  // `data` as a script literal on one line: no "<" (which could end the script) and no line
  // separators (which would shift the app's line numbers).
  function literal(data) {
    const json = JSON.stringify(data && typeof data === 'object' ? data : null) ?? 'null';
    return json.replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }

  function preludeFor(offline, data) {
    const policy = offline ? `<meta http-equiv="Content-Security-Policy" content="${kOfflinePolicy}">` : '';
    const source = prelude.toString();
    return `${policy}<script>(${source})(${source.split('\n').length - 1}, ${literal(data)}, ${offline});</script>`;
  }

  // The app's document with the prelude first: after a leading doctype (and comments), so that the
  // app keeps its standards mode, and before anything else.
  function withPrelude(html, offline, data) {
    const start = /^(?:\s|<!--[\s\S]*?-->)*<!doctype[^>]*>/i.exec(html);
    const at = start ? start[0].length : 0;
    return html.slice(0, at) + preludeFor(offline, data) + html.slice(at);
  }

  // A storage batch of the app's frame is passed on only if the stand-in could have sent it: at
  // most kMaxChanges changes of text (or null), together at most twice the 5 MB the stand-in holds.
  // Anything else (a flood the app posts itself) is cut here, in the preview's own process, before
  // it costs Kiln's page anything.
  const kMaxChanges = 100000;
  const kMaxChangeChars = 2 * 5 * 1024 * 1024;
  function plausibleChanges(changes) {
    if (!Array.isArray(changes) || changes.length > kMaxChanges) return false;
    let chars = 0;
    for (const change of changes) {
      if (!Array.isArray(change) || typeof change[0] !== 'string' || (typeof change[1] !== 'string' && change[1] !== null)) return false;
      chars += change[0].length + (change[1]?.length ?? 0);
      if (chars > kMaxChangeChars) return false;
    }
    return true;
  }

  function forbidNavigation() {
    if (networkOff) return;
    networkOff = true;
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = "frame-src 'none'";
    document.head.appendChild(meta);
  }

  function start(id, html, network, data) {
    if (!network) forbidNavigation();
    previous = frame ? { source: frame.contentWindow, run } : null;
    run = id;
    const next = document.createElement('iframe');
    next.setAttribute('sandbox', networkOff ? kSandboxOffline : kSandbox);
    next.title = 'App preview';
    next.srcdoc = withPrelude(String(html), !network || networkOff, data); // set before insertion: no history entry
    if (frame) frame.replaceWith(next);
    else document.body.appendChild(next);
    frame = next;
  }

  function offlineReady() {
    return !ownOrigin && Boolean(navigator.serviceWorker?.controller);
  }

  addEventListener('message', (event) => {
    const data = event.data;
    const current = frame !== null && event.source === frame.contentWindow;
    // A message from the frame a run replaced, posted as it went: Firefox delivers it without a
    // source (the window is gone); Kiln's page always has one.
    const replaced = previous !== null && (event.source === previous.source || (event.source === null && typeof data?.kilnStorage === 'string'));
    if (current || replaced) {
      const from = current ? run : previous.run;
      if (current && typeof data?.kilnPong === 'number') post({ type: 'pong', fields: { run, n: data.kilnPong } });
      if (current && Array.isArray(data?.kilnConsole)) {
        post({ type: 'console', fields: { run, entries: data.kilnConsole, dropped: data.dropped, blank: data.blank } });
      }
      if (typeof data?.kilnStorage === 'string' && plausibleChanges(data.changes)) {
        post({ type: 'storage', fields: { run: from, area: data.kilnStorage, clear: data.clear === true, changes: data.changes } });
      }
      return;
    }
    if (!kiln || event.source !== kiln || !allowed.includes(event.origin)) return;
    if (typeof data?.kilnPreview !== 'string') return;
    if (kilnOrigin === null) kilnOrigin = event.origin;
    if (event.origin !== kilnOrigin) return;
    if (inTab) {
      if (data.kilnPreview !== 'run' || typeof data.html !== 'string') return;
      kiln = null;
      window.opener = null;
      if (typeof data.title === 'string' && data.title) document.title = data.title;
      start(1, data.html, data.network !== false, data.data);
      return;
    }
    if (data.kilnPreview === 'hello') {
      if (data.network === false) forbidNavigation();
      post({ type: 'ready', fields: { version: kVersion, offline: offlineReady() } });
    } else if (data.kilnPreview === 'run' && typeof data.html === 'string' && typeof data.run === 'number') {
      start(data.run, data.html, data.network !== false, data.data);
    } else if (data.kilnPreview === 'ping' && frame && data.run === run && typeof data.n === 'number') {
      frame.contentWindow.postMessage({ kilnPing: data.n }, '*');
    }
  });

  // A tab says ready to its opener; only an allowed origin can hear it. A tab without one (it was
  // reloaded, or opened by hand) has nothing to run, and says where the app comes from.
  if (inTab) {
    addEventListener('DOMContentLoaded', () => {
      for (const origin of allowed) kiln?.postMessage({ kilnPreview: 'ready', version: kVersion, offline: offlineReady() }, origin);
    }, { once: true });
  } else if (window.parent === window && location.hash === '#tab') {
    addEventListener('DOMContentLoaded', () => {
      document.title = 'App from Kiln';
      const note = document.createElement('p');
      note.style.cssText = 'font: 16px system-ui, sans-serif; margin: 2em; color: #333';
      note.textContent = 'This tab showed an app from Kiln, which is gone once the tab reloads. Open it again with "Open in new tab" in Kiln, or use Download there to keep a copy.';
      document.body.appendChild(note);
    }, { once: true });
  }

  // On its own origin the host keeps itself for offline use with a worker of its own
  // (web/preview/sw.js); on Kiln's origin Kiln's worker already does. Kiln hears that it does
  // from the ready message: at its hello if the worker already controls this page, else once it
  // takes control (whichever of the two comes first: post() says nothing before the hello).
  if (!ownOrigin && 'serviceWorker' in navigator) {
    if (!navigator.serviceWorker.controller) {
      navigator.serviceWorker.addEventListener('controllerchange',
        () => post({ type: 'ready', fields: { version: kVersion, offline: offlineReady() } }), { once: true });
    }
    navigator.serviceWorker.register('sw.js')
      .catch((error) => console.warn(`Kiln's preview cannot keep itself for offline use: ${error.message}`));
  }
})();
