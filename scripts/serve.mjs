#!/usr/bin/env node
// Kiln's static file server, for local development and for the browser tests.
// No dependencies: Node's standard library only.
//
//   node scripts/serve.mjs <dir> [--port N] [--host 127.0.0.1] [--preview-port N] [--preview-host localhost]
//
// The port defaults to $PORT, else 8080; `--port 0` picks a free port. Once listening it prints
// `Kiln is running at http://HOST:PORT/` as its last line, which the tests parse.
//
// Two origins. With --preview-port, the live preview gets an origin of its own, of another site
// (by default http://localhost:PORT beside Kiln's http://127.0.0.1:PORT), so that every browser
// runs generated apps in another process than Kiln (web/js/preview.js). That origin serves the
// preview host's files (<dir>/preview/) and nothing else of Kiln. Kiln's index.html and the
// host page are served configured for each other, as scripts/configure.mjs would write them for
// a static host (the files on disk are not changed). It prints `The preview runs at URL` first.
//
// Headers. Every response carries `Cache-Control: no-cache` (the browser revalidates with ETag /
// Last-Modified and gets 304 when nothing changed: caching policy belongs to the service
// workers), `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`. Kiln's page
// also gets its Content-Security-Policy as a header, the same policy as its meta tag. The preview
// host page gets no CSP: the app's frame would inherit it (web/preview/host.js); its scripts
// get `default-src 'self'`. docs/HOSTING.md gives the same headers for other servers.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream';
import crypto from 'node:crypto';
import { configuredFiles, pagePolicy } from './configure.mjs';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff2': 'font/woff2',
  '.sqlite': 'application/vnd.sqlite3',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

// Types worth gzipping: text formats and wasm. Fonts, images and databases are sent as they are.
const COMPRESSIBLE = /^(text\/|application\/(wasm|json|manifest\+json)|image\/svg\+xml)/;

function parseArgs(argv) {
  const options = { dir: null, port: Number(process.env.PORT ?? 8080), host: '127.0.0.1', previewPort: null, previewHost: 'localhost' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') options.port = Number(argv[++i]);
    else if (argv[i] === '--host') options.host = argv[++i];
    else if (argv[i] === '--preview-port') options.previewPort = Number(argv[++i]);
    else if (argv[i] === '--preview-host') options.previewHost = argv[++i];
    else if (!argv[i].startsWith('--') && options.dir === null) options.dir = argv[i];
    else usage(`unexpected argument: ${argv[i]}`);
  }
  if (options.dir === null) usage('missing <dir>');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) usage('bad port');
  if (!options.host) usage('missing host after --host');
  if (options.previewPort !== null && (!Number.isInteger(options.previewPort) || options.previewPort < 0 || options.previewPort > 65535)) usage('bad preview port');
  if (!options.previewHost) usage('missing host after --preview-host');
  return options;
}

function usage(problem) {
  console.error(`serve.mjs: ${problem}\nusage: node scripts/serve.mjs <dir> [--port N] [--host 127.0.0.1] [--preview-port N] [--preview-host localhost]`);
  process.exit(2);
}

// Maps a request path to a file under root; null when the path tries to leave root or is malformed.
function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + decoded);
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

// The headers every response of both origins carries.
const kCommonHeaders = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function send(res, status, message, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', ...kCommonHeaders, ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : `${status} ${message}\n`);
}

// True when the client's cached copy (If-None-Match, else If-Modified-Since) is still current.
function isFresh(req, etag, mtime) {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

// One origin: `root` is served, with `site.files` ({absolute path: () => content}) served from memory
// in place of those files, and `site.headers(file)` added to each file's response.
function handle(site, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  }
  const urlPath = req.url.split('?')[0];
  const file = resolvePath(site.root, urlPath);
  if (file === null) return send(res, 403, 'Forbidden');

  fs.stat(file, (err, stat) => {
    if (!err && stat.isDirectory()) {
      // A folder without its trailing slash would break relative URLs in its index.html.
      if (!urlPath.endsWith('/')) return send(res, 301, 'Moved Permanently', { Location: urlPath + '/' });
      return serveFile(site, req, res, path.join(file, 'index.html'));
    }
    serveFile(site, req, res, file);
  });
}

function serveFile(site, req, res, file) {
  const inMemory = site.files?.[file];
  fs.stat(file, (err, stat) => {
    if (err || !stat.isFile()) return send(res, 404, 'Not Found');

    const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    if (inMemory !== undefined) return serveContent(site, req, res, file, type, inMemory());
    // Weak ETag: the same for the gzipped and the plain body of one file version.
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': stat.mtime.toUTCString(),
      ...kCommonHeaders,
      ...site.headers(file),
    };
    const compressible = COMPRESSIBLE.test(type);
    if (compressible) headers.Vary = 'Accept-Encoding';

    if (isFresh(req, etag, stat.mtime)) {
      res.writeHead(304, headers);
      return res.end();
    }
    const gzip = compressible && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    if (gzip) headers['Content-Encoding'] = 'gzip';
    else headers['Content-Length'] = stat.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();

    const streams = [fs.createReadStream(file), ...(gzip ? [zlib.createGzip()] : []), res];
    pipeline(streams, (error) => {
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error(`serve.mjs: ${file}: ${error.message}`);
    });
  });
}

// A configured file served from memory, with an ETag of its content.
function serveContent(site, req, res, file, type, content) {
  const body = Buffer.from(content);
  const etag = `"${crypto.createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
  const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache', ETag: etag, ...kCommonHeaders, ...site.headers(file) };
  if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) {
    res.writeHead(304, headers);
    return res.end();
  }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function listen(server, port, host) {
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const name = host.includes(':') ? `[${host}]` : host;
      resolve(`http://${name}:${server.address().port}/`);
    });
  });
}

const options = parseArgs(process.argv.slice(2));
const root = path.resolve(options.dir);
if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) usage(`not a directory: ${options.dir}`);
const previewRoot = path.join(root, 'preview');
if (options.previewPort !== null && !fs.existsSync(path.join(previewRoot, 'index.html'))) {
  usage(`no preview/index.html in ${options.dir}: build Kiln first`);
}

const kiln = { root, files: null, policy: null };
kiln.headers = (file) => (kiln.files && file === path.join(root, 'index.html') ? { 'Content-Security-Policy': kiln.policy() } : {});
const preview = {
  root: previewRoot,
  files: null,
  // Scripts of the preview origin (host.js, its worker) load nothing but their own origin's files.
  headers: (file) => (file.endsWith('.js') ? { 'Content-Security-Policy': "default-src 'self'", 'Cross-Origin-Resource-Policy': 'same-origin' } : {}),
};

const servers = [http.createServer((req, res) => handle(kiln, req, res))];
if (options.previewPort !== null) servers.push(http.createServer((req, res) => handle(preview, req, res)));
for (const server of servers) {
  server.on('error', (error) => {
    console.error(`serve.mjs: ${error.message}`);
    process.exit(1);
  });
}

const kilnUrl = await listen(servers[0], options.port, options.host);
let previewOrigin = '';
if (servers[1]) {
  const previewUrl = await listen(servers[1], options.previewPort, options.previewHost);
  previewOrigin = new URL(previewUrl).origin;
  console.log(`The preview runs at ${previewUrl}`);
}
// Configured afresh on each request, from the files on disk: a rebuild (or a test that writes a
// new version) is served configured at once.
// A folder that is not a build of Kiln (a test's embedding page) is served as it is.
const isKiln = fs.existsSync(path.join(previewRoot, 'index.html'));
const kilnOrigins = previewOrigin ? [new URL(kilnUrl).origin] : [];
const configured = () => configuredFiles(root, { previewOrigin, kilnOrigins });
kiln.policy = () => pagePolicy(configured()['index.html']);
// The manifest hashes the configured files: Kiln's origin serves them too (its preview/ is
// the same host page, unused while the preview has an origin of its own).
if (isKiln) kiln.files = {
  [path.join(root, 'index.html')]: () => configured()['index.html'],
  [path.join(previewRoot, 'index.html')]: () => configured()['preview/index.html'],
  [path.join(root, 'sw-manifest.js')]: () => configured()['sw-manifest.js'],
};
if (previewOrigin) preview.files = { [path.join(previewRoot, 'index.html')]: () => configured()['preview/index.html'] };
console.log(`Kiln is running at ${kilnUrl}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    let open = servers.length;
    for (const server of servers) {
      server.close(() => { if (--open === 0) process.exit(0); });
      server.closeAllConnections();
    }
  });
}
