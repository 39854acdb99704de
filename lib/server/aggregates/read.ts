/**
 * Reading the per-day aggregates, which exist only in the packed layout (`agg_packed`,
 * format.ts). `AggregateReader` reads an account's range of days, fast: a 61-day window is 8 or
 * 9 rows per account, each a blob walked here without building intermediate objects; loops over
 * accounts read many per query (`readMany`). It yields, per day in ascending order, the trigger
 * counts (by type name), the contact counts (by contact pk) and the feature counts (by type and
 * feature name); property statistics are built only for the types the caller asks for. The
 * functions below answer the few other questions pages and scripts ask of the aggregates.
 */
import { DAY_MS, type LentProps, type PropStat } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { blockOf, Cursor, decodeDays, NameIds, UnknownNameId, type DayAgg } from './format';

/**
 * Receives one account's rows, each kind in ascending time. A type row's `props` are lent for
 * the length of the call (the reader reuses them for the next row): `recordOfLent` keeps a copy.
 */
export interface AggregateSink {
  type(t: number, type: string, n: number, props: LentProps | undefined): void;
  contact(t: number, contactId: string, n: number): void;
  feature(t: number, type: string, feature: string, n: number): void;
}

export interface AggregateReaderOptions {
  fromDay: number;
  /** exclusive */
  toDay: number;
  /** types whose property statistics are wanted (default: all) */
  propTypes?: readonly string[];
  /** only rows of these types (default: all), e.g. `typesReadBy(model)`: the others never change a score */
  types?: readonly string[];
}

/** Per name id: 0 = type not read, 1 = read without statistics, 2 = read with statistics. */
type Wanted = Uint8Array;

/** The statistics of the type row being walked, decoded into objects and arrays kept from row to row. */
class RowProps implements LentProps {
  length = 0;
  private readonly names: string[] = [];
  private readonly stats: PropStat[] = [];
  private readonly values: number[][] = [];
  private readonly weights: number[][] = [];

  name(i: number): string {
    return this.names[i]!;
  }

  stat(i: number): PropStat {
    return this.stats[i]!;
  }

  /** Decodes the `i`th statistic of the row (its name id already read). */
  read(i: number, name: string, r: Cursor): void {
    if (i === this.stats.length) {
      this.stats.push({ t: 0, s: 0, c: 0, v: undefined, w: undefined });
      this.values.push([]);
      this.weights.push([]);
    }
    this.names[i] = name;
    r.statInto(this.stats[i]!, this.values[i]!, this.weights[i]!);
  }
}

/** An account's blocks of days `fromDay`..`toDay` (exclusive), in ascending order. */
const BLOCKS = 'SELECT data FROM agg_packed WHERE account_pk = ? AND block >= ? AND block <= ? ORDER BY block';
/** Accounts whose blocks `readMany` reads per query. */
const ACCOUNTS_PER_QUERY = 500;

export class AggregateReader {
  private ids: NameIds | null = null;
  private readonly typeSet: ReadonlySet<string> | null;
  private readonly propSet: ReadonlySet<string> | null;
  private wanted: Wanted = new Uint8Array(0);
  private names: readonly string[] = [];
  /** sink calls made by the walk in progress, and how many of them were made before (a walk again after learning names) */
  private calls = 0;
  private skip = 0;
  private readonly props = new RowProps();

  constructor(private readonly db: Store, private readonly options: AggregateReaderOptions) {
    this.typeSet = options.types ? new Set(options.types) : null;
    this.propSet = options.propTypes ? new Set(options.propTypes) : null;
  }

  /** (Re)builds the per-id tables from the names known. */
  private index(): void {
    const names = this.ids!.all();
    const wanted = new Uint8Array(names.length);
    names.forEach((name, id) => {
      if (name === undefined || (this.typeSet && !this.typeSet.has(name))) return;
      wanted[id] = this.propSet && !this.propSet.has(name) ? 1 : 2;
    });
    this.wanted = wanted;
    this.names = names;
  }

  /** Reads the names known so far, on first use. */
  private async loadNames(): Promise<void> {
    if (this.ids) return;
    this.ids = await NameIds.load(this.db);
    this.index();
  }

  /** Streams one account's rows into `sink`; contacts are named through `contactIds` (others are skipped). */
  async read(accountPk: number, contactIds: ReadonlyMap<number, string>, sink: AggregateSink): Promise<void> {
    await this.loadNames();
    const { fromDay, toDay } = this.options;
    for (const blob of await this.db.column<Buffer>(BLOCKS, [accountPk, blockOf(fromDay), blockOf(toDay - 1)])) {
      await this.stream(blob, contactIds, sink);
    }
  }

  /**
   * Streams the rows of several accounts, each into its own sink, as `read` does one account's:
   * one query per 500 accounts instead of one per account (on PostgreSQL, a round trip each).
   * `sinkOf` is called once per account given, in the order given (also for an account without
   * any rows), and its sink gets all of that account's rows before the next account's is asked for.
   */
  async readMany(accountPks: readonly number[], contactIds: ReadonlyMap<number, string>, sinkOf: (accountPk: number, index: number) => AggregateSink): Promise<void> {
    await this.loadNames();
    const { fromDay, toDay } = this.options;
    // An account's blocks come joined into one blob, in order: one row and one Buffer per
    // account instead of one per block (building the Buffers cost as much as the query).
    const sql = `SELECT account_pk, ${this.db.dialect.concatBlobs('data', 'block')} FROM agg_packed WHERE ${this.db.dialect.inJsonArray('account_pk', 'int')} AND block BETWEEN ? AND ? GROUP BY account_pk`;
    for (let at = 0; at < accountPks.length; at += ACCOUNTS_PER_QUERY) {
      const part = accountPks.slice(at, at + ACCOUNTS_PER_QUERY);
      const blobs = new Map(await this.db.rows<[number, Buffer]>(sql, [JSON.stringify(part), blockOf(fromDay), blockOf(toDay - 1)]));
      for (let k = 0; k < part.length; k++) {
        const sink = sinkOf(part[k]!, at + k);
        const blob = blobs.get(part[k]!);
        if (blob) await this.stream(blob, contactIds, sink);
      }
    }
  }

  /** Walks one blob (one block, or several joined) into `sink`, learning the names it meets for the first time. */
  private async stream(blob: Buffer, contactIds: ReadonlyMap<number, string>, sink: AggregateSink): Promise<void> {
    this.skip = 0;
    for (;;) {
      this.calls = 0;
      try {
        this.walk(blob, contactIds, sink);
        return;
      } catch (error) {
        // A name id written after this reader started (another connection): learn it, then walk
        // the blob again, passing over the rows the sink already has.
        if (!(error instanceof UnknownNameId)) throw error;
        this.skip = this.calls;
        await this.ids!.reload(error.id);
        if (this.ids!.all()[error.id] === undefined) throw error;
        this.index();
      }
    }
  }

  /** True when the sink is to get this row (not already given it before a walk again). */
  private give(): boolean {
    return this.calls++ >= this.skip;
  }

  private walk(blob: Buffer, contactIds: ReadonlyMap<number, string>, sink: AggregateSink): void {
    const { fromDay, toDay } = this.options;
    const r = new Cursor(blob);
    while (r.i < blob.length) this.walkBlock(r, fromDay, toDay, contactIds, sink);
  }

  /** One block's days, from the cursor on. */
  private walkBlock(r: Cursor, fromDay: number, toDay: number, contactIds: ReadonlyMap<number, string>, sink: AggregateSink): void {
    for (let dayCount = r.uint(); dayCount > 0; dayCount--) {
      const day = r.uint();
      const nT = r.uint();
      const nC = r.uint();
      const nF = r.uint();
      const inRange = day >= fromDay && day < toDay;
      const t = day * DAY_MS;
      for (let k = 0; k < nT; k++) {
        const typeId = r.uint();
        const n = r.uint();
        const np = r.uint();
        if (inRange && this.names[typeId] === undefined) throw new UnknownNameId(typeId);
        const want = inRange ? this.wanted[typeId] : 0;
        let props: RowProps | undefined;
        if (want === 2 && np > 0) {
          props = this.props;
          for (let q = 0; q < np; q++) {
            const nameId = r.uint();
            if (this.names[nameId] === undefined) throw new UnknownNameId(nameId);
            props.read(q, this.names[nameId], r);
          }
          props.length = np;
        } else {
          for (let q = 0; q < np; q++) {
            r.uint();
            r.skipStat();
          }
        }
        if (want !== 0 && this.give()) sink.type(t, this.names[typeId], n, props);
      }
      let pk = 0;
      for (let k = 0; k < nC; k++) {
        pk += r.uint();
        const n = r.uint();
        if (!inRange) continue;
        const id = contactIds.get(pk);
        if (id !== undefined && this.give()) sink.contact(t, id, n);
      }
      for (let k = 0; k < nF; k++) {
        const typeId = r.uint();
        const featureId = r.uint();
        const n = r.uint();
        if (!inRange) continue;
        if (this.names[typeId] === undefined) throw new UnknownNameId(typeId);
        if (this.names[featureId] === undefined) throw new UnknownNameId(featureId);
        if (this.wanted[typeId] !== 0 && this.give()) sink.feature(t, this.names[typeId], this.names[featureId], n);
      }
    }
  }
}

/** One account's days from `fromDay` to `toDay` (exclusive), decoded by name, in ascending order. */
export async function readAccountDays(db: Store, accountPk: number, fromDay: number, toDay: number): Promise<DayAgg[]> {
  const ids = await NameIds.load(db);
  const blobs = await db.column<Buffer>(BLOCKS, [accountPk, blockOf(fromDay), blockOf(toDay - 1)]);
  const days = await ids.decoding(() => blobs.flatMap((b) => decodeDays(b, ids)));
  return days.filter((d) => d.day >= fromDay && d.day < toDay);
}

/** Per contact of an account: the last day it was active before `toDay`, and its interactions from `fromDay` to `toDay` (exclusive). */
export async function contactActivity(db: Store, accountPk: number, contactIds: ReadonlyMap<number, string>, fromDay: number, toDay: number): Promise<Map<string, { lastDay: number; inWindow: number }>> {
  const out = new Map<string, { lastDay: number; inWindow: number }>();
  const reader = new AggregateReader(db, { fromDay: 0, toDay, types: [] });
  await reader.read(accountPk, contactIds, {
    type() {},
    feature() {},
    contact(t, contactId, n) {
      const day = Math.floor(t / DAY_MS);
      let a = out.get(contactId);
      if (!a) out.set(contactId, (a = { lastDay: day, inWindow: 0 }));
      a.lastDay = day; // days arrive in ascending order
      if (day >= fromDay) a.inWindow += n;
    },
  });
  return out;
}

/**
 * Every stored account-day, decoded by name, in (account, day) order. Read page by page in key
 * order, so that any number of blocks is read in bounded memory.
 */
export async function* storedDays(db: Store): AsyncGenerator<{ accountPk: number; day: DayAgg }> {
  const ids = await NameIds.load(db);
  let after: [number, number] = [-1, -1];
  for (;;) {
    const rows = await db.all<{ account_pk: number; block: number; data: Buffer }>(
      'SELECT account_pk, block, data FROM agg_packed WHERE (account_pk, block) > (?, ?) ORDER BY account_pk, block LIMIT 5000',
      after,
    );
    for (const row of rows) {
      for (const day of await ids.decoding(() => decodeDays(row.data, ids))) yield { accountPk: row.account_pk, day };
    }
    if (rows.length < 5000) return;
    const last = rows[rows.length - 1]!;
    after = [last.account_pk, last.block];
  }
}

/** The sum of every trigger count of every stored day: the total `count` of the events aggregated. */
export async function aggregatedEventCount(db: Store): Promise<number> {
  let total = 0;
  for await (const { day } of storedDays(db)) for (const { n } of day.types.values()) total += n;
  return total;
}
