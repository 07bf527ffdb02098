// Kiln's side of the postMessage API for the page that embeds it, the JS half of
// src/platform/web/embed.cpp (docs/EMBEDDING.md).
//
// Kiln talks only to window.parent, and only when that is the top page: storage is partitioned
// by the top site, so the top page reaches only the projects made under it, while a page in
// between (a third site's frame holding Kiln) would reach the top site's. Messages go out with
// the parent's origin as targetOrigin (never '*': the browser drops them if the parent is another
// origin), and come in only from window.parent with that origin: the live preview's frames and
// sibling frames are not the embedder, whatever their origin.
'use strict';

(function () {
  function originOf(url) {
    try {
      const origin = new URL(url).origin;
      return origin === 'null' ? '' : origin;
    } catch {
      return '';
    }
  }

  // `?origin=` when given; else what the browser says of the parent (Chromium's ancestorOrigins,
  // or the referrer, which for a frame is the page that loaded it); '' when it cannot be known.
  function embedderOrigin() {
    if (window.parent === window || window.parent !== window.top) return '';
    const pinned = new URLSearchParams(location.search).get('origin');
    if (pinned !== null) return originOf(pinned);
    if (location.ancestorOrigins && location.ancestorOrigins.length > 0) return originOf(location.ancestorOrigins[0]);
    return originOf(document.referrer);
  }

  const embedder = embedderOrigin();

  window.kilnEmbed = {
    origin: () => embedder,
    post(json) {
      if (embedder) window.parent.postMessage(JSON.parse(json), embedder);
    },
    // Calls changed(isVisible) as IntersectionObserver v2 finds Kiln's page visible and
    // unobstructed in the embedding page, or not (covered, transparent, transformed, hidden);
    // returns false where the browser has no trackVisibility (Kiln cannot know there).
    watchVisibility(changed) {
      if (!embedder || typeof IntersectionObserver !== 'function') return false;
      let observer;
      try {
        observer = new IntersectionObserver((entries) => {
          // Visible means unobstructed and whole: a frame clipped by the page (scrolled half out,
          // in a too-small box) could show the Allow buttons without the prompt they allow.
          for (const entry of entries) changed(entry.isVisible === true && entry.intersectionRatio >= 0.99);
        }, { threshold: [1.0], trackVisibility: true, delay: 100 });
      } catch {
        return false;
      }
      // A browser without v2 ignores the option: the observer does not say it tracks visibility.
      if (observer.trackVisibility !== true) {
        observer.disconnect();
        return false;
      }
      observer.observe(document.documentElement);
      return true;
    },
    // Calls received(json text) with each message of the embedder's; others are ignored, as are
    // messages that are not JSON data (a cycle, a BigInt, a function: JSON.stringify refuses).
    listen(received) {
      if (!embedder) return;
      addEventListener('message', (event) => {
        if (event.source !== window.parent || event.origin !== embedder) return;
        let text;
        try {
          text = JSON.stringify(event.data);
        } catch {
          return;
        }
        if (typeof text === 'string') received(text);
      });
    },
  };
})();
