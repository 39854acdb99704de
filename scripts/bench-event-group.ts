/**
 * Where one group of event batches spends its time: writes a group (the transaction the ingest
 * queue writes for batches that arrive together) of events over the portfolio's active accounts,
 * several times, and prints where the time went.
 *
 * - PostgreSQL: the time of each statement kind (node-postgres's queries timed as they are sent).
 * - SQLite: the whole group, its COMMIT (which writes every page the group changed into the
 *   write-ahead log, then syncs it), and how many pages (log frames) the group wrote. Checkpoints
 *   are left to a thread as in the servers (`checkpointInThread`), so they do not land in a commit.
 *
 *   DATABASE_URL=postgres://... npx tsx scripts/bench-event-group.ts [batches, default 10] [events per batch, default 500]
 *   DATABASE_URL=file:/tmp/b1/trellis.db npx tsx scripts/bench-event-group.ts 5 500 [--rounds 30] [--spread] [--synchronous NORMAL]
 *
 * The events of a group go to consecutive active accounts, as `scripts/bench-mixed.ts` sends them;
 * `--spread` scatters them over the portfolio instead. `--synchronous` sets SQLite's pragma for the
 * run (the servers use FULL). Use a copy of a seeded portfolio: the events are added to it.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ingestEventGroup } from '@/lib/server/commands/events';
import { eventSchema } from '@/lib/ingest/schemas';
import { openStore, SqliteStore } from '@/lib/server/store';

const times = new Map<string, { n: number; ms: number }>();
const orig = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
  const cfg = args[0];
  const text = typeof cfg === 'string' ? cfg : (cfg as { text?: string })?.text ?? '?';
  const key = text.replace(/\s+/g, ' ').slice(0, 90);
  const t = performance.now();
  const out = orig.apply(this, args) as Promise<unknown>;
  if (out && typeof (out as Promise<unknown>).then === 'function') {
    return out.then((r) => {
      const e = times.get(key) ?? { n: 0, ms: 0 };
      e.n++; e.ms += performance.now() - t; times.set(key, e);
      return r;
    });
  }
  return out;
};

const TYPES = ['meeting.held', 'email.exchanged', 'product.login', 'support.interaction', 'feature.used'];
/** A write-ahead log frame: a 24-byte header and the page. */
const FRAME_HEADER = 24;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' }, spread: { type: 'boolean', default: false }, synchronous: { type: 'string' }, pragma: { type: 'string', multiple: true } } });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL (file:... or postgres://...)');
  const db = await openStore(url);
  const ids = await db.column<string>('SELECT id FROM accounts WHERE churned_at IS NULL ORDER BY pk');
  const batches = Number(positionals[0] ?? 10);
  const size = Number(positionals[1] ?? 500);
  const rounds = Number(values.rounds ?? (db instanceof SqliteStore ? 30 : 3));
  let k = Math.floor(Math.random() * 1e9);
  const mk = () => Array.from({ length: size }, () => {
    k++;
    return eventSchema.parse({ id: `prof-${k}`, accountId: ids[(values.spread ? k * 7919 : k) % ids.length], type: TYPES[k % TYPES.length], occurredAt: new Date(Date.now() - (k % 20) * 3_600_000).toISOString() });
  });

  if (db instanceof SqliteStore) {
    const client = db.client;
    if (values.synchronous) client.pragma(`synchronous = ${values.synchronous}`);
    for (const p of values.pragma ?? []) client.pragma(p);
    db.checkpointInThread();
    const pageSize = client.pragma('page_size', { simple: true }) as number;
    const walFile = `${client.name}-wal`;
    const walBytes = () => (fs.existsSync(walFile) ? fs.statSync(walFile).size : 0);
    // The COMMIT of the group's transaction, timed where the store runs it.
    const exec = client.exec.bind(client);
    let commitMs = 0;
    client.exec = ((sql: string) => {
      const t = performance.now();
      const out = exec(sql);
      if (sql === 'COMMIT') commitMs += performance.now() - t;
      return out;
    }) as typeof client.exec;
    const group: number[] = [], commit: number[] = [], frames: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const items = Array.from({ length: batches }, () => ({ items: mk() }));
      // The log grows by the group's frames unless the checkpoint thread restarts it meanwhile:
      // rounds where it shrank are left out of the frame count.
      const before = walBytes();
      commitMs = 0;
      const t = performance.now();
      await ingestEventGroup(db, items);
      group.push(performance.now() - t);
      commit.push(commitMs);
      const grown = walBytes() - before;
      if (grown > 0) frames.push(grown / (pageSize + FRAME_HEADER));
    }
    const events = batches * size;
    console.log(`SQLite (synchronous ${client.pragma('synchronous', { simple: true })}, page ${pageSize} bytes), ${rounds} groups of ${batches}x${size} events${values.spread ? ' spread over the portfolio' : ' on consecutive accounts'}:`);
    console.log(`  group ${median(group).toFixed(0)} ms median (${((median(group) * 1000) / events).toFixed(1)} µs per event), of which COMMIT ${median(commit).toFixed(0)} ms`);
    console.log(`  ${frames.length ? `${median(frames).toFixed(0)} pages written to the log per group (${(median(frames) / events).toFixed(2)} per event; median of ${frames.length} groups)` : 'log frames not counted (the log was restarted in every round)'}`);
  } else {
    for (let round = 0; round < rounds; round++) {
      times.clear();
      const group = Array.from({ length: batches }, () => ({ items: mk() }));
      const t = performance.now();
      await ingestEventGroup(db, group);
      const total = performance.now() - t;
      console.log(`round ${round}: ${batches}x${size} events in ${total.toFixed(0)} ms`);
      for (const [q, e] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${e.ms.toFixed(0).padStart(6)} ms ${String(e.n).padStart(4)}x  ${q}`);
    }
  }
  await db.close();
}
void main();
