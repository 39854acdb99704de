/**
 * Keeping `agg_packed` (lib/server/packed-days.ts) in step with the agg_* rows: appended block by
 * block by full rebuilds, merged block by block by incremental event writes (in the same
 * transaction, with the same arithmetic as the agg_daily rows so both hold the same numbers), and
 * filled once from the agg_* rows of a database that had aggregates before migration 0004.
 */
import type { Db } from '@/db/open';
import { assembleDays, blockOf, dayRanges, decodeDayAt, emptyDay, encodeDays, mergeProps, NameIds, type DayAgg, type PropMap } from '../packed-days';
import { RowWriter } from './row-writer';
import { parseJsonDict } from '@/lib/dict';

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
 * writes the same deltas to the agg_* rows: counts add up, and statistics merge into the stored
 * ones exactly as `flush` in aggregates.ts merges them into agg_daily.props.
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

/** True when the database has aggregates but no packed rows yet (it had data before migration 0004). */
export function packedAggregatesMissing(db: Db): boolean {
  const c = db.$client;
  return c.prepare('SELECT EXISTS (SELECT 1 FROM agg_daily) AND NOT EXISTS (SELECT 1 FROM agg_packed)').pluck().get() === 1;
}

type DailyRow = [day: number, type: string, n: number, props: string | null];
type ContactRow = [day: number, contactPk: number, n: number];
type FeatureRow = [day: number, type: string, feature: string, n: number];

/** Packs the existing agg_* rows of every account, in one transaction. */
export function backfillPackedAggregates(db: Db, onProgress?: (done: number, total: number) => void): { blocks: number } {
  const c = db.$client;
  const pks = c.prepare('SELECT DISTINCT account_pk FROM account_activity ORDER BY account_pk').pluck().all() as number[];
  const daily = c.prepare('SELECT day, type, n, props FROM agg_daily WHERE account_pk = ?').raw();
  const contacts = c.prepare('SELECT day, contact_pk, n FROM agg_contact_daily WHERE account_pk = ?').raw();
  const features = c.prepare('SELECT day, type, feature, n FROM agg_feature_daily WHERE account_pk = ?').raw();
  return db.transaction(() => {
    c.prepare('DELETE FROM agg_packed').run();
    const out = new PackedBlockWriter(db);
    let blocks = 0;
    pks.forEach((pk, i) => {
      const days = new Map<number, DayAgg>();
      const at = (day: number) => {
        let d = days.get(day);
        if (!d) days.set(day, (d = emptyDay(day)));
        return d;
      };
      for (const [day, type, n, props] of daily.all(pk) as DailyRow[]) at(day).types.set(type, { n, props: props ? parseJsonDict<PropMap>(props) : null });
      for (const [day, contactPk, n] of contacts.all(pk) as ContactRow[]) at(day).contacts.set(contactPk, n);
      for (const [day, type, feature, n] of features.all(pk) as FeatureRow[]) {
        const d = at(day);
        let m = d.features.get(type);
        if (!m) d.features.set(type, (m = new Map()));
        m.set(feature, n);
      }
      let lastBlock = NaN;
      for (const d of [...days.values()].sort((x, y) => x.day - y.day)) {
        if (blockOf(d.day) !== lastBlock) blocks++;
        lastBlock = blockOf(d.day);
        out.day(pk, d);
      }
      out.endAccount();
      if ((i + 1) % 500 === 0) onProgress?.(i + 1, pks.length);
    });
    out.flush();
    onProgress?.(pks.length, pks.length);
    return { blocks };
  });
}
