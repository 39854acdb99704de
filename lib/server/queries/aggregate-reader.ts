/**
 * Reading an account's aggregate rows for a range of days, fast. Bulk scoring reads millions of
 * rows, and turning each into a JS array of values costs more than SQLite's own work; so SQLite
 * packs the integer fields of a row into one exact number (below 2^53), read with `.pluck()` and
 * unpacked here. Rows that do not fit (a type or feature the reader does not know, property
 * statistics the caller wants, very large counts) come as a small JSON array instead, so nothing
 * is ever lost or approximated.
 *
 * The agg_* tables are WITHOUT ROWID b-trees ordered by (account, day, ...): one account's days
 * are one range scan, returned in time order.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/open';
import { DAY_MS, type PropStat } from '@/lib/scoring';

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

const SAFE = 2 ** 53;
const pow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(2, n)));
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** `CASE col WHEN 'a' THEN 0 WHEN 'b' THEN 1 ... END` (NULL for anything else). */
function idCase(column: string, names: readonly string[]): string {
  return names.length ? `CASE ${column} ${names.map((x, i) => `WHEN ${quote(x)} THEN ${i}`).join(' ')} END` : 'NULL';
}

export class AggregateReader {
  private readonly days: number;
  private readonly typeRadix: number;
  private readonly featureRadix: number;
  private readonly contactRadix: number;
  private readonly daily: Statement<unknown[]>;
  private readonly contactDay: Statement<unknown[]>;
  private readonly featureDay: Statement<unknown[]>;
  private readonly wantProps: (type: string) => boolean;

  /** Known type and feature names, by the ids packed into numbers. */
  private readonly typeNames: string[];
  private readonly featureNames: string[];

  constructor(db: Db, private readonly options: AggregateReaderOptions) {
    const c = db.$client;
    const { fromDay, propTypes } = options;
    this.typeNames = c.prepare('SELECT key FROM triggers ORDER BY key').pluck().all() as string[];
    this.featureNames = c.prepare('SELECT key FROM features ORDER BY key').pluck().all() as string[];
    const maxContact = (c.prepare('SELECT max(pk) FROM contacts').pluck().get() as number | null) ?? 0;
    this.days = pow2(options.toDay - fromDay);
    this.typeRadix = pow2(this.typeNames.length);
    this.featureRadix = pow2(this.featureNames.length);
    this.contactRadix = pow2(maxContact + 1);
    const wanted = propTypes ? new Set(propTypes) : null;
    this.wantProps = (type) => wanted === null || wanted.has(type);

    const range = 'account_pk = ? AND day >= ? AND day < ?';
    const ofTypes = options.types ? ` AND type IN (${options.types.map(quote).join(', ') || 'NULL'})` : '';
    const day = `(day - ${fromDay})`;
    const types = idCase('type', this.typeNames);
    // A row with statistics the caller wants takes the JSON path, so that they come along.
    const propsWanted = wanted === null ? 'props IS NOT NULL' : wanted.size ? `props IS NOT NULL AND type IN (${[...wanted].map(quote).join(', ')})` : '0';
    const propsOut = wanted === null ? 'props' : wanted.size ? `CASE WHEN type IN (${[...wanted].map(quote).join(', ')}) THEN props END` : 'NULL';
    const dailyMax = Math.floor(SAFE / (this.typeRadix * this.days));
    this.daily = c.prepare<unknown[]>(
      `SELECT coalesce(CASE WHEN n >= 0 AND n < ${dailyMax} AND NOT (${propsWanted}) THEN (n * ${this.typeRadix} + ${types}) * ${this.days} + ${day} END,
         '[' || ${day} || ',' || json_quote(type) || ',' || n || ',' || coalesce(${propsOut}, 'null') || ']')
       FROM agg_daily WHERE ${range}${ofTypes}`,
    ).pluck();
    const contactMax = Math.floor(SAFE / (this.contactRadix * this.days));
    this.contactDay = c.prepare<unknown[]>(
      `SELECT CASE WHEN n >= 0 AND n < ${contactMax} AND contact_pk >= 0 AND contact_pk < ${this.contactRadix} THEN (n * ${this.contactRadix} + contact_pk) * ${this.days} + ${day}
         ELSE '[' || ${day} || ',' || contact_pk || ',' || n || ']' END
       FROM agg_contact_daily WHERE ${range}`,
    ).pluck();
    const featureMax = Math.floor(SAFE / (this.typeRadix * this.featureRadix * this.days));
    this.featureDay = c.prepare<unknown[]>(
      `SELECT coalesce(CASE WHEN n >= 0 AND n < ${featureMax} THEN ((n * ${this.typeRadix} + ${types}) * ${this.featureRadix} + ${idCase('feature', this.featureNames)}) * ${this.days} + ${day} END,
         '[' || ${day} || ',' || json_quote(type) || ',' || json_quote(feature) || ',' || n || ']')
       FROM agg_feature_daily WHERE ${range}${ofTypes}`,
    ).pluck();
  }

  /** Streams one account's rows into `sink`; contacts are named through `contactIds` (others are skipped). */
  read(accountPk: number, contactIds: ReadonlyMap<number, string>, sink: AggregateSink): void {
    const { fromDay, toDay } = this.options;
    const D = this.days;
    const t0 = fromDay * DAY_MS;
    for (const v of this.daily.all(accountPk, fromDay, toDay) as (number | string)[]) {
      if (typeof v === 'number') {
        const d = v % D;
        const rest = (v - d) / D;
        const type = rest % this.typeRadix;
        sink.type(t0 + d * DAY_MS, this.typeNames[type], (rest - type) / this.typeRadix, undefined);
      } else {
        const [d, type, n, props] = JSON.parse(v) as [number, string, number, Record<string, PropStat> | null];
        sink.type(t0 + d * DAY_MS, type, n, props && this.wantProps(type) ? props : undefined);
      }
    }
    for (const v of this.contactDay.all(accountPk, fromDay, toDay) as (number | string)[]) {
      let d: number, contactPk: number, n: number;
      if (typeof v === 'number') {
        d = v % D;
        const rest = (v - d) / D;
        contactPk = rest % this.contactRadix;
        n = (rest - contactPk) / this.contactRadix;
      } else {
        [d, contactPk, n] = JSON.parse(v) as [number, number, number];
      }
      const id = contactIds.get(contactPk);
      if (id !== undefined) sink.contact(t0 + d * DAY_MS, id, n);
    }
    for (const v of this.featureDay.all(accountPk, fromDay, toDay) as (number | string)[]) {
      if (typeof v === 'number') {
        const d = v % D;
        let rest = (v - d) / D;
        const feature = rest % this.featureRadix;
        rest = (rest - feature) / this.featureRadix;
        const type = rest % this.typeRadix;
        sink.feature(t0 + d * DAY_MS, this.typeNames[type], this.featureNames[feature], (rest - type) / this.typeRadix);
      } else {
        const [d, type, feature, n] = JSON.parse(v) as [number, string, string, number];
        sink.feature(t0 + d * DAY_MS, type, feature, n);
      }
    }
  }
}
