// Crash test: a run of commits (new projects and 60 KB versions, enough for the page log to be
// compacted a few times on the way) is killed at seeded random points, with no unload handlers
// run; each time Kiln reopens, SQLite's integrity check passes and every commit acknowledged as
// saved before the kill is there.
//
// How the page dies: in Chromium the renderer process crashes (DevTools protocol, Page.crash),
// which nothing in the page can notice; Firefox offers no such command (WebDriver BiDi), so there
// the tab is closed without its beforeunload handlers (page.close({runBeforeUnload: false})).
//
//   KILN_CRASH_ROUNDS=500 (default 50 in CI, CI=true; 15 elsewhere, to keep a local run of
//                         every test short): kills; the run has 4 commits per round on average.
//   KILN_CRASH_SEED=7     (default 1): where the kills land.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browsers, openKiln, query, serveAndLaunch, waitForState } from './harness.mjs';

const kRounds = Number(process.env.KILN_CRASH_ROUNDS ?? (process.env.CI === 'true' ? 50 : 15));
const kSeed = Number(process.env.KILN_CRASH_SEED ?? 1);
const kCommits = 4 * kRounds;
const kCodeBytes = 60_000;

// mulberry32: a small seeded generator, so a failing round can be replayed.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Runs in the page: commits `from` to `to` - 1 one after the other (commit i adds project "c<i>"
// when i is a multiple of 4 or the first of the page, else a version of the open project whose
// code starts with "c<i>;"), and reports each to kilnCrashAck() once Kiln says it is saved.
function commitRun(from, to, codeBytes) {
  return (async () => {
    const yieldTask = () => new Promise((resolve) => setTimeout(resolve, 0));
    for (let i = from; i < to; i++) {
      const before = window.kilnTest.state().storage.committed;
      if (i % 4 === 0 || i === from) {
        window.kilnTest.act('newProject', `c${i}`);
      } else {
        window.kilnTest.act('addVersion', `c${i};` + 'x'.repeat(codeBytes));
      }
      for (;;) {
        const { storage } = window.kilnTest.state();
        if (storage.committed > before && storage.saved_through >= storage.committed && storage.waiting_writes === 0) break;
        await yieldTask();
      }
      window.kilnCrashAck(i);
    }
  })();
}

// Every commit in the library: project "c<i>" and versions whose code starts "c<i>;".
async function storedCommits(page) {
  const names = await query(page, "SELECT name FROM projects WHERE name LIKE 'c%'");
  const codes = await query(page, "SELECT substr(code, 1, instr(code, ';') - 1) FROM versions");
  return [...names, ...codes].map(([name]) => Number(name.slice(1)));
}

for (const engine of browsers()) {
  const kill = engine === 'chromium' ? 'renderer crash (DevTools protocol)' : 'tab closed without unload';
  test(`crash: ${kRounds} kills (${kill}) during a run of ${kCommits} commits lose nothing saved (${engine})`,
    { timeout: 60_000 + kRounds * 8_000 }, async (t) => {
      const { server, browser } = await serveAndLaunch(t, engine);
      const next = random(kSeed);
      const acknowledged = new Set();
      let compactions = 0;    // seen as the stored log shrinking between two opens
      let logBytes = 0;
      let killsInFlight = 0;  // kills that landed while a commit was unacknowledged
      let storedAtEnd = 0;    // commits in the library after the last kill

      for (let round = 0; round <= kRounds; round++) {
        const { page, errors } = await openKiln(browser, server.url, { width: 800, height: 600 });
        // A new library's migrations may still be on their way to IndexedDB as the first frame shows.
        const opened = await waitForState(page, (s) => s.saved === 'saved' || s.saved === 'not_saved');
        assert.deepEqual(await query(page, 'PRAGMA integrity_check'), [['ok']], `round ${round}`);
        assert.equal(opened.storage.recovery, '', `round ${round}: replay stopped early`);
        assert.equal(opened.saved, 'saved');
        const stored = await storedCommits(page);
        const missing = [...acknowledged].filter((i) => !stored.includes(i));
        assert.deepEqual(missing, [], `round ${round}: acknowledged commits missing after the kill`);
        assert.equal(new Set(stored).size, stored.length, `round ${round}: a commit is stored twice`);
        if (opened.storage.stored_log_bytes < logBytes) compactions++;
        logBytes = opened.storage.stored_log_bytes;
        assert.deepEqual(errors, [], `round ${round}: page errors`);
        if (round === kRounds) {
          storedAtEnd = stored.length;
          await page.close();
          break;
        }

        // The run goes on after the last commit stored (acknowledged or not).
        const from = stored.length ? Math.max(...stored) + 1 : 0;
        const killAfter = Math.floor(next() * 8);   // acknowledged commits before the kill
        const delayMs = Math.floor(next() * 20);    // then a little more, to land mid-commit
        const cdp = engine === 'chromium' ? await page.createCDPSession() : null;
        let acks = 0;
        let killNow;
        const killed = new Promise((resolve) => { killNow = resolve; });
        await page.exposeFunction('kilnCrashAck', (i) => {
          acknowledged.add(i);
          if (++acks >= killAfter) killNow();
        });
        if (process.env.KILN_CRASH_DEBUG) console.error(`round ${round} from ${from} kill after ${killAfter}+${delayMs}ms log ${logBytes}`);
        const run = page.evaluate(commitRun, from, kCommits, kCodeBytes).catch(() => {});
        if (killAfter === 0) killNow();
        run.then(killNow);  // the end of the run comes first
        await killed;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const unacknowledged = !(await page.evaluate(() => {
          const { storage } = window.kilnTest.state();
          return storage.saved_through >= storage.committed && storage.waiting_writes === 0;
        }).catch(() => true));
        if (unacknowledged) killsInFlight++;
        if (cdp) {
          const crashed = new Promise((resolve) => page.once('error', resolve));
          cdp.send('Page.crash').catch(() => {});  // answers never: the renderer is gone
          await crashed;
          await page.close().catch(() => {});
        } else {
          await page.close({ runBeforeUnload: false });
        }
        await run;
      }
      t.diagnostic(`${engine}: ${storedAtEnd} commits stored, ${acknowledged.size} of them acknowledged ` +
        `before a kill, over ${kRounds} kills (${killsInFlight} with a commit in flight), ` +
        `${compactions} compaction(s) seen`);
      // Progress counts what the library holds: an acknowledgement reaches the test through the
      // driver (slower in Firefox than the commits), so a kill can land before the last ones do.
      assert.ok(storedAtEnd > kCommits / 2, 'the run hardly moved');
    });
}
