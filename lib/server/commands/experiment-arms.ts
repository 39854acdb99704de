/**
 * Experiments as the programme sees them: which arm's programme applies to each account while
 * its experiment runs, and accounts that join an experiment's population after it was created,
 * assigned when the programme next looks at them (their rescore or the sweep) if the definition
 * says so. Run in the programme's transaction.
 */
import { assign, stratumOf } from '@/lib/experiments/assign';
import { armSchema, commonChanges, inPopulation, populationSchema, programmeChanges, type Arm, type LateJoiners, type Population, type StratifyBy } from '@/lib/experiments/definition';
import type { ArmProgramme } from '@/lib/experiments/programme';
import type { SqlParam, Store } from '@/lib/server/store';
import { insertInto } from './row-writer';

export interface StoredExperiment {
  pk: number;
  key: string;
  name: string;
  hypothesis: string | null;
  population: Population;
  arms: Arm[];
  stratifyBy: StratifyBy[];
  seed: number;
  startAt: number;
  endAt: number | null;
  lateJoiners: LateJoiners;
  createdAt: number;
  createdBy: string;
  stoppedBy: string | null;
}

export interface ExperimentRow {
  pk: number; key: string; name: string; hypothesis: string | null; population: string; arms: string; stratify_by: string; seed: number;
  start_at: number; end_at: number | null; late_joiners: LateJoiners; created_at: number; created_by: string; stopped_by: string | null;
}

export const EXPERIMENT_COLUMNS = 'pk, key, name, hypothesis, population, arms, stratify_by, seed, start_at, end_at, late_joiners, created_at, created_by, stopped_by';

/**
 * Parsed definitions: a definition never changes once stored (only its end). Known by its pk, key,
 * creation, seed, strata and texts' lengths, so that the databases one process may open (tests)
 * never share an entry unless their definitions are the same.
 */
const parsedArms = new Map<string, { population: Population; arms: Arm[]; stratifyBy: StratifyBy[] }>();

export function experimentOf(r: ExperimentRow): StoredExperiment {
  const cacheKey = `${r.pk}:${r.key}:${r.created_at}:${r.seed}:${r.stratify_by}:${r.arms.length}:${r.population.length}`;
  let parsed = parsedArms.get(cacheKey);
  if (!parsed) {
    parsed = {
      population: populationSchema.parse(JSON.parse(r.population)),
      arms: armSchema.array().parse(JSON.parse(r.arms)),
      stratifyBy: JSON.parse(r.stratify_by) as StratifyBy[],
    };
    if (parsedArms.size > 200) parsedArms.clear();
    parsedArms.set(cacheKey, parsed);
  }
  return {
    pk: r.pk, key: r.key, name: r.name, hypothesis: r.hypothesis, ...parsed, seed: r.seed, startAt: r.start_at, endAt: r.end_at,
    lateJoiners: r.late_joiners, createdAt: r.created_at, createdBy: r.created_by, stoppedBy: r.stopped_by,
  };
}

/** How near the assignment an account's start must be for its score then to count as its start score. */
const START_SCORE_WINDOW_MS = 5 * 60_000;

/**
 * The start scores of accounts assigned now whose part in an experiment begins at `startAt`: their
 * current scores when that is now (within a few minutes), else none (the report then reads the
 * score at the end of the day before the start from the daily history).
 */
export async function startScores(db: Store, accountPks: readonly number[], startAt: number, now: number): Promise<Map<number, number | null>> {
  if (Math.abs(startAt - now) > START_SCORE_WINDOW_MS || !accountPks.length) return new Map();
  return new Map(await db.rows<[number, number | null]>(`SELECT account_pk, score FROM scores WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`, [list(accountPks)]));
}

/** Experiments not finished at `now` (planned or running). */
export async function openExperiments(db: Store, now: number): Promise<StoredExperiment[]> {
  const rows = await db.all<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE end_at IS NULL OR end_at > ? ORDER BY pk`, [now]);
  return rows.map(experimentOf);
}

const overlapInTime = (a: { startAt: number; endAt: number | null }, b: { startAt: number; endAt: number | null }) =>
  a.startAt < (b.endAt ?? Infinity) && b.startAt < (a.endAt ?? Infinity);

/** Two arms' programmes as one (experiments on one account never change the same thing). */
function merge(a: ArmProgramme, b: ArmProgramme): ArmProgramme {
  const off = a.playbooks.off === 'all' || b.playbooks.off === 'all' ? ('all' as const) : [...a.playbooks.off, ...b.playbooks.off];
  return { cadence: [...a.cadence, ...b.cadence], playbooks: { on: [...a.playbooks.on, ...b.playbooks.on], off } };
}

const list = (pks: readonly number[]) => JSON.stringify(pks);

/**
 * The arm programme of each of these accounts that is in a running experiment whose arm changes
 * something (absent: the programme everyone has).
 */
export async function armProgrammes(db: Store, accountPks: readonly number[], now: number, open?: StoredExperiment[]): Promise<Map<number, ArmProgramme>> {
  const out = new Map<number, ArmProgramme>();
  const running = (open ?? (await openExperiments(db, now))).filter((e) => e.startAt <= now && programmeChanges(e.arms).size > 0);
  if (!running.length || !accountPks.length) return out;
  const byPk = new Map(running.map((e) => [e.pk, e]));
  const rows = await db.all<{ experiment_pk: number; account_pk: number; arm: string }>(
    `SELECT experiment_pk, account_pk, arm FROM experiment_assignments
     WHERE ${db.dialect.inJsonArray('experiment_pk', 'int')} AND ${db.dialect.inJsonArray('account_pk', 'int')}`,
    [list(running.map((e) => e.pk)), list(accountPks)],
  );
  for (const r of rows) {
    const arm = byPk.get(r.experiment_pk)?.arms.find((a) => a.key === r.arm);
    if (!arm || (!arm.cadence.length && !arm.playbooks.on.length && (arm.playbooks.off !== 'all' && !arm.playbooks.off.length))) continue;
    const before = out.get(r.account_pk);
    out.set(r.account_pk, before ? merge(before, arm) : { cadence: arm.cadence, playbooks: arm.playbooks });
  }
  return out;
}

export interface JoiningAccount {
  pk: number;
  id: string;
  tier: string | null;
  band: string | null;
  owner_email: string | null;
  churned_at: number | null;
}

/**
 * Assigns these accounts to each open experiment that takes accounts joining later, when they now
 * match its population and are not assigned yet (and are in no other open experiment that changes
 * the same part of the programme at the same time). Answers how many were assigned.
 */
export async function assignLateJoiners(db: Store, accounts: readonly JoiningAccount[], now: number, open?: StoredExperiment[]): Promise<number> {
  const experiments = open ?? (await openExperiments(db, now));
  const taking = experiments.filter((e) => e.lateJoiners === 'assign');
  if (!taking.length) return 0;
  const live = accounts.filter((a) => a.churned_at === null);
  const candidates = new Map<number, JoiningAccount[]>();
  for (const e of taking) {
    const matching = live.filter((a) => inPopulation(e.population, { id: a.id, tier: a.tier, band: a.band, owner: a.owner_email }));
    if (matching.length) candidates.set(e.pk, matching);
  }
  if (!candidates.size) return 0;
  const pks = [...new Set([...candidates.values()].flat().map((a) => a.pk))];
  const assigned = new Map<number, Set<number>>();
  for (const r of await db.all<{ experiment_pk: number; account_pk: number }>(
    `SELECT experiment_pk, account_pk FROM experiment_assignments WHERE ${db.dialect.inJsonArray('experiment_pk', 'int')} AND ${db.dialect.inJsonArray('account_pk', 'int')}`,
    [list(experiments.map((e) => e.pk)), list(pks)],
  )) {
    const set = assigned.get(r.account_pk) ?? new Set<number>();
    set.add(r.experiment_pk);
    assigned.set(r.account_pk, set);
  }
  const changes = new Map(experiments.map((e) => [e.pk, programmeChanges(e.arms)]));
  let total = 0;
  for (const e of taking) {
    const mine = changes.get(e.pk)!;
    const joining = (candidates.get(e.pk) ?? []).filter((a) => {
      const inOthers = assigned.get(a.pk);
      if (!inOthers) return true;
      if (inOthers.has(e.pk)) return false;
      // In another experiment that changes the same part of the programme at the same time: not this one.
      return ![...inOthers].some((other) => {
        const x = experiments.find((o) => o.pk === other)!;
        return overlapInTime(x, e) && commonChanges(mine, changes.get(other)!).length > 0;
      });
    });
    if (!joining.length) continue;
    // PostgreSQL: one writer at a time places accounts in this experiment's sequences.
    if (db.engine === 'postgres') await db.all('SELECT pk FROM experiments WHERE pk = ? FOR UPDATE', [e.pk]);
    const taken = new Map<string, number>();
    for (const r of await db.all<{ stratum: string; n: number }>('SELECT stratum, count(*) AS n FROM experiment_assignments WHERE experiment_pk = ? GROUP BY stratum', [e.pk])) {
      taken.set(r.stratum, Number(r.n));
    }
    const placed = assign(
      e.seed,
      e.arms.map((a) => a.weight),
      joining.map((a) => ({ account: a.pk, stratum: stratumOf(e.stratifyBy, { tier: a.tier, band: a.band, owner: a.owner_email }) })),
      taken,
    );
    // A late joiner's part begins when it joins, or at the start of an experiment still planned.
    const scores = await startScores(db, placed.map((p) => p.account), Math.max(e.startAt, now), now);
    const rows: SqlParam[][] = placed.map((p) => [e.pk, p.account, e.arms[p.arm]!.key, p.stratum, p.position, now, 1, scores.get(p.account) ?? null]);
    const inserted = await insertInto(
      db,
      'experiment_assignments',
      ['experiment_pk', 'account_pk', 'arm', 'stratum', 'position', 'assigned_at', 'late', 'start_score'],
      rows,
      'ON CONFLICT (experiment_pk, account_pk) DO NOTHING RETURNING account_pk',
    );
    for (const p of placed) {
      const set = assigned.get(p.account) ?? new Set<number>();
      set.add(e.pk);
      assigned.set(p.account, set);
    }
    total += inserted.length;
  }
  return total;
}
