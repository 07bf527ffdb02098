// Runs every tests/browser/*.test.mjs against a built Kiln, with node's own test runner:
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node tests/browser/run.mjs <build/web-test dir>
//
// The folder is Kiln's test build (the one with window.kilnTest); test files read it from
// $KILN_WEB_DIR, which this script sets. The build that users get, which release_files.test.mjs
// checks, is read from $KILN_RELEASE_WEB_DIR, else build/web. $KILN_BROWSERS (e.g. "chromium")
// limits the engines.
//
// The engines run side by side, one Node process each (each with $KILN_BROWSERS set to its
// engine): a test waits on pages, servers and timers for about a third of its time, which the
// other engine's tests fill (on 2 cores, 24 % less wall time than one engine after the other).
// In each process the files run one after the other, so that they share one browser (harness.mjs:
// each test still gets a fresh browser context). Their progress is printed with node's "spec"
// reporter, each line after its engine's name.
//
// For scripts/test: the exit code is 0 only if every test passed and at least one ran.
// Once the tests have run, the very last line of output is
//
//   browser tests: pass <P> fail <F>
//
// e.g. `tail -n 1 "$log" | sed -n 's/^browser tests: pass \([0-9]*\) fail \([0-9]*\)$/\1 \2/p'`.
// P and F are node:test's counts over both engines (subtests count on their own); F includes
// tests cancelled by a timeout, and is at least 1 whenever an engine's exit code is not 0 (no test
// ran, a file crashed before reporting), so "fail 0" always means success. No such line (bad
// arguments: exit code 2 and a usage message) is a failure too.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { browsers } from './harness.mjs';

const testsDir = path.dirname(fileURLToPath(import.meta.url));

const webDir = process.argv[2];
if (!webDir || !fs.existsSync(path.join(webDir, 'index.html'))) {
  console.error(`usage: node tests/browser/run.mjs <build/web-test dir>  (${webDir ? `no index.html in ${webDir}` : 'missing dir'})`);
  process.exit(2);
}
const files = fs.readdirSync(testsDir).filter((name) => name.endsWith('.test.mjs')).sort()
  .map((name) => path.join(testsDir, name));

// Besides the spec output, each engine's node writes a TAP copy whose closing "# pass N" /
// "# fail N" / "# cancelled N" lines give its totals.
const tapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-browser-tests-'));
// One entry that imports every file: their tests run in file order, in one process.
const entry = path.join(tapDir, 'all.test.mjs');
fs.writeFileSync(entry, files.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)};\n`).join(''));

// Runs every file in `engine`; resolves to {pass, fail} (fail >= 1 unless all passed).
async function runEngine(engine, index) {
  const tapFile = path.join(tapDir, `${engine}.tap`);
  const child = spawn(process.execPath, [
    '--test',
    '--test-timeout=5400000',   // safety net for the whole run: each test sets its own, shorter timeout
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    entry,
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, KILN_WEB_DIR: path.resolve(webDir), KILN_BROWSERS: engine,
      KILN_ENGINE_FREE_TESTS: index === 0 ? '1' : '0',  // harness.mjs: engineFreeTests()
    },
  });
  children.push(child);
  const label = engine.padEnd(8);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`${label} ${line}`));
  }
  const exitCode = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  const total = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  const pass = total('pass');
  const ok = exitCode === 0 && pass > 0 && total('fail') + total('cancelled') === 0;
  return { pass, fail: Math.max(total('fail') + total('cancelled'), ok ? 0 : 1) };
}

// Ctrl-C reaches the children too (same process group), so just wait for them; pass SIGTERM on.
const children = [];
process.on('SIGINT', () => {});
process.on('SIGTERM', () => children.forEach((child) => child.kill('SIGTERM')));
const results = await Promise.all(browsers().map(runEngine));
fs.rmSync(tapDir, { recursive: true, force: true });
const pass = results.reduce((sum, result) => sum + result.pass, 0);
const fail = results.reduce((sum, result) => sum + result.fail, 0);

console.log(`browser tests: pass ${pass} fail ${fail}`);
process.exit(fail === 0 ? 0 : 1);
