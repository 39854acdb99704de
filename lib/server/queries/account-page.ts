/** Everything the account page shows, in one answer the page prefetches and then polls. */
import type { Db } from '@/db/open';
import { accountDetailJson } from '../api-shapes';
import { DAY_MS } from '../commands/aggregates';
import { accountDetailOf, getAccountHistory } from './account-detail';
import { findAccountPk } from './accounts';
import { listAlerts } from './alerts';
import { activeOverride } from './overrides';
import { historyDayOf, isoDay } from './score-source';
import { accountOutcomes, accountTimeline, modelVersionMarkers } from './timeline';

export const HISTORY_DAYS = 180;

/**
 * `asOf` (`YYYY-MM-DD`, before today): the page as of the end of that UTC day. The score, its
 * breakdown and flags are computed exactly from the raw events up to then; the trend, timeline,
 * outcomes, churn and the override in force stop there too. Alerts and the override form act
 * today, so `openAlerts` and `currentOverride` stay current.
 */
export function accountPage(db: Db, id: string, options: { types?: string[]; asOf?: string } = {}) {
  const pk = findAccountPk(db, id);
  if (pk === null) return null;
  const now = Date.now();
  const day = historyDayOf(options.asOf, now);
  const at = day === null ? now : (day + 1) * DAY_MS;
  const detail = accountDetailOf(db, pk, day === null ? { now } : { asOf: at });
  const lastDay = day ?? Math.floor(now / DAY_MS);
  const history = getAccountHistory(db, pk, lastDay - HISTORY_DAYS, lastDay).map((h) => ({
    date: isoDay(h.day),
    score: h.score,
    band: h.band,
    modelVersion: h.model_version,
  }));
  const churnedAt = detail.churnedAt !== null && detail.churnedAt < at ? detail.churnedAt : null;
  const currentOverride = activeOverride(db, pk, now);
  return {
    ...accountDetailJson(detail),
    asOf: day === null ? null : isoDay(day),
    churnedAt: churnedAt === null ? null : new Date(churnedAt).toISOString(),
    history,
    versions: modelVersionMarkers(db).filter((v) => day === null || Date.parse(v.publishedAt) < at),
    timeline: accountTimeline(db, pk, { types: options.types, limit: 100, before: day === null ? undefined : at }),
    outcomes: accountOutcomes(db, pk).filter((o) => day === null || Date.parse(o.occurredAt) < at),
    override: day === null ? currentOverride : activeOverride(db, pk, at),
    currentOverride,
    openAlerts: listAlerts(db, { state: 'open', accountPk: pk }).map((a) => ({ pk: a.pk, kind: a.kind, key: a.key, title: a.title })),
  };
}

export type AccountPageData = NonNullable<ReturnType<typeof accountPage>>;
