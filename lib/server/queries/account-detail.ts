/**
 * One account with its full score explanation. Without `asOf` it is computed from the
 * aggregates as of the end of today (the same numbers as the stored current score); with `asOf`
 * from the raw events, so that any instant is exact.
 */
import type { Store } from '@/lib/server/store';
import { activityDays, buildActivity, endOfUtcDay, featureSourcesOf, scoreAccount, type ScoreResult } from '@/lib/scoring';
import { contactActivity, DAY_MS } from '../aggregates';
import { ensureLiveModel } from '../commands/model';
import { loadCatalogue, loadScoringInputs } from './scoring-inputs';
import { findAccountPk } from './accounts';
import { churnRiskOf, currentRiskModel, type ChurnRisk } from './risk';
import { dimensionScores } from '../commands/score-writer';

interface AccountRow {
  pk: number; id: string; name: string; tier: string | null; lifecycle_stage: string | null; arr: number; owner_email: string | null;
  started_at: number | null; churned_at: number | null; renewal_date: number | null; industry: string | null; size: string | null; attributes: string | null;
}

export interface Stakeholder {
  id: string;
  name: string | null;
  email: string | null;
  role: string | null;
  department: string | null;
  lastActiveAt: string | null;
  interactionsInWindow: number;
}

export interface AccountDetail {
  account: {
    id: string; name: string; tier: string | null; lifecycleStage: string | null; arr: number; owner: string | null;
    startedAt: string | null; renewalDate: string | null; industry: string | null; size: string | null; attributes: Record<string, unknown> | null;
  };
  /** when the account churned (epoch ms), null while it is a customer */
  churnedAt: number | null;
  modelVersion: number;
  result: ScoreResult;
  /** the probability of churning within the risk model's horizon, with its reasons; null without a risk model for this version or a score */
  churnRisk: ChurnRisk | null;
  stakeholders: Stakeholder[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function getAccountDetail(db: Store, id: string, options: { asOf?: number; now?: number } = {}): Promise<AccountDetail | null> {
  const pk = await findAccountPk(db, id);
  return pk === null ? null : accountDetailOf(db, pk, options);
}

/** The same, for an account whose primary key is known. */
export async function accountDetailOf(db: Store, pk: number, options: { asOf?: number; now?: number } = {}): Promise<AccountDetail> {
  const live = await ensureLiveModel(db);
  const model = live.model;
  const exact = options.asOf !== undefined;
  const asOf = options.asOf ?? endOfUtcDay(options.now ?? Date.now());
  const span = activityDays(model) * DAY_MS;
  // Independent reads, asked together (on PostgreSQL they run side by side).
  const [inputsByPk, catalogue, accountRow, contacts, events, risk] = await Promise.all([
    loadScoringInputs(db, { accountPks: [pk], fromDay: Math.floor((asOf - span) / DAY_MS) - 1, toDay: Math.ceil(asOf / DAY_MS) }),
    loadCatalogue(db),
    db.get<AccountRow>(
      'SELECT pk, id, name, tier, lifecycle_stage, arr, owner_email, started_at, churned_at, renewal_date, industry, size, attributes FROM accounts WHERE pk = ?',
      [pk],
    ),
    db.all<{ pk: number; id: string; name: string | null; email: string | null; role: string | null; department: string | null }>(
      `SELECT ct.pk, ct.id, ct.name, ct.email, ct.role, ct.department FROM contacts ct WHERE ct.account_pk = ?
       ORDER BY CASE ct.role WHEN 'executive_sponsor' THEN 0 WHEN 'champion' THEN 1 WHEN 'power_user' THEN 2 ELSE 3 END, ct.name NULLS FIRST, ct.pk`,
      [pk],
    ),
    exact ? exactEvents(db, pk, asOf - span, asOf) : null,
    currentRiskModel(db, live.version),
  ]);
  const a = accountRow!;
  const inputs = inputsByPk.get(pk)!;
  let activity = inputs.activity;
  if (events) {
    activity = buildActivity(
      events.rows.map((r) => ({ ...r, properties: r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : null })),
      { featureSources: featureSourcesOf(model) },
    );
    activity.firstActivityAt = events.first;
  }
  const result = scoreAccount({ model, profile: inputs.profile, contacts: inputs.contacts, catalogue, activity, asOf });

  const windowFrom = Math.floor(result.window.from / DAY_MS);
  const windowTo = Math.ceil(result.window.to / DAY_MS);
  const active = await contactActivity(db, pk, new Map(contacts.map((ct) => [ct.pk, ct.id])), windowFrom, windowTo);
  const stakeholders = contacts.map((ct) => ({ ...ct, last_day: active.get(ct.id)?.lastDay ?? null, in_window: active.get(ct.id)?.inWindow ?? 0 }));

  return {
    account: {
      id: a.id, name: a.name, tier: a.tier, lifecycleStage: a.lifecycle_stage, arr: a.arr, owner: a.owner_email,
      startedAt: iso(a.started_at), renewalDate: iso(a.renewal_date), industry: a.industry, size: a.size,
      attributes: a.attributes ? (JSON.parse(a.attributes) as Record<string, unknown>) : null,
    },
    churnedAt: a.churned_at,
    modelVersion: live.version,
    result,
    // From the figures shown (as the score writer computes the stored one): as of `asOf` when given.
    churnRisk: risk && result.state === 'scored' ? churnRiskOf(risk, dimensionScores(result), result.scoreChange) : null,
    stakeholders: stakeholders.map((s) => ({
      id: s.id, name: s.name, email: s.email, role: s.role, department: s.department,
      lastActiveAt: s.last_day === null ? null : iso(s.last_day * DAY_MS), interactionsInWindow: s.in_window,
    })),
  };
}

/** The raw events of an account from `from` to `to` (exclusive), and its first event before `to`. */
async function exactEvents(db: Store, pk: number, from: number, to: number) {
  const [rows, first] = await Promise.all([
    db.all<{ type: string; occurredAt: number; count: number; contactId: string | null; properties: string | null }>(
      `SELECT e.type, e.occurred_at AS occurredAt, e.count, ct.id AS contactId, e.properties
       FROM events e LEFT JOIN contacts ct ON ct.pk = e.contact_pk
       WHERE e.account_pk = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.pk`,
      [pk, from, to],
    ),
    db.value<number | null>('SELECT min(occurred_at) FROM events WHERE account_pk = ? AND occurred_at < ?', [pk, to]),
  ]);
  return { rows, first: first ?? null };
}

export async function getAccountHistory(db: Store, pk: number, fromDay: number, toDay: number) {
  return db.all<{ day: number; score: number | null; band: string | null; dimensions: string | null; model_version: number }>(
    'SELECT day, score, band, dimensions, model_version FROM score_snapshots WHERE account_pk = ? AND day >= ? AND day <= ? ORDER BY day',
    [pk, fromDay, toDay],
  );
}
