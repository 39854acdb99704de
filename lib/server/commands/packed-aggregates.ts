/**
 * Writing `agg_packed` (lib/server/packed-days.ts), the one store of per-day aggregates: appended
 * block by block by rebuilds (aggregates.ts `rebuildAggregates`), merged block by block by
 * incremental event writes (in the transaction that writes the events).
 */
import type { Store } from '@/lib/server/store';
import { assembleDays, blockOf, dayRanges, decodeDayAt, emptyDay, encodeDays, mergeProps, NameIds, namesOf, type DayAgg, type PropMap } from '../packed-days';
import { inChunks, insertRows, RowWriter } from './row-writer';

/**
 * Collects an account's days (in ascending order) into blocks and appends one row per block.
 * Blocks are collected as days come (`day`, `endAccount`) and encoded and written by `write`.
 */
export class PackedBlockWriter {
  private readonly rows: RowWriter;
  private ids: NameIds | null = null;
  private accountPk = -1;
  private block = NaN;
  private days: DayAgg[] = [];
  private done: { accountPk: number; block: number; days: DayAgg[] }[] = [];

  constructor(private readonly db: Store) {
    this.rows = new RowWriter(db, 'agg_packed', ['account_pk', 'block', 'data'], 64);
  }

  day(accountPk: number, d: DayAgg): void {
    const block = blockOf(d.day);
    if (accountPk !== this.accountPk || block !== this.block) {
      this.endAccount();
      this.accountPk = accountPk;
      this.block = block;
    }
    this.days.push(d);
  }

  /** Ends the block in progress. */
  endAccount(): void {
    if (this.days.length) this.done.push({ accountPk: this.accountPk, block: this.block, days: this.days });
    this.days = [];
  }

  /** Encodes the blocks ended so far and writes the full statements of them. */
  async write(): Promise<void> {
    const done = this.done;
    this.done = [];
    if (done.length) {
      this.ids ??= await NameIds.load(this.db);
      await this.ids.add(namesOf(done.flatMap((b) => b.days)));
      for (const b of done) this.rows.push(b.accountPk, b.block, encodeDays(b.days, this.ids));
    }
    await this.rows.write();
  }

  async flush(): Promise<void> {
    this.endAccount();
    await this.write();
    await this.rows.flush();
  }
}

export interface PackedDeltas {
  daily: Iterable<{ accountPk: number; day: number; type: string; n: number; props: PropMap | null }>;
  contacts: Iterable<{ accountPk: number; day: number; contactPk: number; n: number }>;
  features: Iterable<{ accountPk: number; day: number; type: string; feature: string; n: number }>;
}

interface Block {
  accountPk: number;
  block: number;
  stored: Buffer | null;
  ranges: Map<number, { start: number; end: number }>;
  touched: Map<number, DayAgg>;
}

/**
 * Adds a batch's aggregate deltas to the packed blocks they fall in. Run in the transaction that
 * writes the batch's events: counts add up, and statistics merge into the stored ones
 * (`mergeProps`: counts and sums add, kept values and their weights append, capped), so a block
 * ends up with what a rebuild from the raw events writes.
 *
 * Each block is read and written again whole. On PostgreSQL, where several processes write at
 * once, the caller holds the lock of the accounts' rows (`lockAccounts`), so that no other batch
 * writes their blocks (new ones included) meanwhile, and the blocks read are locked too, so that a
 * full rebuild (which locks the table) and a batch wait for each other.
 */
export async function applyToPacked(db: Store, deltas: PackedDeltas): Promise<void> {
  const daily = [...deltas.daily];
  const contacts = [...deltas.contacts];
  const features = [...deltas.features];
  const blocks = new Map<string, Block>();
  const keyOf = (accountPk: number, day: number) => `${accountPk}|${blockOf(day)}`;
  for (const r of [...daily, ...contacts, ...features]) {
    const key = keyOf(r.accountPk, r.day);
    let b = blocks.get(key);
    if (!b) blocks.set(key, (b = { accountPk: r.accountPk, block: blockOf(r.day), stored: null, ranges: new Map(), touched: new Map() }));
    b.touched.set(r.day, emptyDay(r.day));
  }
  if (!blocks.size) return;

  // One read for every block the batch touches (the pairs as a VALUES list, joined on the key).
  const lock = db.engine === 'postgres' ? ' FOR UPDATE OF p' : '';
  const keys = [...blocks.values()].map((b) => [b.accountPk, b.block]);
  const stored = await inChunks<{ account_pk: number; block: number; data: Buffer }>(keys, '(CAST(? AS bigint), CAST(? AS bigint))', (values, params) =>
    db.all(`SELECT p.account_pk, p.block, p.data FROM (VALUES ${values}) k JOIN agg_packed p ON p.account_pk = k.column1 AND p.block = k.column2${lock}`, params),
  );
  for (const row of stored) {
    const b = blocks.get(`${row.account_pk}|${row.block}`)!;
    b.stored = row.data;
    b.ranges = new Map(dayRanges(row.data).map((r) => [r.day, r]));
  }

  // Only the days a batch touches are decoded and encoded again; the others keep their bytes.
  const ids = await NameIds.load(db);
  await ids.decoding(() => {
    for (const b of blocks.values()) {
      for (const day of b.touched.keys()) {
        const range = b.ranges.get(day);
        if (range && b.stored) b.touched.set(day, decodeDayAt(b.stored, range.start, ids));
      }
    }
  });
  const dayOf = (accountPk: number, day: number): DayAgg => blocks.get(keyOf(accountPk, day))!.touched.get(day)!;
  for (const r of daily) {
    const d = dayOf(r.accountPk, r.day);
    const existing = d.types.get(r.type);
    if (!existing) d.types.set(r.type, { n: r.n, props: r.props });
    else if (r.props === null) existing.n += r.n;
    else {
      existing.n = r.n + existing.n;
      existing.props = mergeProps(existing.props, r.props);
    }
  }
  for (const r of contacts) {
    const d = dayOf(r.accountPk, r.day);
    d.contacts.set(r.contactPk, (d.contacts.get(r.contactPk) ?? 0) + r.n);
  }
  for (const r of features) {
    const d = dayOf(r.accountPk, r.day);
    let m = d.features.get(r.type);
    if (!m) d.features.set(r.type, (m = new Map()));
    m.set(r.feature, (m.get(r.feature) ?? 0) + r.n);
  }

  await ids.add(namesOf([...blocks.values()].flatMap((b) => [...b.touched.values()])));
  const rows = [...blocks.values()].map((b) => {
    const days = new Set([...b.ranges.keys(), ...b.touched.keys()]);
    const parts = [...days].sort((x, y) => x - y).map((day) => {
      const range = b.ranges.get(day);
      return b.touched.get(day) ?? b.stored!.subarray(range!.start, range!.end);
    });
    return [b.accountPk, b.block, assembleDays(parts, ids)];
  });
  await insertRows(db, 'INSERT INTO agg_packed (account_pk, block, data)', 3, rows, 'ON CONFLICT (account_pk, block) DO UPDATE SET data = excluded.data');
}

/**
 * True when events exist but no packed aggregates do: a database upgraded from a version that
 * kept the per-day aggregates in the agg_daily, agg_contact_daily and agg_feature_daily tables
 * (dropped by migration 0005), whose aggregates must be rebuilt from the raw events.
 */
export async function packedAggregatesMissing(db: Store): Promise<boolean> {
  return (await db.value('SELECT CASE WHEN EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM agg_packed) THEN 1 ELSE 0 END')) === 1;
}
