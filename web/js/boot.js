// Kiln's loader: checks that the browser can run Kiln, downloads the wasm and fonts with a
// progress bar, starts the module, and shows a readable error page if anything fails. Once Kiln
// runs it registers the service worker (web/sw.js) and tracks its updates (window.kilnOffline,
// the JS half of src/platform/web/offline.cpp).
// The steps of a start are performance marks named kiln:... (the benchmark reads them; DevTools
// shows them in its Timings track): kiln:boot, kiln:wasm-compiled, kiln:runtime-ready here, the
// rest from src/main.cpp.
'use strict';

(function () {
  performance.mark('kiln:boot');
  // Files the module reads at start, from assets/ into the same path of its file system.
  const kAssets = ['fonts/NotoSans-Regular.ttf', 'fonts/NotoSans-Bold.ttf', 'fonts/JetBrainsMono-Regular.ttf',
                   'fonts/MaterialIcons-Regular.ttf', 'prompts/starters.txt', 'prompts/system.md'];
  const loading = document.getElementById('loading');
  const fill = document.getElementById('loading-fill');
  const status = document.getElementById('loading-status');

  // Replaces everything with the error page: `message` in words for the user, `detail` (the
  // browser's own error, optional) in small print for whoever helps them.
  function fatal(message, detail = '') {
    loading.hidden = true;
    document.getElementById('canvas').hidden = true;
    document.getElementById('fatal-message').textContent = message;
    document.getElementById('fatal-detail').textContent = detail;
    document.getElementById('fatal').hidden = false;
  }
  window.kilnShell = { fatal };
  document.getElementById('fatal-reload').addEventListener('click', () => location.reload());

  function unsupported() {
    if (typeof WebAssembly !== 'object') {
      return 'This browser cannot run WebAssembly, which Kiln is built on. Use a current Chrome, Edge, Firefox or Safari.';
    }
    // No context is made to find out: a WebGL2 context on a probe canvas costs tens of
    // milliseconds with software WebGL. A browser that has WebGL2 but cannot start it (hardware
    // acceleration off) is told so by the module (initCanvas in src/platform/web/imgui_backend.cpp).
    if (typeof WebGL2RenderingContext === 'undefined') {
      return 'This browser could not start WebGL2, which Kiln needs to draw its interface. ' +
             'Turn on hardware acceleration, or use a current Chrome, Edge, Firefox or Safari.';
    }
    return null;
  }

  // Downloads url, reporting bytes as they arrive; resolves to an ArrayBuffer.
  const progress = { loaded: new Map(), total: new Map() };
  function showProgress() {
    let loaded = 0, total = 0;
    for (const value of progress.loaded.values()) loaded += value;
    for (const value of progress.total.values()) total += value;
    if (total > 0) fill.style.width = Math.min(100, (100 * loaded) / total).toFixed(1) + '%';
    status.textContent = `Loading… ${(loaded / 1048576).toFixed(1)} MB`;
  }
  async function download(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: the server answered ${response.status} ${response.statusText}`);
    const length = Number(response.headers.get('Content-Length')) || 0;
    // A gzipped response's Content-Length counts compressed bytes; the bar is an estimate then.
    progress.total.set(url, length);
    if (!response.body) return response.arrayBuffer();
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      progress.loaded.set(url, received);
      if (received > progress.total.get(url)) progress.total.set(url, received);
      showProgress();
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.length; }
    return bytes.buffer;
  }

  function describe(error) {
    return (error && error.message) || String(error);
  }

  const problem = unsupported();
  if (problem) { fatal(problem); return; }

  // kiln.wasm is compiled as soon as it is here, while kiln.js loads. A visit served by the service
  // worker reads it locally: it is compiled as it streams in (and the browser keeps the compiled
  // code for the next visit); otherwise it is downloaded with the progress bar first. A host that
  // does not send application/wasm makes streaming refuse: the bytes are compiled then.
  const compileDownloaded = () => download('kiln.wasm').then((bytes) => WebAssembly.compile(bytes));
  const wasmModule = navigator.serviceWorker?.controller && WebAssembly.compileStreaming
    ? WebAssembly.compileStreaming(fetch('kiln.wasm')).catch((error) => {
      if (error instanceof WebAssembly.CompileError) throw error;
      return compileDownloaded();
    })
    : compileDownloaded();
  // A failure is reported once the module asks for it (instantiateWasm).
  wasmModule.then(() => performance.mark('kiln:wasm-compiled'), () => {});
  const assetBytes = Promise.all(kAssets.map((name) => download('assets/' + name)));
  const failedToLoad = (error) => fatal('Kiln could not be downloaded. Check your connection and reload.',
    describe(error));
  const failedToCompile = (error) => fatal('Kiln\'s code (kiln.wasm) arrived damaged, or does not belong to ' +
    'this version of the page. Reload; if it happens again, the site is serving a broken copy of Kiln.', describe(error));

  // --- Offline: the service worker and its updates -------------------------------------------
  let started = false;
  let waitingWorker = null; // a new version, completely downloaded, waiting to take over
  let applying = false;
  const hadController = Boolean(navigator.serviceWorker?.controller);

  function watchForUpdates(registration) {
    const waitFor = (worker) => worker.addEventListener('statechange', () => {
      if (worker.state === 'installed') updateFound(registration);
    });
    registration.addEventListener('updatefound', () => waitFor(registration.installing));
    if (registration.installing) waitFor(registration.installing);
    updateFound(registration);
    // A tab left open for days still hears of new versions.
    setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
  }
  function updateFound(registration) {
    // An update is a worker waiting behind the active one that runs this page. On the first visit
    // the installed worker is the first version, not an update: none was active before it. (A
    // page busy starting may hear of the first install late: Firefox then tells it of the claim
    // first, and 'installed' comes with that worker as both the waiting one and the controller.)
    const { waiting, active } = registration;
    const controller = navigator.serviceWorker.controller;
    if (!waiting || !active || !controller || waiting === controller) return;
    waitingWorker = waiting;
    Module.ccall('kiln_request_frame', null, [], []);
  }
  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return; // not a secure context, or an old browser
    navigator.serviceWorker.register('sw.js', { updateViaCache: 'none' }).then(watchForUpdates, (error) => {
      // Kiln still works, only not offline (storage blocked for the site, a private window).
      console.warn(`Kiln will not work offline: the service worker could not be registered: ${describe(error)}`);
    });
  }
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // A page still starting when another tab switched versions could pair this version's kiln.js
      // with the next one's kiln.wasm: it starts again instead.
      if (applying || (hadController && !started)) location.reload();
    });
  }
  window.kilnOffline = {
    updateWaiting: () => waitingWorker !== null,
    applyUpdate() {
      if (!waitingWorker) return;
      applying = true;
      waitingWorker.postMessage({ type: 'kiln:skip-waiting' });
    },
  };

  // --- The module -----------------------------------------------------------------------------
  const Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal('Kiln stopped because of an internal error.', describe(what)),
    instantiateWasm(imports, done) {
      wasmModule.then((module) => WebAssembly.instantiate(module, imports).then(
        (instance) => done(instance, module), failedToCompile),
      (error) => (error instanceof WebAssembly.CompileError ? failedToCompile : failedToLoad)(error));
      return {};
    },
    preRun: [() => {
      Module.addRunDependency('assets');
      assetBytes.then((buffers) => {
        kAssets.forEach((name, i) => {
          Module.FS.mkdirTree('/assets/' + name.slice(0, name.lastIndexOf('/')));
          Module.FS.writeFile('/assets/' + name, new Uint8Array(buffers[i]));
        });
        Module.removeRunDependency('assets');
      }, failedToLoad);
    }],
    onRuntimeInitialized() {
      performance.mark('kiln:runtime-ready');
      loading.hidden = true;
      started = true;
      registerServiceWorker();
    },
  };
  window.Module = Module;

  const script = document.createElement('script');
  script.src = 'kiln.js';
  script.onerror = () => failedToLoad(new Error('kiln.js did not load'));
  document.body.appendChild(script);
})();
