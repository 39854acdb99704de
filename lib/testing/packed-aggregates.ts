/** Reading the packed aggregates back in tests: every account-day, decoded into plain objects. */
import type { Db } from '@/db/open';
import { decodeDays, NameIds, type DayAgg, type PropMap } from '@/lib/server/packed-days';

export interface PlainDay {
  types: Record<string, { n: number; props: PropMap | null }>;
  contacts: Record<string, number>;
  /** `${type}|${feature}` -> n */
  features: Record<string, number>;
}

export const plainDay = (d: DayAgg): PlainDay => ({
  types: Object.fromEntries([...d.types].map(([k, v]) => [k, { n: v.n, props: v.props }])),
  contacts: Object.fromEntries(d.contacts),
  features: Object.fromEntries([...d.features].flatMap(([type, m]) => [...m].map(([f, n]) => [`${type}|${f}`, n]))),
});

/** Every account-day of agg_packed, keyed `${accountPk}|${day}`. */
export function packedDays(db: Db): Record<string, PlainDay> {
  const ids = new NameIds(db);
  const out: Record<string, PlainDay> = {};
  for (const [pk, data] of db.$client.prepare('SELECT account_pk, data FROM agg_packed ORDER BY 1, block').raw().all() as [number, Buffer][]) {
    for (const d of decodeDays(data, ids)) out[`${pk}|${d.day}`] = plainDay(d);
  }
  return out;
}

/** Every stored (account-day, type) entry of one type: its count and statistics. */
export function packedTypeDays(db: Db, type: string): { key: string; n: number; props: PropMap | null }[] {
  return Object.entries(packedDays(db)).flatMap(([key, d]) => (d.types[type] ? [{ key, ...d.types[type] }] : []));
}
