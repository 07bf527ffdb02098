// Kiln's files in and out of the page: the JS half of src/platform/web/files.cpp. A download is
// a Blob behind a temporary <a download>; a file comes in through a hidden <input type=file> or
// by dropping it on the canvas.
'use strict';

(function () {
  let input = null;
  let receive = null;  // receive(name, bytes) or receive(name, null, why)

  function take(file) {
    if (!file || !receive) return;
    file.arrayBuffer().then(
      (buffer) => receive(file.name, new Uint8Array(buffer)),
      (error) => receive(file.name, null, (error && error.message) || String(error)));
  }

  window.kilnFiles = {
    // Offers bytes (a Uint8Array) to the user as a file called `name`.
    download(bytes, name, type) {
      const url = URL.createObjectURL(new Blob([bytes], { type }));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      // The download starts from the URL after this task: keep it for a while.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },

    // Files the user picks (pick()) or drops on `target` go to onFile(name, bytes); a file that
    // cannot be read goes to onFile(name, null, why). `accept` is the picker's filter.
    listen(target, accept, onFile) {
      receive = onFile;
      input = document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.hidden = true;
      input.id = 'kiln-file-input';
      input.addEventListener('change', () => {
        take(input.files && input.files[0]);
        input.value = '';  // choosing the same file again is a change too
      });
      document.body.appendChild(input);

      const hasFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
      target.addEventListener('dragover', (event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        target.classList.add('dropping');
      });
      target.addEventListener('dragleave', () => target.classList.remove('dropping'));
      target.addEventListener('drop', (event) => {
        target.classList.remove('dropping');
        if (!hasFiles(event)) return;
        event.preventDefault();
        take(event.dataTransfer.files[0]);
      });
    },

    // Opens the browser's file picker (only from inside a user's click or key press).
    pick() {
      if (input) input.click();
    },
  };
})();
