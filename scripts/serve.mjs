#!/usr/bin/env node
// Kiln's static file server, for local development and for the browser tests.
// No dependencies: Node's standard library only.
//
//   node scripts/serve.mjs <dir> [--port N] [--host 127.0.0.1]
//
// The port defaults to $PORT, else 8080; `--port 0` picks a free port. Once listening it prints
// exactly one line, `Kiln is running at http://HOST:PORT/`, which the tests parse.
// Every response carries `Cache-Control: no-cache` (the browser revalidates with ETag /
// Last-Modified and gets 304 when nothing changed): caching policy belongs to the service worker.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream';

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
  const options = { dir: null, port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') options.port = Number(argv[++i]);
    else if (argv[i] === '--host') options.host = argv[++i];
    else if (!argv[i].startsWith('--') && options.dir === null) options.dir = argv[i];
    else usage(`unexpected argument: ${argv[i]}`);
  }
  if (options.dir === null) usage('missing <dir>');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) usage('bad port');
  if (!options.host) usage('missing host after --host');
  return options;
}

function usage(problem) {
  console.error(`serve.mjs: ${problem}\nusage: node scripts/serve.mjs <dir> [--port N] [--host 127.0.0.1]`);
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

function send(res, status, message, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : `${status} ${message}\n`);
}

// True when the client's cached copy (If-None-Match, else If-Modified-Since) is still current.
function isFresh(req, etag, mtime) {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  }
  const urlPath = req.url.split('?')[0];
  const file = resolvePath(root, urlPath);
  if (file === null) return send(res, 403, 'Forbidden');

  fs.stat(file, (err, stat) => {
    if (!err && stat.isDirectory()) {
      // A folder without its trailing slash would break relative URLs in its index.html.
      if (!urlPath.endsWith('/')) return send(res, 301, 'Moved Permanently', { Location: urlPath + '/' });
      return serveFile(req, res, path.join(file, 'index.html'));
    }
    serveFile(req, res, file);
  });
}

function serveFile(req, res, file) {
  fs.stat(file, (err, stat) => {
    if (err || !stat.isFile()) return send(res, 404, 'Not Found');

    const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Weak ETag: the same for the gzipped and the plain body of one file version.
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': stat.mtime.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
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

const options = parseArgs(process.argv.slice(2));
const root = path.resolve(options.dir);
if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) usage(`not a directory: ${options.dir}`);

const server = http.createServer((req, res) => handle(root, req, res));
server.on('error', (error) => {
  console.error(`serve.mjs: ${error.message}`);
  process.exit(1);
});
server.listen(options.port, options.host, () => {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  console.log(`Kiln is running at http://${host}:${server.address().port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
