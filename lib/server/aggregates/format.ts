/**
 * The packed aggregate layout (table `agg_packed`, migration 0004), the one store of per-day
 * aggregates: per account and block of 8 UTC days, one row whose blob carries every day's type
 * counts with their property statistics, contact counts and feature counts: whole numbers as
 * varints, sums and values of numeric properties as float64. A bulk rescore reads ~9 rows per
 * account (~2.5 KB) for its window; an event batch reads and rewrites one row per touched
 * account and block. Only this module (lib/server/aggregates) reads and writes the blobs.
 *
 * Names (types, features, property names) are stored as ids of the append-only `agg_names` table.
 */
import { dict } from '@/lib/dict';
import { appendValues, MAX_KEPT_VALUES } from '@/lib/scoring/prop-values';
import type { PropStat } from '@/lib/scoring/types';
import type { Store } from '@/lib/server/store';

/**
 * 8 days keep most blobs under ~1,000 bytes, the most a WITHOUT ROWID row keeps in its b-tree
 * page: longer blocks spill into overflow pages, which made event batches (one blob read and
 * rewritten per touched account) about three times dearer; shorter ones mean more rows to read.
 */
export const BLOCK_DAYS = 8;
export const blockOf = (day: number): number => Math.floor(day / BLOCK_DAYS);

export type PropMap = Record<string, PropStat>;

/** One account-day of aggregates, by name. */
export interface DayAgg {
  day: number;
  types: Map<string, { n: number; props: PropMap | null }>;
  contacts: Map<number, number>;
  /** type -> feature -> n */
  features: Map<string, Map<string, number>>;
}

export const emptyDay = (day: number): DayAgg => ({ day, types: new Map(), contacts: new Map(), features: new Map() });

/** A blob names an id this process has not read yet (written since by another connection). */
export class UnknownNameId extends Error {
  constructor(readonly id: number) {
    super(`agg_names has no id ${id}`);
  }
}

/**
 * Name <-> id of `agg_names`. Encoding and decoding are synchronous: names are given ids first
 * (`add`, in the caller's transaction), and a blob naming an id not read yet is decoded again
 * after reading it (`decoding`).
 */
export class NameIds {
  private readonly byName = new Map<string, number>();
  private readonly names: string[] = [];

  private constructor(private readonly db: Store) {}

  /** The names known to `db` now. */
  static async load(db: Store): Promise<NameIds> {
    const ids = new NameIds(db);
    await ids.reload();
    return ids;
  }

  private learn(rows: { id: number; name: string }[]): void {
    for (const { id, name } of rows) {
      this.names[id] = name;
      this.byName.set(name, id);
    }
  }

  /**
   * Reads names added since (e.g. by another connection), and `id` if given: on PostgreSQL ids
   * are not always committed in their order, so one below the highest read may appear later.
   */
  async reload(id = -1): Promise<void> {
    this.learn(await this.db.all<{ id: number; name: string }>('SELECT id, name FROM agg_names WHERE id >= ? OR id = ?', [this.names.length, id]));
  }

  /** Gives an id to each name that has none yet (inserted in the caller's transaction). */
  async add(names: Iterable<string>): Promise<void> {
    // Sorted: two connections adding the same names add them in the same order, so neither waits
    // for a name the other waits for (PostgreSQL). A name another adds first is kept, and read back.
    const missing = [...new Set(names)].filter((name) => !this.byName.has(name)).sort();
    if (!missing.length) return;
    for (let i = 0; i < missing.length; i += 500) {
      const part = missing.slice(i, i + 500);
      await this.db.run(`INSERT INTO agg_names (name) VALUES ${part.map(() => '(?)').join(', ')} ON CONFLICT (name) DO NOTHING`, part);
    }
    this.learn(await this.db.all<{ id: number; name: string }>(`SELECT id, name FROM agg_names WHERE ${this.db.dialect.inJsonArray('name', 'text')}`, [JSON.stringify(missing)]));
  }

  /** The name's id; the name must have been added. */
  id(name: string): number {
    const id = this.byName.get(name);
    if (id === undefined) throw new Error(`agg_names: "${name}" was not given an id`);
    return id;
  }

  /** The id's name; UnknownNameId when the id is newer than what was read. */
  name(id: number): string {
    const name = this.names[id];
    if (name === undefined) throw new UnknownNameId(id);
    return name;
  }

  /** Runs `decode` (synchronous, no side effects), reading names it meets for the first time and running it again. */
  async decoding<T>(decode: () => T): Promise<T> {
    for (;;) {
      try {
        return decode();
      } catch (error) {
        if (!(error instanceof UnknownNameId) || this.names[error.id] !== undefined) throw error;
        await this.reload(error.id);
        if (this.names[error.id] === undefined) throw error;
      }
    }
  }

  /** Every name read so far, by id (holes for ids never seen). */
  all(): readonly string[] {
    return this.names;
  }
}

/** Every name a day refers to (its types, property names and features), for `NameIds.add`. */
export function* namesOf(days: Iterable<DayAgg>): Generator<string> {
  for (const d of days) {
    for (const [type, { props }] of d.types) {
      yield type;
      if (props) yield* Object.keys(props);
    }
    for (const [type, m] of d.features) {
      yield type;
      yield* m.keys();
    }
  }
}

/** Merges a delta's statistics into stored ones (counts and sums add; values and their weights append). */
export function mergeProps(target: PropMap | null, source: PropMap | null): PropMap | null {
  if (!source) return target;
  const map = target ?? dict<PropStat>();
  for (const key in source) {
    const src = source[key]!;
    const dst = (map[key] ??= { t: 0, s: 0, c: 0 });
    dst.t += src.t;
    dst.s += src.s;
    dst.c += src.c;
    appendValues(dst, src, MAX_KEPT_VALUES);
  }
  return map;
}

/** The kind byte of a property statistic. */
const NOT_NUMERIC = 0;
const NUMERIC = 1;
const WEIGHTED = 2;

const byName = <V>(a: [string, V], b: [string, V]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Appends unsigned varints (7 bits a byte, exact up to 2^53) and little-endian float64s. */
class ByteWriter {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private room(k: number): void {
    if (this.len + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + k));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  uint(x: number, what: string): void {
    if (!Number.isSafeInteger(x) || x < 0) throw new Error(`agg_packed cannot store ${what} ${x}: not a whole number from 0 to 2^53`);
    this.room(8);
    while (x >= 128) {
      this.buf[this.len++] = (x % 128) + 128;
      x = Math.floor(x / 128);
    }
    this.buf[this.len++] = x;
  }

  f64(x: number): void {
    this.room(8);
    this.view.setFloat64(this.len, x, true);
    this.len += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

/** Reads what ByteWriter wrote. */
export class Cursor {
  i = 0;
  private readonly u8: Uint8Array;
  private readonly view: DataView;

  constructor(blob: Uint8Array) {
    this.u8 = blob;
    this.view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  }

  uint(): number {
    let b = this.u8[this.i++];
    if (b < 128) return b;
    let x = b - 128;
    let mul = 128;
    for (;;) {
      b = this.u8[this.i++];
      if (b === undefined) throw new Error('agg_packed: a blob ends in the middle of a number');
      if (b < 128) return x + b * mul;
      x += (b - 128) * mul;
      mul *= 128;
    }
  }

  f64(): number {
    const x = this.view.getFloat64(this.i, true);
    this.i += 8;
    return x;
  }

  /** Reads a property statistic's fields after its name id. */
  stat(): PropStat {
    const t = this.uint();
    const kind = this.u8[this.i++];
    if (kind === NOT_NUMERIC) return { t, s: 0, c: 0 };
    const s = this.f64();
    const c = this.uint();
    const stat: PropStat = { t, s, c };
    const vLen = this.uint();
    if (vLen > 0) {
      const v = new Array<number>(vLen);
      const w = kind === WEIGHTED ? new Array<number>(vLen) : null;
      this.values(vLen, v, w);
      if (w) stat.w = w;
      stat.v = v;
    }
    return stat;
  }

  /** Reads `count` values into `v`, and their weights into `w` when the statistic has weights. */
  private values(count: number, v: number[], w: number[] | null): void {
    if (w) {
      for (let k = 0; k < count; k++) {
        v[k] = this.f64();
        w[k] = this.uint();
      }
    } else {
      for (let k = 0; k < count; k++) v[k] = this.f64();
    }
  }

  /**
   * Reads a property statistic's fields after its name id into `stat`, its values into `v` and
   * their weights into `w` (arrays reused from call to call): the same fields as `stat()` gives,
   * without allocating.
   */
  statInto(stat: PropStat, v: number[], w: number[]): void {
    stat.t = this.uint();
    const kind = this.u8[this.i++];
    stat.v = undefined;
    stat.w = undefined;
    if (kind === NOT_NUMERIC) {
      stat.s = 0;
      stat.c = 0;
      return;
    }
    stat.s = this.f64();
    stat.c = this.uint();
    const vLen = this.uint();
    if (vLen === 0) return;
    v.length = vLen;
    if (kind === WEIGHTED) w.length = vLen;
    this.values(vLen, v, kind === WEIGHTED ? w : null);
    if (kind === WEIGHTED) stat.w = w;
    stat.v = v;
  }

  /** Skips a property statistic's fields after its name id. */
  skipStat(): void {
    this.uint();
    const kind = this.u8[this.i++];
    if (kind === NOT_NUMERIC) return;
    this.i += 8;
    this.uint();
    const vLen = this.uint();
    if (kind === WEIGHTED) {
      for (let k = 0; k < vLen; k++) {
        this.i += 8;
        this.uint();
      }
    } else {
      this.i += 8 * vLen;
    }
  }
}

/**
 * Encodes days (ascending, one block) into a blob. Layout (varints unless marked f64):
 *   dayCount, then per day: day, typeCount, contactCount, featureCount,
 *     per type (by name):   typeId, n, propCount, per property: nameId, t, kind (one byte:
 *                           0 not numeric, 1 numeric, 2 numeric with weighted values),
 *                           and when numeric: s (f64), c, valueCount, then per value its f64
 *                           (kind 1) or its f64 and its weight (kind 2)
 *     per contact (by pk):  pk minus the previous contact's pk of that day (the first: pk), n
 *     per feature (by type, feature name): typeId, featureId, n
 */
export function encodeDays(days: readonly DayAgg[], ids: NameIds): Buffer {
  const w = new ByteWriter();
  w.uint(days.length, 'a day count');
  for (const d of days) encodeDay(w, d, ids);
  return w.done();
}

/** A block from days each given either decoded or as its encoded bytes (ascending days). */
export function assembleDays(days: readonly (DayAgg | Uint8Array)[], ids: NameIds): Buffer {
  const w = new ByteWriter();
  w.uint(days.length, 'a day count');
  for (const d of days) {
    if (d instanceof Uint8Array) w.bytes(d);
    else encodeDay(w, d, ids);
  }
  return w.done();
}

function encodeDay(w: ByteWriter, d: DayAgg, ids: NameIds): void {
  let features = 0;
  for (const m of d.features.values()) features += m.size;
  w.uint(d.day, 'a day');
  w.uint(d.types.size, 'a type count');
  w.uint(d.contacts.size, 'a contact count');
  w.uint(features, 'a feature count');
  for (const [type, { n, props }] of [...d.types].sort(byName)) {
    w.uint(ids.id(type), 'an id');
    w.uint(n, `the count of ${type}`);
    const names = props ? Object.keys(props) : [];
    w.uint(names.length, 'a property count');
    for (const name of names) {
      const p = props![name];
      w.uint(ids.id(name), 'an id');
      w.uint(p.t, `the true count of ${name}`);
      const v = p.v ?? [];
      const numeric = p.c !== 0 || !Object.is(p.s, 0) || p.v !== undefined;
      const weights = numeric && p.w && v.length ? p.w : null;
      w.uint(!numeric ? NOT_NUMERIC : weights ? WEIGHTED : NUMERIC, 'a flag');
      if (!numeric) continue;
      w.f64(p.s);
      w.uint(p.c, `the value count of ${name}`);
      w.uint(v.length, 'a value count');
      if (weights) {
        for (let k = 0; k < v.length; k++) {
          w.f64(v[k]);
          w.uint(weights[k], `a value weight of ${name}`);
        }
      } else {
        for (const x of v) w.f64(x);
      }
    }
  }
  let prev = 0;
  for (const [contactPk, n] of [...d.contacts].sort((x, y) => x[0] - y[0])) {
    w.uint(contactPk - prev, 'a contact pk');
    w.uint(n, 'a contact count');
    prev = contactPk;
  }
  for (const [type, m] of [...d.features].sort(byName)) {
    const typeId = ids.id(type);
    for (const [feature, n] of [...m].sort(byName)) {
      w.uint(typeId, 'an id');
      w.uint(ids.id(feature), 'an id');
      w.uint(n, `the count of feature ${feature}`);
    }
  }
}

/** Where each day of a blob starts and ends, found without decoding the days. */
export function dayRanges(blob: Buffer): { day: number; start: number; end: number }[] {
  const r = new Cursor(blob);
  const out: { day: number; start: number; end: number }[] = [];
  for (let dayCount = r.uint(); dayCount > 0; dayCount--) {
    const start = r.i;
    const day = r.uint();
    const nT = r.uint();
    const nC = r.uint();
    const nF = r.uint();
    for (let k = 0; k < nT; k++) {
      r.uint();
      r.uint();
      for (let np = r.uint(); np > 0; np--) {
        r.uint();
        r.skipStat();
      }
    }
    for (let k = 2 * nC + 3 * nF; k > 0; k--) r.uint();
    out.push({ day, start, end: r.i });
  }
  return out;
}

/** Decodes the day starting at byte `start` of a blob. */
export function decodeDayAt(blob: Buffer, start: number, ids: NameIds): DayAgg {
  const r = new Cursor(blob);
  r.i = start;
  return decodeDay(r, ids);
}

function decodeDay(r: Cursor, ids: NameIds): DayAgg {
  const d = emptyDay(r.uint());
  const nT = r.uint();
  const nC = r.uint();
  const nF = r.uint();
  for (let k = 0; k < nT; k++) {
    const type = ids.name(r.uint());
    const n = r.uint();
    const np = r.uint();
    let props: PropMap | null = null;
    if (np > 0) {
      props = dict();
      for (let q = 0; q < np; q++) {
        const name = ids.name(r.uint());
        props[name] = r.stat();
      }
    }
    d.types.set(type, { n, props });
  }
  let pk = 0;
  for (let k = 0; k < nC; k++) {
    pk += r.uint();
    d.contacts.set(pk, r.uint());
  }
  for (let k = 0; k < nF; k++) {
    const type = ids.name(r.uint());
    const feature = ids.name(r.uint());
    let m = d.features.get(type);
    if (!m) d.features.set(type, (m = new Map()));
    m.set(feature, r.uint());
  }
  return d;
}

/** Decodes a blob into days by name. */
export function decodeDays(blob: Buffer, ids: NameIds): DayAgg[] {
  const r = new Cursor(blob);
  const days: DayAgg[] = [];
  for (let dayCount = r.uint(); dayCount > 0; dayCount--) days.push(decodeDay(r, ids));
  return days;
}
