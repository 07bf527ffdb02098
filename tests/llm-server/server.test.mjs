// The loopback endpoint's own tests: `node --test tests/llm-server/`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from './server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let server;
let base; // http://127.0.0.1:PORT/v1

before(async () => {
  ({ server, url: base } = await startServer({ tps: 0 }));
});
after(() => server.close());

const chat = (model, extra = {}, prefix = '') =>
  fetch(base.replace('/v1', `${prefix}/v1`) + '/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer any-key' },
    body: JSON.stringify({ model, messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'a timer' }],
                           stream: true, stream_options: { include_usage: true }, ...extra }),
  });

// The data of every event in an SSE body.
function events(text) {
  return text.split(/\r\n\r\n|\n\n|\r\r/).flatMap((block) => {
    const data = block.split(/\r\n|\n|\r/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
    return data.length ? [data.join('\n')] : [];
  });
}

function answerOf(text) {
  let content = '';
  let reasoning = '';
  let finish = null;
  let usage = null;
  for (const data of events(text)) {
    if (data === '[DONE]') continue;
    const chunk = JSON.parse(data);
    const choice = chunk.choices?.[0];
    content += choice?.delta?.content ?? '';
    reasoning += choice?.delta?.reasoning_content ?? '';
    finish = choice?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  return { content, reasoning, finish, usage, done: events(text).at(-1) === '[DONE]' };
}

test('prints where it listens, on a free port', async () => {
  const child = spawn(process.execPath, [path.join(HERE, 'server.mjs'), '--port', '0']);
  const line = await new Promise((resolve) => child.stdout.once('data', (data) => resolve(String(data))));
  child.kill();
  assert.match(line, /^llm-server listening on http:\/\/127\.0\.0\.1:\d+\/v1\n$/);
});

test('lists its scenarios as models, with CORS headers', async () => {
  const response = await fetch(`${base}/models`);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  const ids = (await response.json()).data.map((m) => m.id);
  for (const id of ['kiln-test/ok', 'kiln-test/edit', 'kiln-test/http-429', 'kiln-test/stall', 'kiln-test/replay/ok']) {
    assert.ok(ids.includes(id), id);
  }
});

test('answers CORS preflights, except under /no-cors/', async () => {
  const preflight = (prefix) => fetch(base.replace('/v1', `${prefix}/v1`) + '/chat/completions', {
    method: 'OPTIONS',
    headers: { Origin: 'https://kiln.example', 'Access-Control-Request-Method': 'POST',
               'Access-Control-Request-Headers': 'authorization, content-type', 'Access-Control-Request-Private-Network': 'true' },
  });
  const ok = await preflight('');
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-headers'), 'authorization, content-type');
  assert.equal(ok.headers.get('access-control-allow-private-network'), 'true');
  const refused = await preflight('/no-cors');
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
  const post = await chat('kiln-test/no-cors');
  assert.equal(post.headers.get('access-control-allow-origin'), null);
});

test('streams a whole app with usage and [DONE]', async () => {
  const response = await chat('kiln-test/ok');
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const text = await response.text();
  assert.ok(text.startsWith(': keep-alive\n\n'));
  const answer = answerOf(text);
  assert.match(answer.content, /^Here is the app\.\n\n```html\n<!DOCTYPE html>[\s\S]*<\/html>\n```\n$/);
  assert.equal(answer.finish, 'stop');
  assert.equal(answer.usage.completion_tokens, events(text).length - 4);  // role, finish, usage and [DONE] are not tokens
  assert.ok(answer.done);
});

test('sends usage only when asked to', async () => {
  const answer = answerOf(await (await chat('kiln-test/ok', { stream_options: undefined })).text());
  assert.equal(answer.usage, null);
});

test('cuts its output at any byte boundary without changing it', async () => {
  const whole = await (await chat('kiln-test/reasoning')).text();
  const pieces = await (await chat('kiln-test/reasoning', {}, '/chunk=97')).text();
  assert.deepEqual(answerOf(pieces), answerOf(whole));
  assert.equal(answerOf(whole).reasoning.length > 0, true);
  const expected = fs.readFileSync(path.join(HERE, '../fixtures/sse/utf8.txt'));
  const bytes = await chat('kiln-test/replay/utf8', {}, '/chunk=1');
  assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), expected);
});

test('paces tokens per second', async () => {
  const started = Date.now();
  await (await chat('kiln-test/length', {}, '/tps=200')).text();
  const tokens = answerOf(await (await chat('kiln-test/length')).text()).usage.completion_tokens;
  assert.ok(Date.now() - started >= ((tokens - 1) * 1000) / 200 - 20, `${tokens} tokens at 200/s`);
});

test('replays a recorded stream at a chosen speed, byte for byte', async () => {
  const expected = fs.readFileSync(path.join(HERE, '../fixtures/sse/app-2000.txt'));
  const events = expected.toString('latin1').split('\n\n').length - 1;
  const started = Date.now();
  const response = await chat('kiln-test/paced/app-2000', {}, '/tps=4000');
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), expected);
  assert.ok(Date.now() - started >= ((events - 1) * 1000) / 4000 - 20, `${events} events at 4000/s`);
});

test('answers with edit blocks that match the current code once', async () => {
  const code = fs.readFileSync(path.join(HERE, '../fixtures/sse/non-stream.txt'), 'utf8');
  const app = /```html\n([\s\S]*?)```/.exec(JSON.parse(code).choices[0].message.content)[1];
  const followUp = (model, extra = '') => chat(model, {
    messages: [{ role: 'system', content: 'S' },
               { role: 'user', content: `This is the current code of the app:\n\n\`\`\`html\n${app}\`\`\`\n\nChange it as follows:\n\nadd <b>a title</b>${extra}` }],
  });
  const edit = answerOf(await (await followUp('kiln-test/edit')).text()).content;
  const [, search, replace] = /<<<<<<< SEARCH\n([\s\S]*?)\n=======\n([\s\S]*?)\n>>>>>>> REPLACE/.exec(edit);
  assert.equal(app.split(search).length, 2);
  assert.match(replace, /Edited: add &lt;b&gt;a title&lt;\/b&gt;/);
  const miss = answerOf(await (await followUp('kiln-test/edit-miss')).text()).content;
  assert.ok(!app.includes(/<<<<<<< SEARCH\n([\s\S]*?)\n=======/.exec(miss)[1]));
  const retry = answerOf(await (await followUp('kiln-test/edit-miss', '\n\nAnswer with the whole updated file in one ```html block.')).text());
  assert.match(retry.content, /<p class="kiln-edit">Edited: add &lt;b&gt;a title&lt;\/b&gt;<\/p>\n<\/body>/);
});

test('echoes any other model\'s prompt in a working app, escaped', async () => {
  const response = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'my-model', messages: [{ role: 'user', content: 'a <b>bold</b> timer' }], stream: false }),
  });
  const content = (await response.json()).choices[0].message.content;
  assert.match(content, /<blockquote id="prompt">a &lt;b&gt;bold&lt;\/b&gt; timer<\/blockquote>/);
});

test('answers each scripted HTTP status with an OpenAI-style error', async () => {
  for (const status of [400, 401, 403, 404, 408, 413, 429, 500, 502, 503]) {
    const response = await chat(`kiln-test/http-${status}`);
    assert.equal(response.status, status);
    assert.equal(typeof (await response.json()).error.message, 'string');
    assert.equal(response.headers.get('retry-after'), status === 429 || status === 503 ? '2' : null);
  }
  const html = await chat('kiln-test/html-error');
  assert.equal(html.status, 502);
  assert.match(await html.text(), /<title>502 Bad Gateway<\/title>/);
  assert.equal((await chat('kiln-test/nonexistent')).status, 404);
});

test('answers JSON for kiln-test/non-stream, even when asked to stream', async () => {
  const response = await chat('kiln-test/non-stream');
  assert.equal(response.headers.get('content-type'), 'application/json');
  const body = await response.json();
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.choices[0].finish_reason, 'stop');
});

test('fails mid-stream in the ways the scenarios name', async () => {
  const error = answerOf((await (await chat('kiln-test/error-mid-stream')).text()).replace(/data: \{"error"[^\n]*\n\n/, ''));
  assert.ok(error.content.length > 0 && !error.done);
  const failing = await (await chat('kiln-test/error-mid-stream')).text();
  assert.match(failing, /data: \{"error":\{"message":"The server had an error/);
  const cut = await (await chat('kiln-test/cut')).text();
  assert.equal(answerOf(cut).finish, null);
  assert.ok(!answerOf(cut).done);
  await assert.rejects((await chat('kiln-test/drop')).text());
  const controller = new AbortController();
  const stall = await fetch(`${base}/chat/completions`, {
    method: 'POST', signal: controller.signal,
    body: JSON.stringify({ model: 'kiln-test/stall', messages: [], stream: true }),
  });
  const reader = stall.body.getReader();
  await reader.read();
  const next = Promise.race([reader.read().then(() => 'bytes'), new Promise((resolve) => setTimeout(() => resolve('stalled'), 300))]);
  let received = await next;
  while (received === 'bytes') received = await Promise.race([reader.read().then((r) => (r.done ? 'ended' : 'bytes')), new Promise((resolve) => setTimeout(() => resolve('stalled'), 300))]);
  assert.equal(received, 'stalled');
  controller.abort();
});

test('replays a transcript byte for byte', async () => {
  const expected = fs.readFileSync(path.join(HERE, '../fixtures/sse/crlf.txt'));
  const response = await chat('kiln-test/replay/crlf', {}, '/chunk=3/chunk-delay=1');
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), expected);
});

test('refuses a body that is not JSON', async () => {
  const response = await fetch(`${base}/chat/completions`, { method: 'POST', body: '{oops' });
  assert.equal(response.status, 400);
  assert.match((await response.json()).error.message, /not JSON/);
});

test('sends an endless answer until the client goes away', async () => {
  const controller = new AbortController();
  const response = await fetch(`${base}/chat/completions`, {
    method: 'POST', signal: controller.signal,
    body: JSON.stringify({ model: 'kiln-test/endless', messages: [], stream: true }),
  });
  const reader = response.body.getReader();
  let bytes = 0;
  let text = '';
  while (bytes < 4 * 1024 * 1024) {
    const { done, value } = await reader.read();
    assert.equal(done, false, 'the endless answer ended');
    bytes += value.length;
    if (text.length < 1000) text += new TextDecoder().decode(value);
  }
  controller.abort();
  assert.match(answerOf(text.slice(0, text.lastIndexOf('\n\n') + 2)).content, /^Here it is/);
});

test('lists the requests it received, with where they were sent and their key', async () => {
  await chat('kiln-test/ok').then((r) => r.text());
  const log = await (await fetch(base.replace('/v1', '/kiln-test/requests'))).json();
  const last = log.filter((entry) => entry.path === '/v1/chat/completions').at(-1);
  assert.equal(last.method, 'POST');
  assert.equal(last.host, new URL(base).host);
  assert.equal(last.authorization, 'Bearer any-key');
  assert.ok(!log.some((entry) => entry.path === '/kiln-test/requests'));
});
