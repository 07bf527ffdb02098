#!/usr/bin/env node
// Points a built Kiln at its preview origin, for a static host (docs/HOSTING.md):
//
//   node scripts/configure.mjs build/web --kiln-origin https://kiln.example --preview-origin https://preview.example
//
// rewrites, in place:
//   index.html           <meta name="kiln-preview-origin">, and its Content-Security-Policy's
//                        frame-src: that origin alone ('self' when there is none);
//   preview/index.html   <meta name="kiln-origins">: the Kiln origins allowed to run code there
//                        (--kiln-origin may be given more than once);
//   sw-manifest.js       the SHA-256 of both, and the build's version, so the service worker
//                        takes the configured files.
// `--preview-origin ''` goes back to the single-origin set-up. scripts/serve.mjs does the same in
// memory when it serves two origins. The functions are exported for it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

// An origin as the browser writes it ("https://kiln.example"); throws on anything else.
export function origin(text) {
  const url = new URL(text);
  if (url.origin === 'null' || !/^https?:$/.test(url.protocol)) throw new Error(`not an http(s) origin: ${text}`);
  return url.origin;
}

function setMeta(html, name, content) {
  const pattern = new RegExp(`(<meta name="${name}" content=")[^"]*(">)`);
  if (!pattern.test(html)) throw new Error(`no <meta name="${name}"> to configure`);
  return html.replace(pattern, `$1${escapeAttribute(content)}$2`);
}

// Kiln's index.html, its preview in frames of `previewOrigin` ('' for its own origin).
export function configureIndex(html, previewOrigin) {
  const frameSrc = previewOrigin ? origin(previewOrigin) : "'self'";
  const configured = setMeta(html, 'kiln-preview-origin', previewOrigin ? origin(previewOrigin) : '');
  const csp = /(<meta http-equiv="Content-Security-Policy"\s+content="[^"]*?)frame-src [^;"]*/;
  if (!csp.test(configured)) throw new Error('no frame-src in index.html\'s Content-Security-Policy');
  return configured.replace(csp, `$1frame-src ${frameSrc}`);
}

// The preview host page, taking code from the Kiln pages of `kilnOrigins`.
export function configureHost(html, kilnOrigins) {
  return setMeta(html, 'kiln-origins', kilnOrigins.map(origin).join(' '));
}

// The Content-Security-Policy of Kiln's index.html, for the HTTP header.
export function pagePolicy(html) {
  const match = /<meta http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
  if (!match) throw new Error('index.html has no Content-Security-Policy');
  return match[1];
}

const sha256 = (content) => crypto.createHash('sha256').update(content).digest('hex');

// sw-manifest.js with the files of `changed` ({path: content}) hashed anew, and the version made
// as cmake/sw_manifest.cmake makes it: the first 16 hex digits of the SHA-256 of "path hash\n" lines.
export function rewriteManifest(manifest, changed) {
  const entries = [...manifest.matchAll(/^ {4}"([^"]+)": "([0-9a-f]{64})",$/gm)].map(([, file, hash]) => [file, hash]);
  if (!entries.length) throw new Error('sw-manifest.js lists no files');
  const files = new Map(entries);
  for (const [file, content] of Object.entries(changed)) {
    if (!files.has(file)) throw new Error(`sw-manifest.js does not list ${file}`);
    files.set(file, sha256(content));
  }
  const sorted = [...files.keys()].sort();
  const version = sha256(sorted.map((file) => `${file} ${files.get(file)}\n`).join('')).slice(0, 16);
  return manifest
    .replace(/^ {2}version: "[0-9a-f]+",$/m, `  version: "${version}",`)
    .replace(/^ {4}"([^"]+)": "[0-9a-f]{64}",$/gm, (line, file) => `    "${file}": "${files.get(file)}",`);
}

// The three files of a build folder as configured: {'index.html', 'preview/index.html', 'sw-manifest.js'}.
export function configuredFiles(dir, { previewOrigin = '', kilnOrigins = [] } = {}) {
  const read = (file) => fs.readFileSync(path.join(dir, file), 'utf8');
  const index = configureIndex(read('index.html'), previewOrigin);
  const host = configureHost(read('preview/index.html'), kilnOrigins);
  const manifest = rewriteManifest(read('sw-manifest.js'), { 'index.html': index, 'preview/index.html': host });
  return { 'index.html': index, 'preview/index.html': host, 'sw-manifest.js': manifest };
}

function main(argv) {
  const usage = 'usage: node scripts/configure.mjs <web dir> --preview-origin <origin|""> [--kiln-origin <origin>]...';
  let dir = null;
  let previewOrigin = null;
  const kilnOrigins = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--preview-origin') previewOrigin = argv[++i] ?? null;
    else if (argv[i] === '--kiln-origin') kilnOrigins.push(argv[++i]);
    else if (dir === null && !argv[i].startsWith('--')) dir = argv[i];
    else throw new Error(`unexpected argument: ${argv[i]}\n${usage}`);
  }
  if (dir === null || previewOrigin === null) throw new Error(usage);
  if (previewOrigin && !kilnOrigins.length) throw new Error(`--kiln-origin is needed with a preview origin\n${usage}`);
  const files = configuredFiles(dir, { previewOrigin, kilnOrigins });
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
  console.log(previewOrigin
    ? `Kiln in ${dir} runs its previews on ${origin(previewOrigin)}; serve ${path.join(dir, 'preview')} there.`
    : `Kiln in ${dir} runs its previews on its own origin.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`configure.mjs: ${error.message}`);
    process.exit(2);
  }
}
