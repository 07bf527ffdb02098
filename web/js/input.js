// Kiln's text input, the JS half of src/platform/web/text_input.cpp.
//
// ImGui draws text fields on the canvas; typing, composed (IME) input, the touch keyboard and
// the clipboard need a real editable element with the focus. A transparent <textarea> sits at
// ImGui's text caret (so IME candidate windows open beside the text) and holds the focus while a
// field is edited. What the user types or composes reaches it as `input` and `compositionend`
// events and is passed on to ImGui; it is emptied after each, so it never holds text of its own.
// Copy, cut and paste events are turned into ImGui's shortcuts with the clipboard's text.
'use strict';

(function () {
  const canvas = document.getElementById('canvas');
  const area = document.createElement('textarea');
  area.id = 'kiln-text';
  const attributes = {
    autocomplete: 'off', autocorrect: 'off', autocapitalize: 'off', spellcheck: 'false', wrap: 'off',
    tabindex: '-1', 'aria-label': 'Text input',
  };
  for (const [name, value] of Object.entries(attributes)) area.setAttribute(name, value);
  document.body.appendChild(area);

  const ready = () => Boolean(window.Module && window.Module.calledRun);
  // Firefox may insert a character beyond the Basic Multilingual Plane (an emoji) as two `input`
  // events, one per UTF-16 half: the first half waits for the second.
  let highSurrogate = '';
  const send = (typed) => {
    let text = highSurrogate + typed;
    highSurrogate = /[\uD800-\uDBFF]$/.test(text) ? text.slice(-1) : '';
    if (highSurrogate) text = text.slice(0, -1);
    if (text && ready()) window.Module.ccall('kiln_input_text', null, ['string'], [text]);
  };

  // While a composition runs, the text in the element is the IME's draft: it is shown (the canvas
  // cannot draw it) and only the committed text goes to ImGui, once.
  let composing = false;
  area.addEventListener('compositionstart', () => {
    composing = true;
    area.classList.add('composing');
  });
  area.addEventListener('compositionend', (event) => {
    composing = false;
    area.classList.remove('composing');
    send(event.data);
    area.value = '';
  });
  area.addEventListener('input', (event) => {
    // Composition steps (insertCompositionText; Safari's insertFromComposition after the end)
    // carry drafts or a repeat of what compositionend delivers.
    if (composing || event.isComposing || /Composition/.test(event.inputType)) return;
    if (event.inputType.startsWith('insert')) send(area.value);
    area.value = '';
  });

  // A click on the canvas while a field is edited must not take the focus from the element (on a
  // touch screen that would close the keyboard); ImGui decides whether editing goes on.
  canvas.addEventListener('mousedown', (event) => {
    if (document.activeElement === area) event.preventDefault();
  });

  function copyOrCut(event, cut) {
    if (!ready()) return;
    const text = window.Module.ccall('kiln_clipboard_copy', 'number', ['number'], [cut ? 1 : 0]);
    if (!text) return;
    event.clipboardData.setData('text/plain', window.Module.UTF8ToString(text));
    event.preventDefault();
  }
  document.addEventListener('copy', (event) => copyOrCut(event, false));
  document.addEventListener('cut', (event) => copyOrCut(event, true));
  document.addEventListener('paste', (event) => {
    if (!ready()) return;
    event.preventDefault(); // ImGui inserts the text; the element must not
    window.Module.ccall('kiln_clipboard_paste', null, ['string'], [event.clipboardData.getData('text/plain')]);
  });

  // The on-screen keyboard covers the bottom of the page without resizing it (iOS; Android
  // resizes it, as the page's viewport tag asks): the canvas ends where the visible part of the
  // page ends, so the field being typed into can stay above the keyboard. Not while zoomed in by
  // pinching (the visible part is then a part of the canvas).
  const viewport = window.visualViewport;
  if (viewport) {
    const fit = () => {
      const covered = viewport.scale < 1.01 && viewport.height < innerHeight - 1;
      const height = covered ? `${Math.round(viewport.height)}px` : '';
      if (canvas.style.height === height) return;
      canvas.style.height = height;
      window.dispatchEvent(new Event('resize')); // the module reads the canvas's new size
    };
    viewport.addEventListener('resize', fit);
  }

  window.kilnInput = {
    // ImGui's caret: `active` while a text field is edited, at (x, y) in CSS pixels of the page,
    // lineHeight tall. Focus taken by something else (the preview frame) is left where it is.
    place(active, x, y, lineHeight) {
      if (!active) {
        if (document.activeElement === area) canvas.focus({ preventScroll: true });
        return;
      }
      area.style.left = `${x}px`;
      area.style.top = `${y}px`;
      area.style.height = `${lineHeight}px`;
      area.style.maxWidth = `${Math.max(40, innerWidth - x - 8)}px`; // a composition's draft stays on screen
      // 16 px at least: iOS zooms the page into any smaller focused field.
      area.style.fontSize = `${Math.max(16, Math.round(lineHeight * 0.8))}px`;
      const focused = document.activeElement;
      if (focused !== area && (!focused || focused === document.body || focused === canvas)) {
        area.focus({ preventScroll: true });
      }
    },
    // Whether the element has the focus, so keys that make text reach it as `input` events.
    focused: () => document.activeElement === area,
    // Copies outside a copy event (a "Copy" button) go through the asynchronous Clipboard API,
    // which may refuse (no permission, or the click was too long ago): said in the console.
    writeClipboard(text) {
      if (!navigator.clipboard) {
        console.warn('Kiln: this page cannot write to the clipboard (no Clipboard API)');
        return;
      }
      navigator.clipboard.writeText(text).catch((error) => console.warn(`Kiln: the clipboard refused the text: ${error.message}`));
    },
  };
})();
