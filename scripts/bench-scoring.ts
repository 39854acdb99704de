/**
 * npx tsx scripts/bench-scoring.ts [--repeat 3] [--history-days 365] [--skip-history] [--skip-naive] [--skip-rescore] [--allocations] [--workers 2]
 *
 * Scoring at scale on the database of DATABASE_URL, SQLite or PostgreSQL (build one with
 * `npx tsx scripts/seed.ts --accounts 10000 --months 12 --skip-scores`):
 *  - naive: SQL GROUP BYs over the raw events giving per-account, per-type counts of the current
 *    and the previous window (what a simple implementation reads before it can score anything),
 *    as one query per window and as one query for both;
 *  - a full rescore of the current scores (`rescore`: load aggregates, score, write scores, flags
 *    and today's snapshot), with its phases;
 *  - the rescore after events (`rescorePendingAhead`, as a worker process works the list off) of
 *    every active account, as CPU time per account; with `--allocations`, also the memory each
 *    drain allocated (V8's sampling heap profiler, counting the objects collected since: what the
 *    garbage collector has to deal with), per account;
 *  - the same rescore on worker threads (`rescoreOnWorkers`, `--workers` threads; 1 skips it;
 *    SQLite only: the threads read the file);
 *  - the daily history of the last N days (`rebuildHistory`, or `rebuildHistoryOnWorkers` when
 *    `--workers` is above 1);
 *  - peak memory (RSS) of this process.
 * Each timed step runs `--repeat` times (history once); every run and the median are printed, with
 * the CPU time beside the wall time. `--skip-rescore` leaves out the full rescore. Run it as
 * `node scripts/run-compiled.mjs scripts/bench-scoring.ts ...` to measure the code as
 * `npm run worker` runs it (without tsx's per-closure name keeping).
 * It writes scores, flags and snapshots: use a scratch copy, not a database that matters.
 */
import inspector from 'node:inspector';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { endOfUtcDay } from '@/lib/scoring';
import { DAY_MS } from '@/lib/server/aggregates';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { rebuildHistory } from '@/lib/server/commands/history';
import { markRescorePending, rescorePendingAhead, type ClaimAhead } from '@/lib/server/commands/rescore-pending';
import { rescore, type RescoreSummary } from '@/lib/server/commands/scores';
import { rebuildHistoryOnWorkers, rescoreOnWorkers } from '@/lib/server/commands/scoring-workers';
import { SqliteStore, type Store } from '@/lib/server/store';
import { describeDatabase, run, UsageError, withMigratedStore } from './cli';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
/** Peak resident memory of the process so far (maxRSS is in kilobytes). */
const peak = () => mb(process.resourceUsage().maxRSS * 1024);

/** Wall and CPU time of a call (CPU shows how much of the wall time was waiting for a core, the disk or the database server). */
async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const cpu = process.cpuUsage(c0);
  return { value, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function intOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

run(async () => {
  const { values } = parseArgs({
    options: {
      repeat: { type: 'string' },
      'history-days': { type: 'string' },
      'skip-history': { type: 'boolean', default: false },
      'skip-naive': { type: 'boolean', default: false },
      'skip-rescore': { type: 'boolean', default: false },
      allocations: { type: 'boolean', default: false },
      workers: { type: 'string' },
    },
  });
  const repeat = intOption('repeat', values.repeat, 3);
  const historyDays = intOption('history-days', values['history-days'], 365);
  const workers = intOption('workers', values.workers, 2);
  await withMigratedStore(async (db) => {
    // The worker threads read the SQLite file; on PostgreSQL everything runs in this thread.
    const file = db instanceof SqliteStore ? db.client.name : null;
    await bench(db, file, { repeat, historyDays, workers: file ? workers : 1, naive: !values['skip-naive'], history: !values['skip-history'], rescore: !values['skip-rescore'], allocations: values.allocations });
  });
});

/** Bytes allocated by `f`, sampled by V8's heap profiler with the objects collected meanwhile counted too. */
async function allocatedBy<T>(f: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const session = new inspector.Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as R))));
  interface Node { selfSize: number; children: Node[] }
  try {
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const value = await f();
    const { profile } = await post<{ profile: { head: Node } }>('HeapProfiler.stopSampling');
    let bytes = 0;
    const stack = [profile.head];
    while (stack.length) {
      const node = stack.pop()!;
      bytes += node.selfSize;
      stack.push(...node.children);
    }
    return { value, bytes };
  } finally {
    session.disconnect();
  }
}

async function bench(
  db: Store,
  file: string | null,
  options: { repeat: number; historyDays: number; workers: number; naive: boolean; history: boolean; rescore: boolean; allocations: boolean },
): Promise<void> {
  const { repeat, historyDays, workers } = options;
  const model = (await ensureLiveModel(db)).model;
  const now = Date.now();
  const asOf = endOfUtcDay(now);
  const accounts = (await db.value<number>('SELECT count(*) FROM accounts')) ?? 0;
  const events = (await db.value<number>('SELECT count(*) FROM events')) ?? 0;
  const cpus = os.cpus();
  console.log(`database: ${describeDatabase()} (${accounts.toLocaleString('en-US')} accounts, ${events.toLocaleString('en-US')} events)`);
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${mb(os.totalmem())} RAM, Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  const naive: Record<string, number> = {};
  if (options.naive) {
    // What a simple implementation reads before it can score anything: per-account, per-type counts
    // of both windows straight from the raw events (no index serves a range on occurred_at alone,
    // so the database scans the table). It still lacks contacts, features and property statistics.
    const len = model.windowDays * DAY_MS;
    const perWindow = (from: number, to: number) =>
      db.all('SELECT account_pk, type, sum(count) AS n FROM events WHERE occurred_at >= ? AND occurred_at < ? GROUP BY account_pk, type', [from, to]);
    const oneScan = `SELECT account_pk, type, sum(CASE WHEN occurred_at >= @mid THEN count ELSE 0 END) AS current,
        sum(CASE WHEN occurred_at < @mid THEN count ELSE 0 END) AS previous
      FROM events WHERE occurred_at >= @from AND occurred_at < @to GROUP BY account_pk, type`;
    const variants: [string, () => Promise<number>][] = [
      ['naive, one GROUP BY per window', async () => (await perWindow(asOf - len, asOf)).length + (await perWindow(asOf - 2 * len, asOf - len)).length],
      ['naive, both windows in one GROUP BY', async () => (await db.all(oneScan, { mid: asOf - len, from: asOf - 2 * len, to: asOf })).length],
    ];
    for (const [label, query] of variants) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < repeat; i++) {
        const t = await timed(query);
        rows = t.value;
        times.push(t.ms);
        console.log(`${label} #${i + 1}: ${s(t.ms)} (cpu ${s(t.cpuMs)}; ${rows.toLocaleString('en-US')} rows)`);
      }
      naive[label] = median(times);
      console.log(`${label}: median ${s(naive[label])} (peak RSS so far ${peak()})`);
    }
  }

  const describe = (r: RescoreSummary, cpuMs: number, cpuNote = '') => {
    const p = r.phases;
    return `${s(r.ms)} (cpu ${s(cpuMs)}${cpuNote}) for ${r.accounts} accounts: load ${s(p.loadMs)}, score ${s(p.scoreMs)}, write ${s(p.writeMs)}; ${r.bandChanges} band changes, ${r.flagsRaised} flags raised`;
  };
  const rescoreTimes: number[] = [];
  for (let i = 0; i < (options.rescore ? repeat : 0); i++) {
    const { value: r, cpuMs } = await timed(() => rescore(db, { now, asOf }));
    rescoreTimes.push(r.ms);
    console.log(`rescore #${i + 1}: ${describe(r, cpuMs)}`);
  }
  if (options.rescore) {
    const rescoreMedian = median(rescoreTimes);
    console.log(`rescore: median ${s(rescoreMedian)} (peak RSS so far ${peak()})`);
    for (const [label, ms] of Object.entries(naive)) console.log(`  ${(ms / rescoreMedian).toFixed(1)}x faster than the ${label}`);
  }

  // The rescore after events, as a worker process does it under a heavy stream: every active
  // account listed, worked off in chunks of 1,000, each chunk's write claiming the next.
  const active = await db.column<number>('SELECT pk FROM accounts WHERE churned_at IS NULL ORDER BY pk');
  const drainTimes: number[] = [];
  for (let i = 0; i < repeat; i++) {
    await db.tx((tx) => markRescorePending(tx, active, now - 1));
    // On SQLite, how long the chunks' write transactions held the file's write lock.
    const heldBefore = db.engine === 'sqlite' ? (db as SqliteStore).writeLock.heldSeconds : null;
    const drain = () =>
      timed(async () => {
        let done = 0;
        let ahead: ClaimAhead | null = null;
        for (;;) {
          const chunk = await rescorePendingAhead(db, { limit: 1000, now, queuedUpTo: now }, ahead);
          if (!chunk.count) return done;
          done += chunk.count;
          ahead = chunk.next;
        }
      });
    // The profiler's sampling costs CPU too: compare times with times measured the same way.
    const { value: { value: n, cpuMs }, bytes } = options.allocations ? await allocatedBy(drain) : { value: await drain(), bytes: null };
    drainTimes.push(cpuMs / Math.max(1, n));
    const held = heldBefore === null ? '' : `; the write lock held ${((((db as SqliteStore).writeLock.heldSeconds - heldBefore) * 1e6) / Math.max(1, n)).toFixed(0)} µs per account`;
    const allocated = bytes === null ? '' : `; allocated ${mb(bytes)}, ${(bytes / 1024 / Math.max(1, n)).toFixed(1)} KB per account`;
    console.log(`drain #${i + 1}: ${n} listed accounts rescored, ${(cpuMs / Math.max(1, n) * 1000).toFixed(0)} µs of CPU per account (cpu ${s(cpuMs)})${held}${allocated}`);
  }
  console.log(`drain: median ${(median(drainTimes) * 1000).toFixed(0)} µs of CPU per account`);

  if (file && workers > 1) {
    // The workers' load and score phases are thread time summed over the threads; process CPU time includes the workers.
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const { value: r, cpuMs } = await timed(() => rescoreOnWorkers(db, file, { now, asOf, workers }));
      times.push(r.ms);
      console.log(`rescore on ${workers} worker threads #${i + 1}: ${describe(r, cpuMs, ', all threads')}`);
    }
    const m = median(times);
    console.log(`rescore on ${workers} worker threads: median ${s(m)} (peak RSS so far ${peak()})`);
    for (const [label, ms] of Object.entries(naive)) console.log(`  ${(ms / m).toFixed(1)}x faster than the ${label}`);
  }

  if (options.history) {
    const toDay = Math.floor(now / DAY_MS);
    const range = { fromDay: toDay - historyDays + 1, toDay };
    const { value: h, cpuMs } = await timed(async () => (file && workers > 1 ? rebuildHistoryOnWorkers(db, file, { ...range, workers }) : rebuildHistory(db, range)));
    console.log(`history${workers > 1 ? ` on ${workers} worker threads` : ''}: ${h.snapshots.toLocaleString('en-US')} snapshots (${h.days} days x ${h.accounts} accounts) in ${s(h.ms)} (cpu ${s(cpuMs)}; peak RSS so far ${peak()})`);
    if (db instanceof SqliteStore) {
      // Part of the cost of writing is folding the write-ahead log into the file: count it too.
      const checkpoint = await timed(async () => db.client.pragma('wal_checkpoint(TRUNCATE)'));
      console.log(`  then checkpointing the write-ahead log: ${s(checkpoint.ms)} (cpu ${s(checkpoint.cpuMs)})`);
    }
    // The daily refresh runs with a year of snapshots stored: today's rows are spread over the table.
    const { value: r, cpuMs: rCpu } = await timed(() => rescore(db, { now, asOf }));
    console.log(`rescore with the history stored: ${describe(r, rCpu)}`);
  }
  console.log(`peak RSS: ${peak()}`);
}
