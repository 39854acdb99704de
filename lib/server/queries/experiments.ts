/**
 * Reads of experiments: the list with each one's state and arm sizes, one experiment with its
 * assignment by arm and stratum, its assignments a page at a time, the experiments an account is
 * in, a population's size before it is defined, and the report (each arm's metrics from the
 * stored scores, outcomes and events, compared with the baseline by lib/experiments/report.ts).
 */
import { MAX_ASSIGNMENTS_PAGE, stateOf, type ExperimentState, type Population } from '@/lib/experiments/definition';
import { buildReport, type ArmData, type ArmReport, type ComparisonReport } from '@/lib/experiments/report';
import { TOUCHPOINT_TRIGGERS } from '@/lib/programme/touchpoints';
import type { SqlParam, Store } from '@/lib/server/store';
import { DAY_MS, dayOf } from '../aggregates';
import { EXPERIMENT_COLUMNS, experimentOf, type ExperimentRow, type StoredExperiment } from '../commands/experiment-arms';
import { findExperiment, populationAccounts } from '../commands/experiments';
import { AppError } from '../errors';
import { liveCadence } from '../commands/cadence';
import { liveBands } from './model';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface ExperimentSummary {
  id: number;
  key: string;
  name: string;
  hypothesis: string | null;
  state: ExperimentState;
  population: Population;
  arms: { key: string; label: string; weight: number; baseline: boolean; accounts: number; cadence: { item: string; everyDays: number | null }[]; playbooks: { on: string[]; off: string[] | 'all' } }[];
  stratifyBy: string[];
  seed: number;
  startAt: string;
  endAt: string | null;
  lateJoiners: 'assign' | 'exclude';
  assigned: number;
  createdAt: string;
  createdBy: string;
  stoppedBy: string | null;
}

function summaryOf(e: StoredExperiment, counts: ReadonlyMap<string, number>, now: number): ExperimentSummary {
  const arms = e.arms.map((a, i) => ({ key: a.key, label: a.label, weight: a.weight, baseline: i === 0, accounts: counts.get(a.key) ?? 0, cadence: a.cadence, playbooks: a.playbooks }));
  return {
    id: e.pk, key: e.key, name: e.name, hypothesis: e.hypothesis, state: stateOf(e, now), population: e.population, arms, stratifyBy: e.stratifyBy, seed: e.seed,
    startAt: iso(e.startAt)!, endAt: iso(e.endAt), lateJoiners: e.lateJoiners, assigned: arms.reduce((s, a) => s + a.accounts, 0),
    createdAt: iso(e.createdAt)!, createdBy: e.createdBy, stoppedBy: e.stoppedBy,
  };
}

async function armCounts(db: Store, pks: readonly number[]): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (!pks.length) return out;
  for (const r of await db.all<{ experiment_pk: number; arm: string; n: number }>(
    `SELECT experiment_pk, arm, count(*) AS n FROM experiment_assignments WHERE ${db.dialect.inJsonArray('experiment_pk', 'int')} GROUP BY experiment_pk, arm`,
    [JSON.stringify(pks)],
  )) {
    const m = out.get(r.experiment_pk) ?? new Map<string, number>();
    m.set(r.arm, Number(r.n));
    out.set(r.experiment_pk, m);
  }
  return out;
}

/** Every experiment, newest first: running, then planned, then finished. */
export async function listExperiments(db: Store, now = Date.now()): Promise<ExperimentSummary[]> {
  const rows = (await db.all<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments ORDER BY start_at DESC, pk DESC`)).map(experimentOf);
  const counts = await armCounts(db, rows.map((e) => e.pk));
  const order: Record<ExperimentState, number> = { running: 0, planned: 1, finished: 2 };
  return rows.map((e) => summaryOf(e, counts.get(e.pk) ?? new Map(), now)).sort((a, b) => order[a.state] - order[b.state]);
}

export interface ExperimentDetail extends ExperimentSummary {
  /** accounts per stratum and arm */
  strata: { stratum: string; arms: Record<string, number>; total: number }[];
  /** accounts that joined after the start */
  lateAssigned: number;
}

/** One experiment by id or key, with its assignment by stratum; null when there is none. */
export async function getExperiment(db: Store, idOrKey: string, now = Date.now()): Promise<ExperimentDetail | null> {
  const e = await findExperiment(db, idOrKey);
  if (!e) return null;
  const rows = await db.all<{ stratum: string; arm: string; n: number; late: number }>(
    'SELECT stratum, arm, count(*) AS n, sum(late) AS late FROM experiment_assignments WHERE experiment_pk = ? GROUP BY stratum, arm ORDER BY stratum, arm',
    [e.pk],
  );
  const counts = new Map<string, number>();
  const strata = new Map<string, Map<string, number>>();
  let late = 0;
  for (const r of rows) {
    counts.set(r.arm, (counts.get(r.arm) ?? 0) + Number(r.n));
    const s = strata.get(r.stratum) ?? new Map<string, number>();
    s.set(r.arm, Number(r.n));
    strata.set(r.stratum, s);
    late += Number(r.late ?? 0);
  }
  return {
    ...summaryOf(e, counts, now),
    strata: [...strata].map(([stratum, arms]) => ({
      stratum,
      arms: Object.fromEntries(e.arms.map((a) => [a.key, arms.get(a.key) ?? 0])),
      total: [...arms.values()].reduce((s, n) => s + n, 0),
    })),
    lateAssigned: late,
  };
}


export interface AssignmentItem {
  accountId: string;
  accountName: string;
  arm: string;
  stratum: string;
  assignedAt: string;
  late: boolean;
}

const encodeCursor = (pk: number) => Buffer.from(String(pk)).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new AppError('invalid', 'The cursor is not one this list gave', [{ path: 'cursor', message: 'pass back the nextCursor of the previous page' }]);
  return Number(m[1]);
}

/** An experiment's assignments in account order, a page at a time. */
export async function listAssignments(db: Store, experimentPk: number, options: { cursor?: string | null; limit?: number; arm?: string } = {}): Promise<{ data: AssignmentItem[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, MAX_ASSIGNMENTS_PAGE));
  const params: Record<string, SqlParam> = { e: experimentPk, after: options.cursor ? decodeCursor(options.cursor) : 0, limit: limit + 1 };
  let arm = '';
  if (options.arm) {
    arm = ' AND x.arm = @arm';
    params.arm = options.arm;
  }
  const rows = await db.all<{ pk: number; id: string; name: string; arm: string; stratum: string; assigned_at: number; late: number }>(
    `SELECT a.pk, a.id, a.name, x.arm, x.stratum, x.assigned_at, x.late FROM experiment_assignments x JOIN accounts a ON a.pk = x.account_pk
     WHERE x.experiment_pk = @e AND x.account_pk > @after${arm} ORDER BY x.account_pk LIMIT @limit`,
    params,
  );
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => ({ accountId: r.id, accountName: r.name, arm: r.arm, stratum: r.stratum, assignedAt: iso(r.assigned_at)!, late: r.late === 1 })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.pk) : null,
  };
}

export interface AccountExperiment {
  id: number;
  key: string;
  name: string;
  state: ExperimentState;
  arm: string;
  armLabel: string;
  baseline: boolean;
}

/** The experiments an account is in, newest first. */
export async function experimentsOfAccount(db: Store, accountPk: number, now = Date.now()): Promise<AccountExperiment[]> {
  const rows = await db.all<ExperimentRow & { arm: string }>(
    `SELECT ${EXPERIMENT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')}, x.arm FROM experiment_assignments x JOIN experiments e ON e.pk = x.experiment_pk
     WHERE x.account_pk = ? ORDER BY e.start_at DESC, e.pk DESC`,
    [accountPk],
  );
  return rows.map((r) => {
    const e = experimentOf(r);
    const index = e.arms.findIndex((a) => a.key === r.arm);
    return { id: e.pk, key: e.key, name: e.name, state: stateOf(e, now), arm: r.arm, armLabel: e.arms[index]?.label ?? r.arm, baseline: index === 0 };
  });
}

/** How many accounts a population holds now, by tier: the form's preview. */
export async function previewPopulation(db: Store, population: Population): Promise<{ accounts: number; byTier: Record<string, number> }> {
  const accounts = await populationAccounts(db, population);
  const byTier = new Map<string, number>();
  for (const a of accounts) byTier.set(a.tier ?? 'none', (byTier.get(a.tier ?? 'none') ?? 0) + 1);
  return { accounts: accounts.length, byTier: Object.fromEntries(byTier) };
}

export interface ExperimentReport {
  id: number;
  key: string;
  state: ExperimentState;
  startAt: string;
  asOf: string;
  arms: ArmReport[];
  comparisons: ComparisonReport[];
  /** each arm's mean score by day since the start (day 0: the day before the start, its baseline) */
  series: { day: number; date: string; values: Record<string, number | null>; counts: Record<string, number> }[];
}

/** Longest chart drawn day by day; a longer experiment is drawn a week at a time. */
const DAILY_POINTS = 200;
/** The triggers a logged touchpoint is written as (constants: quoted into the SQL as literals). */
const MINUTES_TRIGGERS = [...new Set(Object.values(TOUCHPOINT_TRIGGERS))].filter((t) => /^[a-z._]+$/.test(t));
const MINUTES_IN = MINUTES_TRIGGERS.map((t) => `'${t}'`).join(', ');

/**
 * The report as of `asOf` (default: now, or the end of a finished experiment; later than the end
 * reads as the end). Each account counts from the start (an account that joined later, from when
 * it joined): its score change (from its score when its part began, kept at assignment when that
 * was the moment it began, else the score at the end of the day before from the daily history; to
 * the score at the end of the day before `asOf`, or the current score when `asOf` is now), whether
 * it churned or expanded (an outcome in the period), NPS answers and logged CSM minutes.
 */
export async function experimentReport(db: Store, idOrKey: string, options: { asOf?: number; now?: number } = {}): Promise<ExperimentReport> {
  const now = options.now ?? Date.now();
  const e = await findExperiment(db, idOrKey);
  if (!e) throw new AppError('not_found', `There is no experiment "${idOrKey.slice(0, 60)}"`);
  const last = Math.min(now, e.endAt ?? now);
  if (options.asOf !== undefined && options.asOf > now) throw new AppError('invalid', 'asOf is in the future', [{ path: 'asOf', message: 'not after now' }]);
  if (options.asOf !== undefined && options.asOf < e.startAt) throw new AppError('invalid', `asOf is before the experiment started (${iso(e.startAt)})`, [{ path: 'asOf', message: 'before the start' }]);
  const asOf = Math.max(e.startAt, Math.min(options.asOf ?? last, last));
  const current = asOf >= now - 60_000;

  const assignments = await db.all<{ account_pk: number; arm: string; assigned_at: number; late: number; start_score: number | null }>(
    'SELECT account_pk, arm, assigned_at, late, start_score FROM experiment_assignments WHERE experiment_pk = ? ORDER BY account_pk',
    [e.pk],
  );
  // An account's own start: the experiment's, or when it joined.
  const startOf = new Map(assignments.map((a) => [a.account_pk, a.late === 1 ? Math.max(e.startAt, a.assigned_at) : e.startAt]));
  const counted = assignments.filter((a) => startOf.get(a.account_pk)! <= asOf);
  const scoreDay = (t: number) => dayOf(t) - 1;
  // The history is read only for accounts whose score at their start was not kept at assignment.
  const startDays = [...new Set(counted.filter((a) => a.start_score === null).map((a) => scoreDay(startOf.get(a.account_pk)!)))];
  const periodStart = `CASE WHEN x.late = 1 AND x.assigned_at > @start THEN x.assigned_at ELSE @start END`;
  const base = { e: e.pk, start: e.startAt, asOf };

  const [startScores, endScores, outcomes, answers, minutes] = await Promise.all([
    startDays.length
      ? db.all<{ account_pk: number; day: number; score: number | null }>(
          `SELECT s.account_pk, s.day, s.score FROM score_snapshots s JOIN experiment_assignments x ON x.account_pk = s.account_pk AND x.experiment_pk = ?
           WHERE x.start_score IS NULL AND ${db.dialect.inJsonArray('s.day', 'int')}`,
          [e.pk, JSON.stringify(startDays)],
        )
      : [],
    current
      ? db.all<{ account_pk: number; score: number | null }>(
          'SELECT s.account_pk, s.score FROM scores s JOIN experiment_assignments x ON x.account_pk = s.account_pk AND x.experiment_pk = ?',
          [e.pk],
        )
      : db.all<{ account_pk: number; score: number | null }>(
          'SELECT s.account_pk, s.score FROM score_snapshots s JOIN experiment_assignments x ON x.account_pk = s.account_pk AND x.experiment_pk = ? WHERE s.day = ?',
          [e.pk, scoreDay(asOf)],
        ),
    db.all<{ account_pk: number; type: 'churned' | 'expanded' }>(
      `SELECT DISTINCT o.account_pk, o.type FROM outcomes o JOIN experiment_assignments x ON x.account_pk = o.account_pk AND x.experiment_pk = @e
       WHERE o.type IN ('churned', 'expanded') AND o.occurred_at >= ${periodStart} AND o.occurred_at < @asOf`,
      base,
    ),
    db.all<{ account_pk: number; score: number | null }>(
      `SELECT ev.account_pk, ${db.dialect.jsonNumber('ev.properties', 'score')} AS score FROM events ev
       JOIN experiment_assignments x ON x.account_pk = ev.account_pk AND x.experiment_pk = @e
       WHERE ev.type = 'nps.response' AND ev.occurred_at >= ${periodStart} AND ev.occurred_at < @asOf`,
      base,
    ),
    db.all<{ account_pk: number; minutes: number | null }>(
      `SELECT ev.account_pk, sum(${db.dialect.jsonNumber('ev.properties', 'minutes')}) AS minutes FROM events ev
       JOIN experiment_assignments x ON x.account_pk = ev.account_pk AND x.experiment_pk = @e
       WHERE ev.type IN (${MINUTES_IN}) AND ev.occurred_at >= ${periodStart} AND ev.occurred_at < @asOf
       GROUP BY ev.account_pk`,
      base,
    ),
  ]);

  const startScore = new Map<number, number>();
  for (const r of startScores) if (r.score !== null && r.day === scoreDay(startOf.get(r.account_pk)!)) startScore.set(r.account_pk, r.score);
  // The score kept when the account's part began (assigned as it began) is its start score exactly.
  for (const a of counted) if (a.start_score !== null) startScore.set(a.account_pk, a.start_score);
  const endScore = new Map<number, number>();
  for (const r of endScores) if (r.score !== null) endScore.set(r.account_pk, r.score);
  const churned = new Set(outcomes.filter((o) => o.type === 'churned').map((o) => o.account_pk));
  const expanded = new Set(outcomes.filter((o) => o.type === 'expanded').map((o) => o.account_pk));
  const npsBy = new Map<number, number[]>();
  for (const a of answers) {
    if (a.score === null || a.score < 0 || a.score > 10) continue;
    const l = npsBy.get(a.account_pk) ?? [];
    l.push(Math.round(a.score));
    npsBy.set(a.account_pk, l);
  }
  const minutesBy = new Map(minutes.map((m) => [m.account_pk, Number(m.minutes ?? 0)]));

  const data = new Map<string, ArmData>(e.arms.map((a) => [a.key, { key: a.key, label: a.label, accounts: 0, scoreChanges: [], churned: 0, expanded: 0, npsAnswers: [], minutes: [] }]));
  for (const a of counted) {
    const d = data.get(a.arm);
    if (!d) continue;
    d.accounts++;
    const s0 = startScore.get(a.account_pk);
    const s1 = endScore.get(a.account_pk);
    if (s0 !== undefined && s1 !== undefined) d.scoreChanges.push(s1 - s0);
    if (churned.has(a.account_pk)) d.churned++;
    if (expanded.has(a.account_pk)) d.expanded++;
    for (const answer of npsBy.get(a.account_pk) ?? []) d.npsAnswers.push(answer);
    d.minutes.push(minutesBy.get(a.account_pk) ?? 0);
  }
  const { arms, comparisons } = buildReport([...data.values()]);
  return { id: e.pk, key: e.key, state: stateOf(e, now), startAt: iso(e.startAt)!, asOf: iso(asOf)!, arms, comparisons, series: await scoreSeries(db, e, asOf) };
}

/** Each arm's mean score by day from the day before the start to the day before `asOf` (weekly when long). */
async function scoreSeries(db: Store, e: StoredExperiment, asOf: number): Promise<ExperimentReport['series']> {
  const first = dayOf(e.startAt) - 1;
  const lastDay = Math.max(first, dayOf(asOf) - (asOf % DAY_MS === 0 ? 1 : 0));
  const step = lastDay - first > DAILY_POINTS ? 7 : 1;
  const days: number[] = [];
  for (let d = first; d <= lastDay; d += step) days.push(d);
  if (days[days.length - 1] !== lastDay) days.push(lastDay);
  const rows = await db.all<{ arm: string; day: number; mean: number | null; n: number }>(
    `SELECT x.arm, s.day, avg(s.score) AS mean, count(s.score) AS n FROM score_snapshots s
     JOIN experiment_assignments x ON x.account_pk = s.account_pk AND x.experiment_pk = ?
     WHERE ${db.dialect.inJsonArray('s.day', 'int')} AND s.score IS NOT NULL GROUP BY x.arm, s.day`,
    [e.pk, JSON.stringify(days)],
  );
  const byDay = new Map<number, Map<string, { mean: number; n: number }>>();
  for (const r of rows) {
    const m = byDay.get(r.day) ?? new Map<string, { mean: number; n: number }>();
    m.set(r.arm, { mean: Number(r.mean), n: Number(r.n) });
    byDay.set(r.day, m);
  }
  return days
    .filter((d) => byDay.has(d))
    .map((d) => {
      const m = byDay.get(d)!;
      return {
        day: d - first,
        date: new Date(d * DAY_MS).toISOString().slice(0, 10),
        values: Object.fromEntries(e.arms.map((a) => [a.key, m.has(a.key) ? Math.round(m.get(a.key)!.mean * 10) / 10 : null])),
        counts: Object.fromEntries(e.arms.map((a) => [a.key, m.get(a.key)?.n ?? 0])),
      };
    });
}

export interface ExperimentFormOptions {
  bands: { key: string; label: string }[];
  owners: string[];
  /** every cadence item of the live cadence, with each tier's interval */
  cadenceItems: { key: string; label: string; everyDays: Record<string, number> }[];
  playbooks: { key: string; name: string; active: boolean }[];
}

/** What the definition form offers: bands, owners, cadence items and playbooks. */
export async function experimentFormOptions(db: Store): Promise<ExperimentFormOptions> {
  const [bands, owners, { cadence }, playbooks] = await Promise.all([
    liveBands(db),
    db.column<string>('SELECT DISTINCT owner_email FROM accounts WHERE owner_email IS NOT NULL AND churned_at IS NULL ORDER BY owner_email LIMIT 500'),
    liveCadence(db),
    db.all<{ key: string; name: string; active: number }>('SELECT key, name, active FROM playbooks ORDER BY name'),
  ]);
  const items = new Map<string, { key: string; label: string; everyDays: Record<string, number> }>();
  for (const [tier, list] of Object.entries(cadence.tiers)) {
    for (const item of list) {
      const entry = items.get(item.key) ?? { key: item.key, label: item.label, everyDays: {} };
      entry.everyDays[tier] = item.everyDays;
      items.set(item.key, entry);
    }
  }
  return {
    bands: bands.map((b) => ({ key: b.key, label: b.label })),
    owners,
    cadenceItems: [...items.values()],
    playbooks: playbooks.map((p) => ({ key: p.key, name: p.name, active: p.active === 1 })),
  };
}

/** The report as of the end of a day (`YYYY-MM-DD`, kept within the start and now), or as of now. */
export async function experimentReportForDay(db: Store, e: Pick<ExperimentSummary, 'id' | 'startAt'>, day: string | null, now = Date.now()): Promise<ExperimentReport> {
  const asOf = day === null ? undefined : Math.min(now, Math.max(Date.parse(e.startAt), Date.parse(`${day}T00:00:00Z`) + DAY_MS));
  return experimentReport(db, String(e.id), { asOf, now });
}
