#!/usr/bin/env node
// Writes tests/fixtures/sse/app-2000.txt: the event stream an OpenAI-compatible endpoint sends
// for a habit-tracker app of about 2,000 tokens, one content delta per token, as OpenAI sends
// them (id, created and system_fingerprint fixed, so the file is the same on every run). The
// codegen benchmark decodes it; the loopback server replays it as kiln-test/replay/app-2000.
//
//   node bench/sse_fixture.mjs [out-file]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = process.argv[2] ?? path.resolve(HERE, '../tests/fixtures/sse/app-2000.txt');

const APP = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Habits — a weekly tracker</title>
<style>
  :root {
    --bg: #f7f7f5; --card: #ffffff; --ink: #1d1d1f; --muted: #6e6e73;
    --accent: #2f7d5b; --accent-soft: #d8efe4; --line: #e3e3e0; --radius: 12px;
  }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
  header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: 1.25rem 1.5rem; }
  h1 { font-size: 1.5rem; margin: 0; }
  .week { display: flex; align-items: center; gap: 0.5rem; color: var(--muted); }
  .week button { border: 1px solid var(--line); background: var(--card); color: inherit; border-radius: 8px; padding: 0.25rem 0.6rem; cursor: pointer; }
  main { max-width: 960px; margin: 0 auto; padding: 0 1.5rem 3rem; }
  form { display: flex; gap: 0.5rem; margin-bottom: 1rem; }
  input[type="text"] { flex: 1; padding: 0.6rem 0.8rem; border: 1px solid var(--line); border-radius: var(--radius); background: var(--card); color: inherit; font: inherit; }
  .primary { padding: 0.6rem 1.1rem; border: 0; border-radius: var(--radius); background: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
  table { width: 100%; border-collapse: separate; border-spacing: 0; background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
  th, td { padding: 0.55rem 0.4rem; text-align: center; border-bottom: 1px solid var(--line); }
  th:first-child, td:first-child { text-align: left; padding-left: 1rem; }
  tr:last-child td { border-bottom: 0; }
  .day { width: 2.2rem; height: 2.2rem; border-radius: 50%; border: 2px solid var(--line); background: transparent; cursor: pointer; color: transparent; font-weight: 700; }
  .day[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
  .day:focus-visible { outline: 3px solid var(--accent-soft); outline-offset: 2px; }
  .remove { border: 0; background: none; color: var(--muted); cursor: pointer; font-size: 1.1rem; }
  .empty { padding: 2rem; text-align: center; color: var(--muted); }
</style>
</head>
<body>
<header>
  <h1>Habits</h1>
  <div class="week">
    <button type="button" id="prev" aria-label="Previous week">&larr;</button>
    <span id="range"></span>
  </div>
</header>
<main>
  <form id="add">
    <label for="name" class="sr-only" hidden>New habit</label>
    <input type="text" id="name" placeholder="Add a habit, e.g. Read 20 pages" maxlength="60" autocomplete="off" required>
    <button class="primary" type="submit">Add</button>
  </form>
  <table aria-label="This week's habits">
    <thead><tr id="days"><th scope="col">Habit</th></tr></thead>
    <tbody id="rows"></tbody>
  </table>
  <p class="empty" id="empty">No habits yet. Add one above and tick the days you kept it.</p>
</main>
<script>
  const STORAGE_KEY = 'habits.v1';
  const DAY_MS = 24 * 60 * 60 * 1000;
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  let state = load();
  let weekStart = startOfWeek(new Date());

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY));
      if (saved && Array.isArray(saved.habits)) return saved;
    } catch (error) {
      console.warn('Could not read saved habits:', error);
    }
    return { habits: [] };
  }

  function save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      console.warn('Could not save habits:', error);
    }
  }

  function startOfWeek(date) {
    const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
    const offset = (day.getDay() + 6) % 7;
    return new Date(day.getTime() - offset * DAY_MS);
  }

  function key(date) {
    return date.toISOString().slice(0, 10);
  }

  function weekDays() {
    return names.map((_, i) => new Date(weekStart.getTime() + i * DAY_MS));
  }

  function renderHeader(days) {
    const row = document.getElementById('days');
    row.innerHTML = '<th scope="col">Habit</th>';
    for (const day of days) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = names[(day.getDay() + 6) % 7] + ' ' + day.getDate();
      row.appendChild(th);
    }
    row.insertAdjacentHTML('beforeend', '<th scope="col"><span hidden>Remove</span></th>');
    const format = { month: 'short', day: 'numeric' };
    document.getElementById('range').textContent =
      days[0].toLocaleDateString(undefined, format) + ' – ' + days[6].toLocaleDateString(undefined, format);
  }

  function renderRow(habit, days) {
    const tr = document.createElement('tr');
    const title = document.createElement('td');
    title.textContent = habit.name;
    tr.appendChild(title);
    for (const day of days) {
      const td = document.createElement('td');
      const button = document.createElement('button');
      const done = habit.done.includes(key(day));
      button.className = 'day';
      button.type = 'button';
      button.textContent = '✓';
      button.setAttribute('aria-pressed', String(done));
      button.setAttribute('aria-label', habit.name + ' on ' + day.toDateString());
      button.addEventListener('click', () => toggle(habit, key(day)));
      td.appendChild(button);
      tr.appendChild(td);
    }
    const remove = document.createElement('td');
    remove.innerHTML = '<button class="remove" type="button" aria-label="Remove">&times;</button>';
    remove.firstChild.addEventListener('click', () => {
      state.habits = state.habits.filter((h) => h.id !== habit.id);
      save();
      render();
    });
    tr.appendChild(remove);
    return tr;
  }

  function render() {
    const days = weekDays();
    renderHeader(days);
    const rows = document.getElementById('rows');
    rows.replaceChildren(...state.habits.map((habit) => renderRow(habit, days)));
    document.getElementById('empty').hidden = state.habits.length > 0;
  }

  function toggle(habit, day) {
    const at = habit.done.indexOf(day);
    if (at >= 0) habit.done.splice(at, 1);
    else habit.done.push(day);
    save();
    render();
  }

  document.getElementById('add').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('name');
    const name = input.value.trim();
    if (!name) return;
    state.habits.push({ id: Date.now().toString(36), name, done: [] });
    input.value = '';
    save();
    render();
  });

  document.getElementById('prev').addEventListener('click', () => {
    weekStart = new Date(weekStart.getTime() - 7 * DAY_MS);
    render();
  });

  render();
</script>
</body>
</html>
`;

const ANSWER = "Here is a habit tracker in one self-contained HTML file. It keeps your habits in " +
  "localStorage, works offline, and fits a phone screen.\n\n" +
  '```html\n' + APP + '```\n\nTick a day to mark a habit as kept; the arrow goes back a week.\n';

// About one token each, as a BPE tokenizer cuts code: a word, a number of up to 3 digits or a
// run of up to 4 punctuation characters, each with the whitespace before it (long words cut
// every 8 characters).
function tokens(text) {
  const out = [];
  for (const [piece] of text.matchAll(/\s*(?:[A-Za-z\u00C0-\uFFFF]+|\d{1,3}|[^\sA-Za-z\d]{1,4})|\s+/gu)) {
    for (let i = 0; i < piece.length; i += 8) out.push(piece.slice(i, i + 8));
  }
  return out;
}

const id = 'chatcmpl-BkX3r9QpZ2mV7aN4cT8uLdYe1Hs6F';
const model = 'gpt-4.1-mini-2025-04-14';
const frame = (delta, finish = null) =>
  'data: ' + JSON.stringify({
    id, object: 'chat.completion.chunk', created: 1764000000, model, service_tier: 'default',
    system_fingerprint: 'fp_6f2eabb9a5', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  }) + '\n\n';

const parts = tokens(ANSWER);
let body = frame({ role: 'assistant', content: '', refusal: null });
for (const text of parts) body += frame({ content: text });
body += frame({}, 'stop');
body += 'data: ' + JSON.stringify({
  id, object: 'chat.completion.chunk', created: 1764000000, model, service_tier: 'default',
  system_fingerprint: 'fp_6f2eabb9a5', choices: [],
  usage: { prompt_tokens: 412, completion_tokens: parts.length, total_tokens: 412 + parts.length },
}) + '\n\n';
body += 'data: [DONE]\n\n';
fs.writeFileSync(OUT, body);
console.log(`${OUT}: ${parts.length} content deltas, ${ANSWER.length} characters of answer, ${Buffer.byteLength(body)} bytes`);
