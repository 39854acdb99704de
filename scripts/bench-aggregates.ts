/**
 * npx tsx scripts/bench-aggregates.ts [--accounts 1000] [--days 60] [--prefill 40] [--runs 15] [--rebuild-months 0]
 *
 * The aggregate write of one event batch, in process: `applyEventsToAggregates` of 1,000 events
 * (the part of an event transaction that keeps the aggregates), on a scratch database whose
 * aggregates already hold `--prefill` batches, so every batch merges into stored days. Two
 * layouts: `spread` (each event a random account of the portfolio) and `by-account` (20 accounts
 * a batch). Each timed batch runs in a transaction that is rolled back, so every run sees the same
 * database; prints the median wall and CPU time per batch (CPU time is what a loaded machine
 * disturbs least) and the spread of the wall times.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo } from '@/db/seed';
import { DEFAULT_TRIGGERS } from '@/lib/scoring';
import { applyEventsToAggregates, rebuildAggregates, type AggregatableEvent } from '@/lib/server/aggregates';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { mulberry32 } from '@/lib/testing/random';
import { positive } from './bench-support';
import { openMigratedSqlite, run } from './cli';

const DAY = 86_400_000;
const BATCH = 1000;
const ACCOUNTS_PER_SORTED_BATCH = 20;

/** Thrown to roll a timed transaction back. */
class RollBack extends Error {}

run(async () => {
  const { values } = parseArgs({ options: { accounts: { type: 'string' }, days: { type: 'string' }, prefill: { type: 'string' }, runs: { type: 'string' }, 'rebuild-months': { type: 'string' } } });
  const accounts = Math.round(positive('accounts', values.accounts, 1000));
  const days = Math.round(positive('days', values.days, 60));
  const prefill = Math.round(positive('prefill', values.prefill, 40));
  const runs = Math.round(positive('runs', values.runs, 15));
  const rebuildMonths = values['rebuild-months'] === undefined ? 0 : Math.round(positive('rebuild-months', values['rebuild-months'], 0));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-aggregates-'));
  const db = await openMigratedSqlite(path.join(dir, 'trellis.db'));
  try {
    await upsertAccounts(db, Array.from({ length: accounts }, (_, i) => ({ id: `BENCH-${i}`, name: `Bench ${i}`, tier: 'core', startedAt: Date.now() - 400 * DAY })));
    const pks = await db.column<number>('SELECT pk FROM accounts ORDER BY pk');
    const random = mulberry32(42); // seeded: runs are comparable
    const types = DEFAULT_TRIGGERS.map((t) => t.key);
    const now = Date.now();
    const batch = (layout: string, b: number): AggregatableEvent[] =>
      Array.from({ length: BATCH }, () => {
        const type = types[Math.floor(random() * types.length)]!;
        const account = layout === 'spread' ? Math.floor(random() * accounts) : (b * ACCOUNTS_PER_SORTED_BATCH + Math.floor(random() * ACCOUNTS_PER_SORTED_BATCH)) % accounts;
        let properties: Record<string, unknown> | null = null;
        if (type === 'meeting.held') properties = { onTime: random() < 0.8, strategic: random() < 0.3 };
        if (type === 'feature.used') properties = { feature: `f${Math.floor(random() * 9)}` };
        if (type === 'outreach.replied') properties = { responseHours: Math.round(random() * 480) / 10 };
        return { accountPk: pks[account]!, contactPk: null, type, occurredAt: now - Math.floor(random() * days * DAY), count: 1 + Math.floor(random() * 3), properties };
      });
    for (let b = 0; b < prefill; b++) await db.tx((tx) => applyEventsToAggregates(tx, batch('spread', b)));
    console.log(`${accounts} accounts, ${prefill} batches of ${BATCH} events stored over ${days} days; ${runs} timed batches per layout after one warm-up, each rolled back`);
    for (const layout of ['spread', 'by-account']) {
      let b = 0;
      const once = async () => {
        const events = batch(layout, b++);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await db
          .tx(async (tx) => {
            await applyEventsToAggregates(tx, events);
            throw new RollBack();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RollBack)) throw error;
          });
        const cpu = process.cpuUsage(cpu0);
        return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
      };
      await once();
      const times: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < runs; i++) times.push(await once());
      const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      const wall = times.map((t) => t.wall);
      console.log(`${layout.padEnd(10)} median ${median(wall).toFixed(1)} ms wall (min ${wall[0]!.toFixed(1)}, max ${wall[wall.length - 1]!.toFixed(1)}), median ${median(times.map((t) => t.cpu)).toFixed(1)} ms CPU per batch of ${BATCH}`);
    }
    if (rebuildMonths > 0) {
      const seeded = await openMigratedSqlite(path.join(dir, 'seeded.db'));
      try {
        await seedDemo(seeded, { accounts, months: rebuildMonths, seed: 7, end: new Date(Date.UTC(2026, 11, 1)) });
        const events = (await seeded.value<number>('SELECT count(*) FROM events')) ?? 0;
        const results: string[] = [];
        for (let i = 0; i < 3; i++) {
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await rebuildAggregates(seeded);
          const cpu = process.cpuUsage(cpu0);
          results.push(`${((performance.now() - t0) / 1000).toFixed(2)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`);
        }
        console.log(`rebuildAggregates of ${events.toLocaleString('en-US')} events (${accounts} accounts, ${rebuildMonths} months): ${results.join(', ')}`);
      } finally {
        await seeded.close();
      }
    }
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
