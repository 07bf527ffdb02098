// Kiln's loader: checks that the browser can run Kiln, downloads the wasm and fonts with a
// progress bar, starts the module, and shows a readable error page if anything fails.
// On ?test=1 pages it also exposes window.kilnTest for the browser tests.
'use strict';

(function () {
  // Files the module reads at start, from assets/ into the same path of its file system.
  const kAssets = ['fonts/NotoSans-Regular.ttf', 'fonts/NotoSans-Bold.ttf', 'fonts/JetBrainsMono-Regular.ttf',
                   'prompts/starters.txt'];
  const loading = document.getElementById('loading');
  const fill = document.getElementById('loading-fill');
  const status = document.getElementById('loading-status');

  function fatal(message) {
    loading.hidden = true;
    document.getElementById('canvas').hidden = true;
    document.getElementById('fatal-message').textContent = message;
    document.getElementById('fatal').hidden = false;
  }
  window.kilnShell = { fatal };

  function unsupported() {
    if (typeof WebAssembly !== 'object') {
      return 'This browser cannot run WebAssembly, which Kiln is built on. Use a current Chrome, Edge, Firefox or Safari.';
    }
    const probe = document.createElement('canvas');
    if (!probe.getContext('webgl2')) {
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

  const wasmBytes = download('kiln.wasm');
  const assetBytes = Promise.all(kAssets.map((name) => download('assets/' + name)));
  const failedToLoad = (error) => fatal('Kiln could not be downloaded: ' + describe(error) +
    '. Check your connection and reload.');

  const Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal('Kiln stopped because of an internal error: ' + describe(what)),
    instantiateWasm(imports, done) {
      wasmBytes
        .then((bytes) => WebAssembly.instantiate(bytes, imports))
        .then((result) => done(result.instance, result.module))
        .catch(failedToLoad);
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
    onRuntimeInitialized() { loading.hidden = true; },
  };
  window.Module = Module;

  if (new URLSearchParams(location.search).get('test') === '1') {
    const call = (name, ...args) => {
      const types = args.map(() => 'string');
      return JSON.parse(Module.UTF8ToString(Module.ccall(name, 'number', types, args)));
    };
    window.kilnTest = {
      state: () => (Module.calledRun ? call('kiln_test_state') : { ready: false }),
      // The rectangle of the last drawn ImGui item with this label, in CSS pixels of the page.
      itemRect(label) {
        if (!Module.calledRun) return null;
        const rect = call('kiln_test_item_rect', label);
        if (!rect) return null;
        const canvas = Module.canvas.getBoundingClientRect();
        return { x: rect.x + canvas.left, y: rect.y + canvas.top, w: rect.w, h: rect.h };
      },
      // Runs a test action at once, as the UI would: 'newProject' (argument: the name),
      // 'addVersion' (argument: the code, saved as a new version of the open project).
      act: (name, argument = '') => call('kiln_test_act', name, String(argument)),
      // Runs one read-only SQL statement on the library: {rows: [[...]]} or {error}.
      query: (sql) => call('kiln_test_query', sql),
    };
  }

  // The JS halves of the platform code go first: kiln.js calls them from its first frame on.
  for (const src of ['js/idb.js', 'js/tabs.js', 'js/files.js', 'kiln.js']) {
    const script = document.createElement('script');
    script.src = src;
    script.async = false;  // run in this order
    script.onerror = () => failedToLoad(new Error(`${src} did not load`));
    document.body.appendChild(script);
  }
})();
