/**
 * Reading the per-day aggregates, which exist only in the packed layout (`agg_packed`,
 * lib/server/packed-days.ts). `AggregateReader` reads an account's range of days, fast: a 61-day
 * window is 8 or 9 rows per account, each a blob walked here without building intermediate
 * objects. It yields, per day in ascending order, the trigger counts (by type name), the contact
 * counts (by contact pk) and the feature counts (by type and feature name); property statistics
 * are built only for the types the caller asks for. The functions below answer the few other
 * questions pages and scripts ask of the aggregates.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/open';
import { dict } from '@/lib/dict';
import { DAY_MS, type PropStat } from '@/lib/scoring';
import { blockOf, Cursor, decodeDays, NameIds, type DayAgg } from '../packed-days';

/** Receives one account's rows, each kind in ascending time. */
export interface AggregateSink {
  type(t: number, type: string, n: number, props: Record<string, PropStat> | undefined): void;
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

export class AggregateReader {
  private readonly blocks: Statement<unknown[]>;
  private readonly ids: NameIds;
  private readonly typeSet: ReadonlySet<string> | null;
  private readonly propSet: ReadonlySet<string> | null;
  private wanted: Wanted = new Uint8Array(0);
  private names: readonly string[] = [];

  constructor(db: Db, private readonly options: AggregateReaderOptions) {
    this.blocks = db.$client.prepare<unknown[]>('SELECT data FROM agg_packed WHERE account_pk = ? AND block >= ? AND block <= ?').pluck();
    this.ids = new NameIds(db);
    this.typeSet = options.types ? new Set(options.types) : null;
    this.propSet = options.propTypes ? new Set(options.propTypes) : null;
    this.index();
  }

  /** (Re)builds the per-id tables from the names known. */
  private index(): void {
    const names = this.ids.all();
    const wanted = new Uint8Array(names.length);
    names.forEach((name, id) => {
      if (name === undefined || (this.typeSet && !this.typeSet.has(name))) return;
      wanted[id] = this.propSet && !this.propSet.has(name) ? 1 : 2;
    });
    this.wanted = wanted;
    this.names = names;
  }

  /** A name id written after this reader started (another connection): learn it. */
  private learn(id: number): void {
    this.ids.name(id);
    this.index();
  }

  /** Streams one account's rows into `sink`; contacts are named through `contactIds` (others are skipped). */
  read(accountPk: number, contactIds: ReadonlyMap<number, string>, sink: AggregateSink): void {
    const { fromDay, toDay } = this.options;
    for (const blob of this.blocks.all(accountPk, blockOf(fromDay), blockOf(toDay - 1)) as Buffer[]) {
      const r = new Cursor(blob);
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
          if (typeId >= this.wanted.length) this.learn(typeId);
          const want = inRange ? this.wanted[typeId] : 0;
          let props: Record<string, PropStat> | undefined;
          if (want === 2 && np > 0) {
            props = dict();
            for (let q = 0; q < np; q++) {
              const nameId = r.uint();
              if (nameId >= this.names.length) this.learn(nameId);
              props[this.names[nameId]] = r.stat();
            }
          } else {
            for (let q = 0; q < np; q++) {
              r.uint();
              r.skipStat();
            }
          }
          if (want !== 0) sink.type(t, this.names[typeId], n, props);
        }
        let pk = 0;
        for (let k = 0; k < nC; k++) {
          pk += r.uint();
          const n = r.uint();
          if (!inRange) continue;
          const id = contactIds.get(pk);
          if (id !== undefined) sink.contact(t, id, n);
        }
        for (let k = 0; k < nF; k++) {
          const typeId = r.uint();
          const featureId = r.uint();
          const n = r.uint();
          if (!inRange) continue;
          if (Math.max(typeId, featureId) >= this.wanted.length) this.learn(Math.max(typeId, featureId));
          if (this.wanted[typeId] !== 0) sink.feature(t, this.names[typeId], this.names[featureId], n);
        }
      }
    }
  }
}

/** One account's days from `fromDay` to `toDay` (exclusive), decoded by name, in ascending order. */
export function readAccountDays(db: Db, accountPk: number, fromDay: number, toDay: number): DayAgg[] {
  const ids = new NameIds(db);
  const blobs = db.$client.prepare('SELECT data FROM agg_packed WHERE account_pk = ? AND block >= ? AND block <= ? ORDER BY block').pluck().all(accountPk, blockOf(fromDay), blockOf(toDay - 1)) as Buffer[];
  return blobs.flatMap((b) => decodeDays(b, ids)).filter((d) => d.day >= fromDay && d.day < toDay);
}

/** Per contact of an account: the last day it was active before `toDay`, and its interactions from `fromDay` to `toDay` (exclusive). */
export function contactActivity(db: Db, accountPk: number, contactIds: ReadonlyMap<number, string>, fromDay: number, toDay: number): Map<string, { lastDay: number; inWindow: number }> {
  const out = new Map<string, { lastDay: number; inWindow: number }>();
  const reader = new AggregateReader(db, { fromDay: 0, toDay, types: [] });
  reader.read(accountPk, contactIds, {
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

/** The sum of every trigger count of every stored day: the total `count` of the events aggregated. */
export function aggregatedEventCount(db: Db): number {
  const ids = new NameIds(db);
  let total = 0;
  for (const blob of db.$client.prepare('SELECT data FROM agg_packed').pluck().all() as Buffer[]) {
    for (const d of decodeDays(blob, ids)) for (const { n } of d.types.values()) total += n;
  }
  return total;
}
