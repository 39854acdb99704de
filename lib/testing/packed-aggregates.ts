/** Reading the packed aggregates back in tests: every account-day, decoded into plain objects. */
import { storedDays, type DayAgg, type PropMap } from '@/lib/server/aggregates';
import type { Store } from '@/lib/server/store';

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
export async function packedDays(db: Store): Promise<Record<string, PlainDay>> {
  const out: Record<string, PlainDay> = {};
  for await (const { accountPk, day } of storedDays(db)) out[`${accountPk}|${day.day}`] = plainDay(day);
  return out;
}

/** Every stored (account-day, type) entry of one type: its count and statistics. */
export async function packedTypeDays(db: Store, type: string): Promise<{ key: string; n: number; props: PropMap | null }[]> {
  return Object.entries(await packedDays(db)).flatMap(([key, d]) => (d.types[type] ? [{ key, ...d.types[type] }] : []));
}
