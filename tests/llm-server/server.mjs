#!/usr/bin/env node
// Kiln's loopback OpenAI-compatible endpoint, for tests and local development.
// No dependencies: Node's standard library only. See README.md for the scenarios.
//
//   node tests/llm-server/server.mjs [--port N] [--host 127.0.0.1] [--tps N] [--ttft MS] [--chunk N]
//
// `--port 0` (the default) picks a free port. Once listening it prints exactly one line,
// `llm-server listening on http://HOST:PORT/v1`, which tests parse.
//
// Index
//   Options      per server (flags), per request (path segments before /v1, query, x-kiln-* headers)
//   Answers      the apps it writes, edit blocks against the current code, tokens
//   Scenarios    chosen by the model name: kiln-test/ok, kiln-test/http-429, ...
//   Streaming    SSE frames paced at tokens per second, cut into chunks at any byte boundary
//   HTTP         routes, CORS, errors
//   Main

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../fixtures/sse');

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

const DEFAULTS = { tps: 200, ttft: 0, chunk: 0, chunkDelay: 0, retryAfter: 2, cors: true };

// Request options override the server's: from path segments (`/chunk=1/tps=50/v1/...`, or
// `/no-cors/v1/...`), then the query string, then x-kiln-<name> headers.
function requestOptions(serverOptions, url, headers) {
  const options = { ...serverOptions };
  const set = (name, value) => {
    const key = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (key === 'noCors') options.cors = false;
    else if (key in DEFAULTS && key !== 'cors' && Number.isFinite(Number(value))) options[key] = Number(value);
  };
  const prefix = url.pathname.slice(0, Math.max(0, url.pathname.indexOf('/v1/')));
  for (const segment of prefix.split('/').filter(Boolean)) {
    const [name, value = ''] = segment.split('=');
    set(name, value);
  }
  for (const [name, value] of url.searchParams) set(name, value);
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-kiln-')) set(name.slice('x-kiln-'.length), value);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

const COUNTER_APP = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Counter</title>
<style>
  body { font-family: system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  button { font-size: 1.5rem; padding: 0.5rem 1.5rem; }
</style>
</head>
<body>
<main>
  <h1>Counter</h1>
  <p id="count" aria-live="polite">0</p>
  <button id="add" type="button">Add one</button>
</main>
<script>
  let count = 0;
  document.getElementById('add').addEventListener('click', () => {
    count += 1;
    document.getElementById('count').textContent = String(count);
  });
</script>
</body>
</html>
`;

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// A small working app that shows what was asked.
function echoApp(prompt, model) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Echo</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; line-height: 1.5; }
  blockquote { border-left: 4px solid #888; margin: 1rem 0; padding-left: 1rem; white-space: pre-wrap; }
</style>
</head>
<body>
<main>
  <h1>You asked for</h1>
  <blockquote id="prompt">${escapeHtml(prompt)}</blockquote>
  <p>Made by Kiln's loopback test server, model ${escapeHtml(model)}.
    Clicks: <button id="count" type="button">0</button></p>
</main>
<script>
  const button = document.getElementById('count');
  button.addEventListener('click', () => { button.textContent = String(Number(button.textContent) + 1); });
</script>
</body>
</html>
`;
}

const wholeFileAnswer = (code) => 'Here is the app.\n\n```html\n' + code + '```\n';

// What a chat request asks: the last user message, and in a follow-up (as Kiln's request.cpp
// writes it) the current code from its first fenced block and the instruction after it.
function readRequest(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const users = messages.filter((m) => m && m.role === 'user');
  const last = users.length ? String(users[users.length - 1].content ?? '') : '';
  const fence = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/m.exec(last);
  const code = fence ? fence[2] : null;
  let instruction = last;
  const change = last.indexOf('Change it as follows:');
  if (change >= 0) instruction = last.slice(change + 'Change it as follows:'.length).split(/\n\n(?:Answer with|Your edit blocks)/)[0];
  const chars = messages.reduce((n, m) => n + String(m?.content ?? '').length, 0);
  return {
    prompt: instruction.trim(),
    code,
    // Kiln's retry after failed edits; a follow-up only offers "or the whole updated file".
    wantsWholeFile: /whole updated file in one/i.test(last),
    promptTokens: Math.ceil(chars / 4),
  };
}

// The edit that adds a paragraph with the instruction before the code's </body> line (or, failing
// that, after its last line that occurs once): { search, replace } as arrays of lines, or null
// when no line of the code occurs exactly once.
function planEdit(code, instruction) {
  const lines = code.split('\n');
  const unique = (line) => line.trim() !== '' && lines.filter((l) => l === line).length === 1;
  const paragraph = `  <p class="kiln-edit">Edited: ${escapeHtml(instruction)}</p>`;
  const body = lines.find((l) => /<\/body>/i.test(l) && unique(l));
  if (body !== undefined) return { search: [body], replace: [paragraph, body] };
  const anchor = [...lines].reverse().find(unique);
  return anchor === undefined ? null : { search: [anchor], replace: [anchor, paragraph] };
}

function editBlocksAnswer({ search, replace }) {
  return ['One edit makes the change:', '', '<<<<<<< SEARCH', ...search, '=======', ...replace, '>>>>>>> REPLACE', ''].join('\n');
}

function applyEdit(code, edit) {
  return edit === null ? code : code.replace(edit.search.join('\n'), () => edit.replace.join('\n'));
}

// Words with the whitespace before them, long ones cut every 8 characters: about one token each.
function tokenize(text) {
  const tokens = [];
  for (const [word] of text.matchAll(/\s*\S+|\s+/g)) {
    for (let i = 0; i < word.length; i += 8) tokens.push(word.slice(i, i + 8));
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

const ERROR_BODIES = {
  400: ["Invalid value for 'temperature': expected a number between 0 and 2.", 'invalid_request_error', null],
  401: ['Incorrect API key provided: sk-kiln****test.', 'invalid_request_error', 'invalid_api_key'],
  403: ['Project does not have access to this model.', 'invalid_request_error', 'model_not_found'],
  404: ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'],
  408: ['Request timed out.', 'timeout', null],
  413: ['Request too large: the messages exceed what this endpoint accepts.', 'invalid_request_error', 'request_too_large'],
  429: ['Rate limit reached for requests per minute. Please try again in 2s.', 'requests', 'rate_limit_exceeded'],
  500: ['The server had an error while processing your request. Sorry about that!', 'server_error', null],
  502: ['Bad gateway.', 'server_error', null],
  503: ['The engine is currently overloaded, please try again later.', 'server_error', null],
};

const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const SIGN_IN_PAGE = '<!DOCTYPE html>\n<html>\n<head><title>Sign in - Example Portal</title></head>\n' +
  '<body><h1>Sign in</h1><form action="/login"></form></body>\n</html>\n';

const errorJson = (message, type, code) => JSON.stringify({ error: { message, type, param: null, code } });

// Every scenario model /v1/models lists. Any other model name gets the echo app.
const SCENARIOS = [
  'ok', 'edit', 'edit-miss', 'reasoning', 'length', 'non-stream', 'cut', 'drop', 'stall', 'error-mid-stream',
  'not-json', 'html-error', 'html-200', 'no-cors', 'endless', ...Object.keys(ERROR_BODIES).map((s) => `http-${s}`),
  ...fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).flatMap((f) => [`replay/${f.slice(0, -4)}`,
                                                                                 `paced/${f.slice(0, -4)}`]),
].map((name) => `kiln-test/${name}`);

// What to send for a chat request: {status, headers, body} for a plain response, or
// {content, reasoning, finish, after} for an answer (streamed, or as JSON when not streaming),
// where after is 'done' (the normal end), 'error', 'cut', 'drop' or 'stall'.
function plan(model, request, options) {
  const name = model.startsWith('kiln-test/') ? model.slice('kiln-test/'.length) : null;
  const status = /^http-(\d{3})$/.exec(name ?? '');
  if (status) {
    const code = Number(status[1]);
    const [message, type, errorCode] = ERROR_BODIES[code] ?? [`Scripted HTTP ${code}.`, 'error', null];
    const headers = code === 429 || code === 503 ? { 'Retry-After': String(options.retryAfter) } : {};
    return { status: code, headers, type: 'application/json', body: errorJson(message, type, errorCode) };
  }
  const replay = /^(replay|paced)\/(.+)$/.exec(name ?? '');
  if (replay) {
    const file = path.join(FIXTURES, path.basename(replay[2]) + '.txt');
    if (!fs.existsSync(file)) return notFound(`No transcript ${path.basename(file)} in tests/fixtures/sse.`);
    return { status: 200, type: 'text/event-stream; charset=utf-8', body: fs.readFileSync(file), paced: replay[1] === 'paced' };
  }
  switch (name) {
    case 'ok': return { content: wholeFileAnswer(COUNTER_APP) };
    case 'edit':
    case 'edit-miss': {
      if (request.code === null) return { content: wholeFileAnswer(COUNTER_APP) };
      const edit = planEdit(request.code, request.prompt);
      if (request.wantsWholeFile || edit === null) return { content: wholeFileAnswer(applyEdit(request.code, edit)) };
      if (name === 'edit-miss') edit.search = ['  <p>This line is not in the code.</p>'];
      return { content: editBlocksAnswer(edit) };
    }
    case 'reasoning':
      return { reasoning: 'The user wants a counter. One button and one number are enough; no network.',
               content: wholeFileAnswer(COUNTER_APP) };
    case 'length': return { content: wholeFileAnswer(COUNTER_APP).slice(0, 400), finish: 'length' };
    case 'non-stream': return { content: wholeFileAnswer(COUNTER_APP), forceJson: true };
    case 'cut': return { content: wholeFileAnswer(COUNTER_APP).slice(0, 300), after: 'cut' };
    case 'drop': return { content: wholeFileAnswer(COUNTER_APP).slice(0, 300), after: 'drop' };
    case 'stall': return { content: wholeFileAnswer(COUNTER_APP).slice(0, 300), after: 'stall' };
    case 'error-mid-stream': return { content: wholeFileAnswer(COUNTER_APP).slice(0, 200), after: 'error' };
    case 'not-json':
      return { status: 200, type: 'text/event-stream; charset=utf-8',
               body: 'data: {"choices":[{"index":0,"delta":{"content":"<p>"}}]}\n\ndata: {"choices": [oops\n\n' };
    case 'html-error': return { status: 502, type: 'text/html', body: NGINX_502 };
    case 'html-200': return { status: 200, type: 'text/html; charset=utf-8', body: SIGN_IN_PAGE };
    case 'no-cors': return { content: wholeFileAnswer(COUNTER_APP), cors: false };
    case 'endless': return { endless: true };
    default:
      if (name !== null) return notFound(`The model \`${model}\` does not exist. GET /v1/models lists the scenarios.`);
      return { content: wholeFileAnswer(request.code === null ? echoApp(request.prompt, model)
                                                              : applyEdit(request.code, planEdit(request.code, request.prompt))) };
  }
}

const notFound = (message) => ({ status: 404, type: 'application/json', body: errorJson(message, 'invalid_request_error', 'model_not_found') });

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Writes bytes in pieces of options.chunk bytes (0: as one piece), so that SSE events, lines and
// UTF-8 characters arrive split.
async function writeChunked(res, bytes, options, state) {
  const size = options.chunk > 0 ? options.chunk : bytes.length;
  for (let at = 0; at < bytes.length && !state.closed; at += size) {
    res.write(bytes.subarray(at, at + size));
    if (options.chunkDelay > 0) await sleep(options.chunkDelay);
    else if (options.chunk > 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

// Sends frames (strings, or { text } for a token) so that token i leaves options.ttft + i /
// options.tps seconds after the start (all at once when tps is 0); frames due together leave in
// one write.
async function sendFrames(res, frames, options, state) {
  const start = Date.now() + options.ttft;
  let tokens = 0;
  let pending = '';
  const flush = async () => {
    if (pending) await writeChunked(res, Buffer.from(pending), options, state);
    pending = '';
  };
  for (const frame of frames) {
    if (state.closed) return;
    if (typeof frame !== 'string') {
      const due = start + (options.tps > 0 ? (tokens * 1000) / options.tps : 0);
      if (due > Date.now()) {
        await flush();
        await sleep(due - Date.now());
      }
      tokens += 1;
    }
    pending += typeof frame === 'string' ? frame : frame.text;
  }
  await flush();
}

// Sends a transcript event by event (up to and with each blank line), as sendFrames sends tokens:
// event i leaves options.ttft + i / options.tps seconds after the start. The bytes are unchanged.
async function sendEvents(res, bytes, options, state) {
  const start = Date.now() + options.ttft;
  let at = 0;
  for (let event = 0; at < bytes.length && !state.closed; event++) {
    const blank = bytes.indexOf('\n\n', at);
    const next = blank < 0 ? bytes.length : blank + 2;
    const due = start + (options.tps > 0 ? (event * 1000) / options.tps : 0);
    if (due > Date.now()) await sleep(due - Date.now());
    await writeChunked(res, bytes.subarray(at, next), options, state);
    at = next;
  }
}

function chunkJson(id, model, delta, finish = null, usage) {
  const chunk = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model,
                  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  if (usage !== undefined) chunk.usage = usage;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

async function streamAnswer(res, answer, model, request, body, options, state) {
  const id = `chatcmpl-kiln${Date.now().toString(36)}`;
  const withUsage = body.stream_options?.include_usage === true;
  const usageField = withUsage ? null : undefined;
  const reasoning = tokenize(answer.reasoning ?? '');
  const content = tokenize(answer.content ?? '');
  const frames = [': keep-alive\n\n', chunkJson(id, model, { role: 'assistant', content: '' }, null, usageField)];
  for (const text of reasoning) frames.push({ text: chunkJson(id, model, { reasoning_content: text }, null, usageField) });
  for (const text of content) frames.push({ text: chunkJson(id, model, { content: text }, null, usageField) });
  const after = answer.after ?? 'done';
  if (after === 'error') {
    const [message, type] = ERROR_BODIES[500];
    frames.push(`data: ${errorJson(message, type, null)}\n\n`);
  } else if (after === 'done') {
    frames.push(chunkJson(id, model, {}, answer.finish ?? 'stop', usageField));
    if (withUsage) {
      const usage = { prompt_tokens: request.promptTokens, completion_tokens: reasoning.length + content.length,
                      total_tokens: request.promptTokens + reasoning.length + content.length };
      frames.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000),
                                            model, choices: [], usage })}\n\n`);
    }
    frames.push('data: [DONE]\n\n');
  }
  await sendFrames(res, frames, options, state);
  if (state.closed) return;
  // A drop closes the connection in the middle of the chunked body: what was sent arrives (a reset
  // could overtake data the browser had not read yet), then the body breaks off unfinished.
  if (after === 'drop') res.socket?.end();
  else if (after === 'stall') await new Promise((resolve) => res.once('close', resolve));
  else res.end();
}

// An answer that never ends: an html block whose lines keep coming, as fast as the client reads
// them, until it closes the connection (Kiln cuts answers at a size cap).
async function streamEndless(res, model, state) {
  const id = `chatcmpl-kiln${Date.now().toString(36)}`;
  res.write(chunkJson(id, model, { role: 'assistant', content: 'Here it is.\n\n```html\n<!DOCTYPE html>\n' }));
  const line = chunkJson(id, model, { content: `<p>${'endless '.repeat(120)}</p>\n` });
  const batch = line.repeat(64);
  while (!state.closed) {
    // Waits for the socket to drain: memory stays flat however long the client reads.
    if (!res.write(batch)) {
      await new Promise((resolve) => {
        const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

function completionJson(answer, model, request) {
  const completion = tokenize(answer.content ?? '').length + tokenize(answer.reasoning ?? '').length;
  const message = { role: 'assistant', content: answer.content ?? '', refusal: null };
  if (answer.reasoning) message.reasoning_content = answer.reasoning;
  return JSON.stringify({
    id: `chatcmpl-kiln${Date.now().toString(36)}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finish ?? 'stop' }],
    usage: { prompt_tokens: request.promptTokens, completion_tokens: completion, total_tokens: request.promptTokens + completion },
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

function corsHeaders(req) {
  const headers = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ??
      'authorization, content-type, anthropic-dangerous-direct-browser-access',
    'Access-Control-Expose-Headers': 'Retry-After',
    'Access-Control-Max-Age': '600',
  };
  // Chrome asks before a public page may call a private address such as 127.0.0.1.
  if (req.headers['access-control-request-private-network'] === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
  return headers;
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

async function readBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

// Every request received (but those asking for it): {method, path, host, authorization}, for
// tests that check where a key went. GET /kiln-test/requests answers it.
const log = [];

async function handle(req, res, serverOptions) {
  const url = new URL(req.url, 'http://localhost');
  const options = requestOptions(serverOptions, url, req.headers);
  const cors = options.cors ? corsHeaders(req) : {};
  const route = url.pathname.slice(Math.max(0, url.pathname.indexOf('/v1/')));
  const state = { closed: false };
  res.on('close', () => { state.closed = true; });

  if (req.method === 'GET' && url.pathname === '/kiln-test/requests') {
    return send(res, 200, 'application/json', JSON.stringify(log), cors);
  }
  log.push({ method: req.method, path: url.pathname, host: req.headers.host ?? '',
             authorization: req.headers.authorization ?? null });
  if (url.pathname === '/kiln-test/redirect' && req.method !== 'OPTIONS') {
    return send(res, 307, 'text/plain', 'Moved.', { ...cors, Location: url.searchParams.get('to') ?? '/' });
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(options.cors ? 204 : 403, cors);
    return res.end();
  }
  if (req.method === 'GET' && route === '/v1/models') {
    const data = SCENARIOS.map((id) => ({ id, object: 'model', created: 1764000000, owned_by: 'kiln-test' }));
    return send(res, 200, 'application/json', JSON.stringify({ object: 'list', data }), cors);
  }
  if (req.method !== 'POST' || route !== '/v1/chat/completions') {
    return send(res, 404, 'application/json', errorJson(`No route ${req.method} ${url.pathname}.`, 'invalid_request_error', null), cors);
  }
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    return send(res, 400, 'application/json', errorJson(`The body is not JSON: ${error.message}`, 'invalid_request_error', null), cors);
  }
  if (typeof body?.model !== 'string' || !Array.isArray(body.messages)) {
    return send(res, 400, 'application/json', errorJson('The body needs a model and messages.', 'invalid_request_error', null), cors);
  }
  const request = readRequest(body);
  const answer = plan(body.model, request, options);
  const headers = answer.cors === false ? {} : cors;
  if (answer.status !== undefined) {
    const bytes = Buffer.from(answer.body);
    res.writeHead(answer.status, { 'Content-Type': answer.type, 'Cache-Control': 'no-store', ...headers, ...answer.headers });
    res.socket?.setNoDelay(true);
    if (answer.paced) {
      await sendEvents(res, bytes, options, state);
    } else {
      await writeChunked(res, bytes, options, state);
    }
    return res.end();
  }
  if (body.stream !== true || answer.forceJson) {
    return send(res, 200, 'application/json', completionJson(answer, body.model, request), headers);
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store',
                       'X-Accel-Buffering': 'no', ...headers });
  res.socket?.setNoDelay(true);
  res.flushHeaders();
  if (answer.endless) return streamEndless(res, body.model, state);
  await streamAnswer(res, answer, body.model, request, body, options, state);
}

// Starts a server; resolves to { server, url } once it listens.
export function startServer({ port = 0, host = '127.0.0.1', ...overrides } = {}) {
  const options = { ...DEFAULTS, ...overrides };
  const server = http.createServer((req, res) => {
    handle(req, res, options).catch((error) => {
      if (!res.headersSent) send(res, 500, 'application/json', errorJson(String(error?.stack ?? error), 'server_error', null));
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, url: `http://${host}:${address.port}/v1` });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function usage(message) {
  console.error(`llm-server: ${message}`);
  console.error('usage: node tests/llm-server/server.mjs [--port N] [--host H] [--tps N] [--ttft MS] [--chunk N]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { port: 0, host: '127.0.0.1' };
  const numbers = { '--port': 'port', '--tps': 'tps', '--ttft': 'ttft', '--chunk': 'chunk', '--chunk-delay': 'chunkDelay',
                    '--retry-after': 'retryAfter' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] in numbers) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) usage(`bad value for ${argv[i - 1]}`);
      options[numbers[argv[i - 1]]] = value;
    } else if (argv[i] === '--host') {
      options.host = argv[++i] ?? usage('missing host after --host');
    } else if (argv[i] === '--no-cors') {
      options.cors = false;
    } else {
      usage(`unexpected argument: ${argv[i]}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port > 65535) usage('bad port');
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { url } = await startServer(parseArgs(process.argv.slice(2)));
  console.log(`llm-server listening on ${url}`);
}
