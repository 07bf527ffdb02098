// Kiln's share links, the JS half of src/platform/web/share_codec.cpp: a text compressed by the
// browser (CompressionStream's "deflate", the zlib format, whose Adler-32 checksum catches a
// changed link) and written in base64url, and back, inflating no more than a given size.
'use strict';

(function () {
  const kTooBig = new Error('too big');

  function toBase64Url(bytes) {
    let binary = '';
    for (let at = 0; at < bytes.length; at += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(at, at + 0x8000));
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // Bytes, or null for anything but unpadded base64url.
  function fromBase64Url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // The whole of a byte stream, or kTooBig past `max` bytes (the rest is not read).
  async function readAll(stream, max) {
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        reader.cancel().catch(() => {});
        throw kTooBig;
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  }

  window.kilnShare = {
    // The base64url text of `bytes` (a Uint8Array) compressed.
    async pack(bytes) {
      return toBase64Url(await readAll(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate')), Infinity));
    },

    // {bytes} that `data` inflates to, or {failure: 'damaged' | 'too_big'}.
    async unpack(data, max) {
      const bytes = fromBase64Url(data);
      if (!bytes) return { failure: 'damaged' };
      try {
        return { bytes: await readAll(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate')), max) };
      } catch (error) {
        return { failure: error === kTooBig ? 'too_big' : 'damaged' };
      }
    },
  };
})();
