// Kiln's URL router, the JS half of src/platform/web/router.cpp: the hash of the page's URL names
// what is open. setHash() writes it with the History API (no hashchange event, and with `push`
// a history entry that Back returns from); every other change of the hash (Back, Forward, a
// link, the address bar) is reported to C++ once.
'use strict';

(function () {
  let reported = location.hash; // the hash C++ knows about

  function changed() {
    if (location.hash === reported) return; // popstate and hashchange both fire for one step
    reported = location.hash;
    window.Module.ccall('kiln_router_hash_changed', null, ['string'], [reported]);
  }

  window.kilnRouter = {
    hash: () => location.hash,
    // The page's URL without its hash, and without what only an embedding page gives it
    // (?embed=1&origin=…): a link made in an embedded Kiln opens the whole page.
    pageUrl() {
      const url = new URL(location.href);
      url.hash = '';
      url.searchParams.delete('embed');
      url.searchParams.delete('origin');
      return url.href;
    },
    setHash(hash, push) {
      if (hash && !hash.startsWith('#')) hash = `#${hash}`;
      if (hash === location.hash) return;
      // An empty hash needs the bare URL: history.pushState(null, '', '') would keep the old one.
      const url = hash || location.pathname + location.search;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      reported = location.hash;
    },
    listen() {
      reported = location.hash;
      addEventListener('popstate', changed);
      addEventListener('hashchange', changed);
    },
  };
})();
