/** Everything the account page shows, in one answer the page prefetches and then polls. */
import { formatUtcDay } from '@/lib/format';
import type { Store } from '@/lib/server/store';
import { DAY_MS } from '../aggregates';
import { accountDetailJson } from '../api-shapes';
import { ensureLiveModel } from '../commands/model';
import { accountDetailOf, getAccountHistory } from './account-detail';
import { findAccountPk } from './accounts';
import { listAlerts } from './alerts';
import { activeOverride } from './overrides';
import { historyDayOf, isoDay } from './score-source';
import { accountCadence } from './cadence';
import { experimentsOfAccount } from './experiments';
import { listTasks } from './tasks';
import { accountOutcomes, accountTimelinePage, modelVersionMarkers } from './timeline';
import { listActiveTriggers } from './triggers';
import { MIN_CHURNED, MIN_RETAINED, riskStatus } from './risk';

export const HISTORY_DAYS = 180;
/** Closed and snoozed tasks the page lists under the open ones. */
export const RECENT_TASKS = 10;

/**
 * `asOf` (`YYYY-MM-DD`, before today): the page as of the end of that UTC day. The score, its
 * breakdown and flags are computed exactly from the raw events up to then; the trend, timeline,
 * outcomes, churn and the override in force stop there too. Alerts and the override form act
 * today, so `openAlerts` and `currentOverride` stay current, and so do the cadence and the tasks.
 * The timeline is its first page (the rest through `accountTimelinePage`).
 */
export async function accountPage(db: Store, id: string, options: { types?: string[]; asOf?: string } = {}) {
  // Read in one snapshot: the cadence, tasks and alerts one rescore commits together come from
  // one side of that commit, with the aggregates the score is computed from, even when another
  // process commits while the page reads.
  // The live model first: on a database without one it is written, which a read-only
  // transaction refuses.
  await ensureLiveModel(db);
  return db.tx(() => readAccountPage(db, id, options), { readOnly: true });
}

async function readAccountPage(db: Store, id: string, options: { types?: string[]; asOf?: string }) {
  const pk = await findAccountPk(db, id);
  if (pk === null) return null;
  const now = Date.now();
  const day = historyDayOf(options.asOf, now);
  const at = day === null ? now : (day + 1) * DAY_MS;
  const lastDay = day ?? Math.floor(now / DAY_MS);
  // Independent reads, asked together (on PostgreSQL they run side by side).
  const [detail, historyRows, currentOverride, overrideThen, versions, timeline, outcomes, alerts, cadence, openTasks, snoozedTasks, closedTasks, triggers, experiments] = await Promise.all([
    accountDetailOf(db, pk, day === null ? { now } : { asOf: at }),
    getAccountHistory(db, pk, lastDay - HISTORY_DAYS, lastDay),
    activeOverride(db, pk, now),
    day === null ? null : activeOverride(db, pk, at),
    modelVersionMarkers(db),
    accountTimelinePage(db, pk, { types: options.types, before: day === null ? undefined : at }),
    accountOutcomes(db, pk),
    listAlerts(db, { state: 'open', accountPk: pk }),
    accountCadence(db, pk, now),
    listTasks(db, { accountPk: pk, state: 'open', now, limit: 100 }),
    listTasks(db, { accountPk: pk, state: 'snoozed', now, limit: RECENT_TASKS }),
    listTasks(db, { accountPk: pk, state: 'done', now, limit: RECENT_TASKS }),
    listActiveTriggers(db),
    experimentsOfAccount(db, pk, now),
  ]);
  const history = historyRows.map((h) => ({
    date: isoDay(h.day),
    score: h.score,
    band: h.band,
    modelVersion: h.model_version,
  }));
  const churnedAt = detail.churnedAt !== null && detail.churnedAt < at ? detail.churnedAt : null;
  // An account that has churned by the day shown has no risk of churning left to estimate.
  const churnRisk = churnedAt === null ? detail.churnRisk : null;
  // Why there is no churn risk: what the last fit said, or that none was tried for this version.
  const status = churnRisk || churnedAt !== null ? null : await riskStatus(db);
  const riskNote = churnRisk
    ? null
    : churnedAt !== null
      ? `Churned on ${formatUtcDay(churnedAt)}: no churn risk is estimated for a former customer.`
      : detail.result.state !== 'scored'
        ? 'No churn risk without a score.'
        : status && !status.fitted
          ? status.message
          : `No churn risk is fitted for model version ${detail.modelVersion} yet: it needs at least ${MIN_CHURNED} accounts that churned and ${MIN_RETAINED} that stayed in the score history.`;
  return {
    ...accountDetailJson(detail),
    churnRisk,
    asOf: day === null ? null : isoDay(day),
    churnedAt: churnedAt === null ? null : new Date(churnedAt).toISOString(),
    history,
    versions: versions.filter((v) => day === null || Date.parse(v.publishedAt) < at),
    timeline,
    outcomes: outcomes.filter((o) => day === null || Date.parse(o.occurredAt) < at),
    override: day === null ? currentOverride : overrideThen,
    currentOverride,
    openAlerts: alerts.map((a) => ({ pk: a.pk, kind: a.kind, key: a.key, title: a.title })),
    cadence,
    tasks: { open: openTasks.data, snoozed: snoozedTasks.data, closed: closedTasks.data },
    /** the catalogue's triggers, for the timeline's filter */
    triggers,
    /** why `churnRisk` is null, in words */
    riskNote,
    /** the experiments the account is in, with its arm */
    experiments,
  };
}

export type AccountPageData = NonNullable<Awaited<ReturnType<typeof accountPage>>>;

/** A page of the account's timeline as the account page asks for it (null: no such account). */
export async function accountPageTimeline(db: Store, id: string, options: { types?: string[]; q?: string; cursor?: string | null; asOf?: string } = {}) {
  const pk = await findAccountPk(db, id);
  if (pk === null) return null;
  const day = historyDayOf(options.asOf, Date.now());
  return accountTimelinePage(db, pk, { types: options.types, q: options.q, cursor: options.cursor, before: day === null ? undefined : (day + 1) * DAY_MS });
}
