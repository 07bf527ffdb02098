// Kiln's test build only (build/web-test): window.kilnTest for the browser tests and benchmarks,
// on ?test=1 pages. Its C++ half is src/test_hooks.cpp and src/platform/web/test_bridge.cpp,
// linked into the test build alone; the page that users get (build/web) has neither this file
// nor those functions.
// It runs before boot.js (the test build's index.html lists it just before), and reaches the
// module through window.Module once boot.js has made it.
'use strict';

(function () {
  if (new URLSearchParams(location.search).get('test') !== '1') return;
  const module = () => window.Module;
  const started = () => Boolean(module()?.calledRun);
  const call = (name, ...args) => {
    const types = args.map(() => 'string');
    return JSON.parse(module().UTF8ToString(module().ccall(name, 'number', types, args)));
  };
  window.kilnTest = {
    state: () => (started() ? call('kiln_test_state') : { ready: false }),
    // The rectangle of the last drawn ImGui item with this label, in CSS pixels of the page.
    itemRect(label) {
      if (!started()) return null;
      const rect = call('kiln_test_item_rect', label);
      if (!rect) return null;
      const canvas = module().canvas.getBoundingClientRect();
      return { x: rect.x + canvas.left, y: rect.y + canvas.top, w: rect.w, h: rect.h };
    },
    // The platform layer: {hash, hash_changes, embed, update_waiting} (src/platform/web/test_bridge.cpp).
    platform: () => call('kiln_test_platform'),
    setHash: (hash, push) => module().ccall('kiln_test_set_hash', null, ['string', 'number'], [hash, push ? 1 : 0]),
    applyUpdate: () => module().ccall('kiln_test_apply_update', null, [], []),
    // src/platform/web/preview.h's showPreview() and hidePreview(), called from C++.
    showPreview: (x, y, w, h, revision, html) => module().ccall('kiln_test_show_preview', null,
      ['number', 'number', 'number', 'number', 'number', 'string'], [x, y, w, h, revision, html]),
    hidePreview: () => module().ccall('kiln_test_hide_preview', null, [], []),
    // Runs a test action at once, as the UI would: 'newProject' (argument: the name),
    // 'addVersion' (argument: the code, saved as a new version of the open project),
    // 'setEndpoint' (argument: JSON of Settings' fields), 'send' (argument: the prompt).
    act: (name, argument = '') => call('kiln_test_act', name, String(argument)),
    // Runs one read-only SQL statement on the library: {rows: [[...]]} or {error}.
    query: (sql) => call('kiln_test_query', sql),
  };
})();
