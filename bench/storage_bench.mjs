// Kiln's storage benchmark, in headless Chromium: Kiln's durable commit against sql.js's
// export-and-store, measured side by side in one page (bench/storage_bench_page.js), at databases
// of 1, 10, 50 and 100 MiB; what a commit writes; opening against the raw read of the same bytes.
// Prints a table with ratios and writes build/bench/storage.json.
//
//   node bench/storage_bench.mjs <dir with storage_bench.html> <json-out>
// (scripts/bench storage builds the page and runs this.)

import fs from 'node:fs';
import path from 'node:path';
import { launch, REPO_ROOT, startServer } from '../tests/browser/harness.mjs';

const [dir, jsonPath] = process.argv.slice(2);
if (!dir || !jsonPath || !fs.existsSync(path.join(dir, 'storage_bench.html'))) {
  console.error('usage: node bench/storage_bench.mjs <dir with storage_bench.html> <json-out>');
  process.exit(2);
}

const kSizes = [1, 10, 50, 100];
const kKilnRuns = 41;
const kSqljsRuns = 5;
const kOpenRuns = 5;
const kTargets = { commitMs: 2, speedupAt50: 90, writtenPerDirty: 2, openPerRawRead: 2 };

// Kiln's migrations, read from the source that defines them.
function migrations() {
  const source = fs.readFileSync(path.join(REPO_ROOT, 'src/core/store/schema.cpp'), 'utf8');
  return [...source.matchAll(/R"sql\(([\s\S]*?)\)sql"/g)].map(([, sql]) => sql);
}

const server = await startServer(path.resolve(dir));
const browser = await launch('chromium');
const results = {
  commit_ms: {},
  sqljs_commit_ms: {},
  speedup: {},
  bytes_written_per_commit: 0,
  dirty_page_bytes_per_commit: 0,
  open_50MB_ms: 0,
  raw_blob_read_50MB_ms: 0,
  commit_strict_50MB_ms: 0,
  commit_default_50MB_ms: 0,
};
try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`page: ${message.text()}`);
  });
  page.on('pageerror', (error) => console.error(`page: ${error.message ?? error}`));
  await page.goto(new URL('storage_bench.html', server.url).href);
  const step = (name, ...args) => page.evaluate((n, a) => window.bench[n](...a), name, args);

  await step('start', migrations());
  for (const mb of kSizes) {
    const key = `${mb}MB`;
    process.stdout.write(`${key}: Kiln…`);
    const kiln = await step('kilnCommits', mb, kKilnRuns);
    results.commit_ms[key] = kiln.ms;
    if (mb === 50) {
      results.bytes_written_per_commit = kiln.written;
      results.dirty_page_bytes_per_commit = kiln.dirty;
      process.stdout.write(' open…');
      results.open_50MB_ms = await step('kilnOpen', kOpenRuns);
      process.stdout.write(' strict…');
      results.commit_strict_50MB_ms = await step('kilnCommitsWith', 'strict', kKilnRuns);
      results.commit_default_50MB_ms = await step('kilnCommitsWith', 'default', kKilnRuns);
    }
    process.stdout.write(' sql.js…');
    results.sqljs_commit_ms[key] = await step('sqljsCommits', mb, kSqljsRuns);
    results.speedup[key] = results.sqljs_commit_ms[key] / results.commit_ms[key];
    if (mb === 50) {
      process.stdout.write(' raw read…');
      results.raw_blob_read_50MB_ms = (await step('rawRead', kOpenRuns)).ms;
    }
    process.stdout.write(' done\n');
  }
} finally {
  await browser.close();
  await server.stop();
}

const rows = [];
const row = (figure, kiln, other, ratio, target) => rows.push([figure, kiln, other, ratio, target]);
const ms = (value) => `${value.toFixed(2)} ms`;
for (const mb of kSizes) {
  const key = `${mb}MB`;
  row(`commit, ${mb} MB database`, ms(results.commit_ms[key]), ms(results.sqljs_commit_ms[key]),
    `${results.speedup[key].toFixed(0)}x faster`,
    `<= ${kTargets.commitMs} ms${mb === 50 ? `, >= ${kTargets.speedupAt50}x` : ''}`);
}
row('bytes written per commit (50 MB)', `${results.bytes_written_per_commit} B`,
  `${results.dirty_page_bytes_per_commit} B dirty`,
  `${(results.bytes_written_per_commit / results.dirty_page_bytes_per_commit).toFixed(2)}x`, `<= ${kTargets.writtenPerDirty}x`);
row('open (50 MB)', ms(results.open_50MB_ms), `${ms(results.raw_blob_read_50MB_ms)} raw read`,
  `${(results.open_50MB_ms / results.raw_blob_read_50MB_ms).toFixed(2)}x`, `<= ${kTargets.openPerRawRead}x`);
row('commit, durability strict (50 MB)', ms(results.commit_strict_50MB_ms), '', '', 'for comparison');
row('commit, durability default (50 MB)', ms(results.commit_default_50MB_ms), '', '', 'for comparison');

const header = ['figure', 'Kiln', 'against', 'ratio', 'target'];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
const line = (r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ');
console.log(`\nKiln storage (headless Chromium, medians: Kiln ${kKilnRuns} commits, sql.js ${kSqljsRuns})`);
console.log(line(header));
for (const r of rows) console.log(line(r));

fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
fs.writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwritten to ${jsonPath}`);
