/**
 * Writing `agg_packed` (lib/server/packed-days.ts), the one store of per-day aggregates: appended
 * block by block by rebuilds (aggregates.ts `rebuildAggregates`), merged block by block by
 * incremental event writes (in the transaction that writes the events).
 */
import type { Db } from '@/db/open';
import { assembleDays, blockOf, dayRanges, decodeDayAt, emptyDay, encodeDays, mergeProps, NameIds, type DayAgg, type PropMap } from '../packed-days';
import { RowWriter } from './row-writer';

/** Collects an account's days (in ascending order) into blocks and appends one row per block. */
export class PackedBlockWriter {
  private readonly rows: RowWriter;
  private readonly ids: NameIds;
  private accountPk = -1;
  private block = NaN;
  private days: DayAgg[] = [];

  constructor(db: Db) {
    this.rows = new RowWriter(db, 'agg_packed', ['account_pk', 'block', 'data'], 64);
    this.ids = new NameIds(db);
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

  /** Writes the block in progress. */
  endAccount(): void {
    if (this.days.length) this.rows.push(this.accountPk, this.block, encodeDays(this.days, this.ids));
    this.days = [];
  }

  flush(): void {
    this.endAccount();
    this.rows.flush();
  }
}

export interface PackedDeltas {
  daily: Iterable<{ accountPk: number; day: number; type: string; n: number; props: PropMap | null }>;
  contacts: Iterable<{ accountPk: number; day: number; contactPk: number; n: number }>;
  features: Iterable<{ accountPk: number; day: number; type: string; feature: string; n: number }>;
}

/**
 * Adds a batch's aggregate deltas to the packed blocks they fall in. Run in the transaction that
 * writes the batch's events: counts add up, and statistics merge into the stored ones
 * (`mergeProps`: counts and sums add, kept values and their weights append, capped), so a block
 * ends up with what a rebuild from the raw events writes.
 */
export function applyToPacked(db: Db, deltas: PackedDeltas): void {
  const c = db.$client;
  const select = c.prepare('SELECT data FROM agg_packed WHERE account_pk = ? AND block = ?').pluck();
  const upsert = c.prepare('INSERT INTO agg_packed (account_pk, block, data) VALUES (?, ?, ?) ON CONFLICT (account_pk, block) DO UPDATE SET data = excluded.data');
  const ids = new NameIds(db);
  // Only the days a batch touches are decoded and encoded again; the others keep their bytes.
  const blocks = new Map<string, { accountPk: number; block: number; stored: Buffer | null; ranges: Map<number, { start: number; end: number }>; touched: Map<number, DayAgg> }>();
  const dayOfBlock = (accountPk: number, day: number): DayAgg => {
    const block = blockOf(day);
    const key = `${accountPk}|${block}`;
    let b = blocks.get(key);
    if (!b) {
      const stored = (select.get(accountPk, block) as Buffer | undefined) ?? null;
      const ranges = new Map(stored ? dayRanges(stored).map((r) => [r.day, r]) : []);
      blocks.set(key, (b = { accountPk, block, stored, ranges, touched: new Map() }));
    }
    let d = b.touched.get(day);
    if (!d) {
      const range = b.ranges.get(day);
      d = range && b.stored ? decodeDayAt(b.stored, range.start, ids) : emptyDay(day);
      b.touched.set(day, d);
    }
    return d;
  };
  for (const r of deltas.daily) {
    const d = dayOfBlock(r.accountPk, r.day);
    const existing = d.types.get(r.type);
    if (!existing) d.types.set(r.type, { n: r.n, props: r.props });
    else if (r.props === null) existing.n += r.n;
    else {
      existing.n = r.n + existing.n;
      existing.props = mergeProps(existing.props, r.props);
    }
  }
  for (const r of deltas.contacts) {
    const d = dayOfBlock(r.accountPk, r.day);
    d.contacts.set(r.contactPk, (d.contacts.get(r.contactPk) ?? 0) + r.n);
  }
  for (const r of deltas.features) {
    const d = dayOfBlock(r.accountPk, r.day);
    let m = d.features.get(r.type);
    if (!m) d.features.set(r.type, (m = new Map()));
    m.set(r.feature, (m.get(r.feature) ?? 0) + r.n);
  }
  for (const b of blocks.values()) {
    const days = new Set([...b.ranges.keys(), ...b.touched.keys()]);
    const parts = [...days].sort((x, y) => x - y).map((day) => {
      const range = b.ranges.get(day);
      return b.touched.get(day) ?? b.stored!.subarray(range!.start, range!.end);
    });
    upsert.run(b.accountPk, b.block, assembleDays(parts, ids));
  }
}

/**
 * True when events exist but no packed aggregates do: a database upgraded from a version that
 * kept the per-day aggregates in the agg_daily, agg_contact_daily and agg_feature_daily tables
 * (dropped by migration 0005), whose aggregates must be rebuilt from the raw events.
 */
export function packedAggregatesMissing(db: Db): boolean {
  const c = db.$client;
  return c.prepare('SELECT EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM agg_packed)').pluck().get() === 1;
}
