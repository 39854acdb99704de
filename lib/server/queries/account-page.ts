/** Everything the account page shows, in one answer the page prefetches and then polls. */
import type { Db } from '@/db/open';
import { accountDetailJson } from '../api-shapes';
import { DAY_MS } from '../commands/aggregates';
import { getAccountDetail, getAccountHistory } from './account-detail';
import { findAccountPk } from './accounts';
import { listAlerts } from './alerts';
import { activeOverride } from './overrides';
import { accountOutcomes, accountTimeline, modelVersionMarkers } from './timeline';

export const HISTORY_DAYS = 180;

export function accountPage(db: Db, id: string, options: { types?: string[] } = {}) {
  const pk = findAccountPk(db, id);
  if (pk === null) return null;
  const detail = getAccountDetail(db, id);
  if (!detail) return null;
  const today = Math.floor(Date.now() / DAY_MS);
  const history = getAccountHistory(db, pk, today - HISTORY_DAYS, today).map((h) => ({
    date: new Date(h.day * DAY_MS).toISOString().slice(0, 10),
    score: h.score,
    band: h.band,
    modelVersion: h.model_version,
  }));
  const churnedAt = db.$client.prepare('SELECT churned_at FROM accounts WHERE pk = ?').pluck().get(pk) as number | null;
  return {
    ...accountDetailJson(detail),
    churnedAt: churnedAt === null ? null : new Date(churnedAt).toISOString(),
    history,
    versions: modelVersionMarkers(db),
    timeline: accountTimeline(db, pk, { types: options.types, limit: 100 }),
    outcomes: accountOutcomes(db, pk),
    override: activeOverride(db, pk),
    openAlerts: listAlerts(db, { state: 'open', accountPk: pk }).map((a) => ({ pk: a.pk, kind: a.kind, key: a.key, title: a.title })),
  };
}

export type AccountPageData = NonNullable<ReturnType<typeof accountPage>>;
