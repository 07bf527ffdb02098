// Kiln's live preview, the JS half of src/platform/web/preview.cpp.
//
// Generated code must run free of Kiln's Content-Security-Policy (single-file apps use inline
// scripts and styles, and libraries from other sites) and must never reach Kiln's origin. A
// srcdoc, blob: or data: document inherits the policy of the page that makes it (in Chromium and
// Firefox alike), so the code cannot go straight into a frame of Kiln's page. Instead:
//
//   Kiln's page
//   └ <iframe id="kiln-preview" src="preview.html">   the host: Kiln's origin, no CSP, no script;
//     │                                               placed over the ImGui panel
//     └ <iframe sandbox="allow-scripts allow-forms allow-modals allow-popups allow-downloads"
//               srcdoc="…the generated code…">
//
// The inner frame inherits the host's empty policy, and its sandbox, without allow-same-origin,
// gives it an opaque origin: Kiln's storage, cookies and DOM (parent and top are cross-origin to
// it) are out of its reach, and it cannot navigate either of them. The host is fetched like the
// rest of the app shell, so the service worker serves it offline (a sandboxed frame's own
// navigation never reaches a service worker). Each revision gets a new inner frame, so running
// new code adds no entry to the page's history (Back stays Kiln's).
'use strict';

(function () {
  const kSandbox = 'allow-scripts allow-forms allow-modals allow-popups allow-downloads';
  let host = null;
  let hostDocument = null; // set once preview.html has loaded
  let pendingHtml = null; // code handed over before that

  function failed() {
    console.error('Kiln: the preview could not start: preview.html did not load. Reload Kiln while online.');
  }

  function run(html) {
    const frame = hostDocument.createElement('iframe');
    frame.setAttribute('sandbox', kSandbox);
    frame.title = 'App preview';
    frame.srcdoc = html; // before insertion: the first load replaces about:blank, no history entry
    const previous = hostDocument.querySelector('iframe');
    if (previous) previous.replaceWith(frame);
    else hostDocument.body.appendChild(frame);
  }

  function ensureHost() {
    if (host) return;
    host = document.createElement('iframe');
    host.id = 'kiln-preview';
    host.title = 'App preview';
    host.hidden = true;
    host.addEventListener('load', () => {
      let loaded = null;
      try {
        loaded = host.contentDocument; // null, or throws, for a browser error page
      } catch {}
      if (!loaded || !loaded.documentElement.hasAttribute('data-kiln-preview-host')) {
        if (loaded?.URL !== 'about:blank') failed();
        return;
      }
      hostDocument = loaded;
      if (pendingHtml !== null) run(pendingHtml);
      pendingHtml = null;
    });
    host.src = 'preview.html';
    document.body.appendChild(host);
  }

  window.kilnPreview = {
    // Runs `html` as the preview's document, replacing what ran before.
    load(html) {
      ensureHost();
      if (hostDocument) run(html);
      else pendingHtml = html;
    },
    // Shows the preview over (x, y, w, h), CSS pixels of the page.
    place(x, y, w, h) {
      ensureHost();
      Object.assign(host.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
      host.hidden = false;
    },
    hide() {
      if (host) host.hidden = true;
    },
  };
})();
