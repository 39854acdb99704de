/**
 * Experiments: defined (checked, the population drawn and every account assigned to an arm at
 * random, once, in one transaction with the audit entry) and stopped early. While one runs, the
 * programme (commands/programme.ts) gives its accounts their arm's cadence and playbooks.
 */
import { assign, randomSeed, stratumOf } from '@/lib/experiments/assign';
import { commonChanges, experimentSchema, populationsMayOverlap, programmeChanges, START_GRACE_MS, stateOf, type ExperimentDefinition, type Population } from '@/lib/experiments/definition';
import { findItem } from '@/lib/experiments/programme';
import type { SqlParam, Store } from '@/lib/server/store';
import { AppError, type ErrorDetail } from '../errors';
import { liveBands } from '../queries/model';
import { recordAudit, type AuditEntry } from './audit';
import { liveCadence } from './cadence';
import { EXPERIMENT_COLUMNS, experimentOf, openExperiments, startScores, type ExperimentRow, type StoredExperiment } from './experiment-arms';
import { refreshProgramme } from './programme';
import { insertInto } from './row-writer';
import { lockScores } from './score-writer';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

/** A field's path as the API names it: `arms.1.cadence.0.item`; the body itself is `(root)`. */
const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)';

/** A definition checked against the schema; every problem named by its field. */
export function checkDefinition(input: unknown): ExperimentDefinition {
  const parsed = experimentSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details: ErrorDetail[] = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
  throw new AppError('invalid', `The experiment is not valid: ${[...new Set(details.map((d) => d.path))].join(', ')}`, details);
}

export interface PopulationAccount {
  pk: number;
  id: string;
  tier: string | null;
  band: string | null;
  owner: string | null;
}

/** The accounts of a population now: customers (not churned) matching every filter given, in pk order. */
export async function populationAccounts(db: Store, p: Population): Promise<PopulationAccount[]> {
  const where = ['a.churned_at IS NULL'];
  const params: SqlParam[] = [];
  if (p.tier) {
    where.push(db.dialect.inJsonArray('a.tier', 'text'));
    params.push(JSON.stringify(p.tier));
  }
  if (p.band) {
    where.push(db.dialect.inJsonArray('s.band', 'text'));
    params.push(JSON.stringify(p.band));
  }
  if (p.owner) {
    where.push(db.dialect.inJsonArray('lower(a.owner_email)', 'text'));
    params.push(JSON.stringify(p.owner.map((o) => o.toLowerCase())));
  }
  if (p.accountIds) {
    where.push(db.dialect.inJsonArray('a.id', 'text'));
    params.push(JSON.stringify(p.accountIds));
  }
  return db.all<PopulationAccount>(
    `SELECT a.pk, a.id, a.tier, s.band, a.owner_email AS owner FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE ${where.join(' AND ')} ORDER BY a.pk`,
    params,
  );
}

/** The names a definition uses that must exist: cadence items of the live cadence, playbooks, bands. */
async function checkReferences(db: Store, d: ExperimentDefinition): Promise<void> {
  const details: ErrorDetail[] = [];
  const { cadence } = await liveCadence(db);
  const playbooks = new Set(await db.column<string>('SELECT key FROM playbooks'));
  d.arms.forEach((arm, i) => {
    arm.cadence.forEach((c, j) => {
      if (!findItem(cadence, c.item)) details.push({ path: `arms.${i}.cadence.${j}.item`, message: `the live cadence has no item "${c.item}"` });
    });
    arm.playbooks.on.forEach((k, j) => {
      if (!playbooks.has(k)) details.push({ path: `arms.${i}.playbooks.on.${j}`, message: `no playbook "${k}"` });
    });
    if (arm.playbooks.off !== 'all') {
      arm.playbooks.off.forEach((k, j) => {
        if (!playbooks.has(k)) details.push({ path: `arms.${i}.playbooks.off.${j}`, message: `no playbook "${k}"` });
      });
    }
  });
  if (d.population.band) {
    const bands = new Set((await liveBands(db)).map((b) => b.key));
    d.population.band.forEach((b, i) => {
      if (!bands.has(b)) details.push({ path: `population.band.${i}`, message: `the model has no band "${b}"` });
    });
  }
  if (details.length) throw new AppError('invalid', `The experiment names ${details.length === 1 ? 'something' : 'things'} that do not exist`, details);
}

/**
 * Refuses a definition that would put an account in two experiments changing the same part of
 * the programme at the same time: one whose time overlaps, that changes a common cadence item or
 * playbook, and that holds some of this population's accounts now (or could later: both take
 * joiners and their filters can meet).
 */
async function checkConflicts(db: Store, d: ExperimentDefinition, startAt: number, endAt: number | null, pks: readonly number[], now: number): Promise<void> {
  const mine = programmeChanges(d.arms);
  if (!mine.size) return;
  for (const other of await openExperiments(db, Math.max(now, startAt))) {
    if (!(startAt < (other.endAt ?? Infinity) && other.startAt < (endAt ?? Infinity))) continue;
    const common = commonChanges(mine, programmeChanges(other.arms));
    if (!common.length) continue;
    const both = pks.length
      ? Number(
          await db.value(`SELECT count(*) FROM experiment_assignments WHERE experiment_pk = ? AND ${db.dialect.inJsonArray('account_pk', 'int')}`, [other.pk, JSON.stringify(pks)]),
        )
      : 0;
    const later = d.lateJoiners === 'assign' && other.lateJoiners === 'assign' && populationsMayOverlap(d.population, other.population);
    if (!both && !later) continue;
    const state = stateOf(other, now);
    const overlap = both ? `${both} account${both === 1 ? ' is' : 's are'} in both` : 'accounts joining later could be in both';
    throw new AppError(
      'conflict',
      `The population overlaps the ${state} experiment "${other.key}" (${overlap}), which also changes ${common.join(' and ')}. An account can be in one experiment at a time per cadence item or playbook: narrow the population, change something else, or stop "${other.key}" first.`,
      [{ path: 'population', message: `overlaps the ${state} experiment "${other.key}" on ${common.join(' and ')}` }],
    );
  }
}

export interface CreatedExperiment {
  id: number;
  key: string;
  assigned: number;
  /** accounts per arm, in the arms' order */
  arms: { key: string; accounts: number }[];
}

/**
 * Defines an experiment: checked, its population drawn now, each account assigned to an arm
 * (stratified, from the seed) and recorded once, the definition audited. If it has started, its
 * accounts' programme is brought to their arms' at once. `allowPast`: a start further back than
 * a day (the demo's history only).
 */
export async function createExperiment(db: Store, input: unknown, actor: Actor, options: { now?: number; allowPast?: boolean } = {}): Promise<CreatedExperiment> {
  const now = options.now ?? Date.now();
  const d = checkDefinition(input);
  const startAt = Date.parse(d.startAt);
  const endAt = d.endAt ? Date.parse(d.endAt) : null;
  if (!options.allowPast && startAt < now - START_GRACE_MS) {
    throw new AppError('invalid', 'An experiment starts now or later: its arms’ programmes cannot apply to the past', [{ path: 'startAt', message: 'in the past' }]);
  }
  if (endAt !== null && endAt <= now && !options.allowPast) throw new AppError('invalid', 'The end is in the past', [{ path: 'endAt', message: 'in the past' }]);
  const seed = d.seed ?? randomSeed();
  return db.tx(async (tx) => {
    await checkReferences(tx, d);
    if (await tx.value('SELECT 1 FROM experiments WHERE key = ?', [d.key])) {
      throw new AppError('conflict', `An experiment with the key "${d.key}" exists already`, [{ path: 'key', message: 'This key is taken: choose another' }]);
    }
    const accounts = await populationAccounts(tx, d.population);
    if (!accounts.length && d.lateJoiners === 'exclude') {
      throw new AppError('invalid', 'The population has no accounts now, and accounts joining later are excluded', [{ path: 'population', message: 'no accounts match' }]);
    }
    const pks = accounts.map((a) => a.pk);
    await checkConflicts(tx, d, startAt, endAt, pks, now);
    const row = await tx.get<{ pk: number }>(
      `INSERT INTO experiments (key, name, hypothesis, population, arms, stratify_by, seed, start_at, end_at, late_joiners, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk`,
      [d.key, d.name, d.hypothesis ?? null, JSON.stringify(d.population), JSON.stringify(d.arms), JSON.stringify(d.stratifyBy), seed, startAt, endAt, d.lateJoiners, now, actor.actor],
    );
    const pk = row!.pk;
    const placed = assign(
      seed,
      d.arms.map((a) => a.weight),
      accounts.map((a) => ({ account: a.pk, stratum: stratumOf(d.stratifyBy, a) })),
    );
    const scores = await startScores(tx, pks, startAt, now);
    await insertInto(
      tx,
      'experiment_assignments',
      ['experiment_pk', 'account_pk', 'arm', 'stratum', 'position', 'assigned_at', 'late', 'start_score'],
      placed.map((p) => [pk, p.account, d.arms[p.arm]!.key, p.stratum, p.position, now, 0, scores.get(p.account) ?? null]),
    );
    const counts = d.arms.map((a, i) => ({ key: a.key, accounts: placed.filter((p) => p.arm === i).length }));
    await recordAudit(tx, {
      ...actor,
      action: 'experiment.created',
      targetType: 'experiment',
      targetId: d.key,
      details: { name: d.name, population: d.population, arms: d.arms, stratifyBy: d.stratifyBy, seed, startAt: d.startAt, endAt: d.endAt ?? null, lateJoiners: d.lateJoiners, assigned: placed.length },
    });
    if (startAt <= now && (endAt === null || endAt > now) && programmeChanges(d.arms).size) {
      // PostgreSQL: the lock a rescore of these accounts takes, so the two take turns.
      await lockScores(tx, pks);
      await refreshProgramme(tx, pks, now);
    }
    return { id: pk, key: d.key, assigned: placed.length, arms: counts };
  });
}

/** An experiment by its id (a number) or its key; null when there is none. */
export async function findExperiment(db: Store, idOrKey: string): Promise<StoredExperiment | null> {
  const byPk = /^[1-9]\d{0,14}$/.test(idOrKey);
  const row = await db.get<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE ${byPk ? 'pk' : 'key'} = ?`, [byPk ? Number(idOrKey) : idOrKey]);
  return row ? experimentOf(row) : null;
}

/**
 * Ends an experiment now (a planned one ends before it starts): its accounts go back to the
 * programme everyone has; the assignments and the report stay. Audited.
 */
export async function stopExperiment(db: Store, idOrKey: string, actor: Actor, now = Date.now(), reason: string | null = null): Promise<StoredExperiment> {
  return db.tx(async (tx) => {
    const e = await findExperiment(tx, idOrKey);
    if (!e) throw new AppError('not_found', `There is no experiment "${idOrKey.slice(0, 60)}"`);
    const state = stateOf(e, now);
    if (state === 'finished') throw new AppError('conflict', `The experiment "${e.key}" has finished already`, [{ path: 'id', message: 'finished' }]);
    const startAt = state === 'planned' ? now : e.startAt;
    const changes = programmeChanges(e.arms).size > 0;
    const pks = changes ? await tx.column<number>('SELECT account_pk FROM experiment_assignments WHERE experiment_pk = ? ORDER BY account_pk', [e.pk]) : [];
    // PostgreSQL: the accounts' locks first, then the experiment's row, in the order a rescore
    // assigning late joiners takes them.
    await lockScores(tx, pks);
    await tx.run('UPDATE experiments SET end_at = ?, start_at = ?, stopped_by = ? WHERE pk = ?', [now, startAt, actor.actor, e.pk]);
    await recordAudit(tx, { ...actor, action: 'experiment.stopped', targetType: 'experiment', targetId: e.key, details: { state, endAt: new Date(now).toISOString(), reason } });
    if (changes) await refreshProgramme(tx, pks, now);
    return { ...e, startAt, endAt: now, stoppedBy: actor.actor };
  });
}
