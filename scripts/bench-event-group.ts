/**
 * Where one group of event batches spends its time on PostgreSQL: writes a group (the transaction
 * the ingest queue writes for batches that arrive together) of random events over the portfolio's
 * active accounts, three times, and prints the time of each statement kind (node-postgres's
 * queries timed as they are sent).
 *
 *   DATABASE_URL=postgres://... npx tsx scripts/bench-event-group.ts [batches, default 10] [events per batch, default 500]
 *
 * Use a copy of a seeded portfolio: the events are added to it.
 */
import pg from 'pg';
import { openStore } from '@/lib/server/store';
import { ingestEventGroup } from '@/lib/server/commands/events';
import { eventSchema } from '@/lib/ingest/schemas';

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
async function main() {
  if (!process.env.DATABASE_URL?.startsWith('postgres')) throw new Error('DATABASE_URL must be a postgres:// URL');
  const db = await openStore(process.env.DATABASE_URL);
  const ids = await db.column<string>('SELECT id FROM accounts WHERE churned_at IS NULL ORDER BY pk');
  const batches = Number(process.argv[2] ?? 10);
  const size = Number(process.argv[3] ?? 500);
  let k = Math.floor(Math.random() * 1e9);
  const mk = () => Array.from({ length: size }, () => { k++; return eventSchema.parse({ id: `prof-${k}`, accountId: ids[(k * 7919) % ids.length], type: TYPES[k % TYPES.length], occurredAt: new Date(Date.now() - (k % 20) * 3_600_000).toISOString() }); });
  for (let round = 0; round < 3; round++) {
    times.clear();
    const group = Array.from({ length: batches }, () => ({ items: mk() }));
    const t = performance.now();
    await ingestEventGroup(db, group);
    const total = performance.now() - t;
    console.log(`round ${round}: ${batches}x${size} events in ${total.toFixed(0)} ms`);
    for (const [q, e] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${e.ms.toFixed(0).padStart(6)} ms ${String(e.n).padStart(4)}x  ${q}`);
  }
  await db.close();
}
void main();
