/**
 * Experiments on a real database (both engines): assignment (every account once, stratified,
 * reproducible from the seed), each arm's programme while the experiment runs (cadence intervals,
 * playbooks off for a holdout), conflicts refused, late joiners, stopping.
 */
import { beforeEach, expect, it } from 'vitest';
import type { ExperimentInput } from '@/lib/experiments/definition';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { accountCadence } from '../queries/cadence';
import { experimentReport, experimentsOfAccount, getExperiment, listAssignments, listExperiments } from '../queries/experiments';
import { listTasks } from '../queries/tasks';
import { upsertAccounts } from './accounts';
import { prepareDatabase } from './catalogue';
import { createExperiment, stopExperiment } from './experiments';
import { insertDefaultPlaybooks } from './playbooks';
import { refreshAllProgramme, refreshProgramme } from './programme';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const ADMIN = { actor: 'manager@example.com', actorUserPk: null, ip: null };

const weeklyVsMonthly = (over: Partial<ExperimentInput> = {}): ExperimentInput => ({
  key: 'weekly-calls',
  name: 'Weekly vs monthly calls for growth accounts',
  hypothesis: 'Weekly calls keep growth accounts from churning',
  population: { tier: ['growth'] },
  arms: [
    { key: 'monthly', label: 'Monthly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 30 }] },
    { key: 'weekly', label: 'Weekly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }] },
  ],
  seed: 20260615,
  startAt: new Date(NOW).toISOString(),
  ...over,
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describeEngines('experiments', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `G${i}`, name: `Growth ${i}`, tier: 'growth' as const, startedAt: NOW - 400 * DAY, ownerEmail: i % 2 ? 'a@example.com' : 'b@example.com' })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `C${i}`, name: `Core ${i}`, tier: 'core' as const, startedAt: NOW - 400 * DAY, ownerEmail: 'a@example.com' })),
    ]);
  });

  const pkOf = async (id: string) => (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;
  const armOf = async (key: string) =>
    new Map((await db.all<{ id: string; arm: string }>('SELECT a.id, x.arm FROM experiment_assignments x JOIN accounts a ON a.pk = x.account_pk JOIN experiments e ON e.pk = x.experiment_pk WHERE e.key = ?', [key])).map((r) => [r.id, r.arm]));

  it('assigns every account of the population once, split evenly within each stratum, and audits it', async () => {
    const created = await createExperiment(db, weeklyVsMonthly({ stratifyBy: ['tier', 'owner'] }), ADMIN, { now: NOW });
    expect(created).toMatchObject({ key: 'weekly-calls', assigned: 40, arms: [{ key: 'monthly', accounts: 20 }, { key: 'weekly', accounts: 20 }] });
    const detail = (await getExperiment(db, 'weekly-calls', NOW))!;
    expect(detail.state).toBe('running');
    expect(detail.strata).toEqual([
      { stratum: 'tier=growth|owner=a@example.com', arms: { monthly: 10, weekly: 10 }, total: 20 },
      { stratum: 'tier=growth|owner=b@example.com', arms: { monthly: 10, weekly: 10 }, total: 20 },
    ]);
    expect(await db.value("SELECT count(*) FROM audit_log WHERE action = 'experiment.created' AND target_id = 'weekly-calls'")).toBe(1);
    // Recorded once: the programme looking at the accounts again draws nobody again.
    const before = await armOf('weekly-calls');
    await refreshAllProgramme(db, NOW + DAY);
    expect(await armOf('weekly-calls')).toEqual(before);
    expect(Number(await db.value('SELECT count(*) FROM experiment_assignments'))).toBe(40);
  });

  it('the same seed gives the same arms; the seed is kept when none was given', async () => {
    // No programme change: the two may share accounts.
    const plain = (key: string, seed?: number) => weeklyVsMonthly({ key, seed, arms: [{ key: 'monthly', label: 'A', weight: 1 }, { key: 'weekly', label: 'B', weight: 1 }] });
    await createExperiment(db, plain('one', 7), ADMIN, { now: NOW });
    await createExperiment(db, plain('two', 7), ADMIN, { now: NOW });
    await createExperiment(db, plain('three', 8), ADMIN, { now: NOW });
    expect(await armOf('two')).toEqual(await armOf('one'));
    expect(await armOf('three')).not.toEqual(await armOf('one'));
    await createExperiment(db, plain('four'), ADMIN, { now: NOW });
    const seed = (await getExperiment(db, 'four'))!.seed;
    expect(Number.isInteger(seed)).toBe(true);
  });

  it('runs each arm on its own cadence while it runs, and back to the tier’s after it is stopped', async () => {
    await createExperiment(db, weeklyVsMonthly(), ADMIN, { now: NOW });
    const arms = await armOf('weekly-calls');
    const weekly = [...arms].find(([, a]) => a === 'weekly')![0];
    const monthly = [...arms].find(([, a]) => a === 'monthly')![0];
    const touchpoint = async (id: string) => (await accountCadence(db, await pkOf(id), NOW)).find((i) => i.key === 'touchpoint')!.everyDays;
    expect(await touchpoint(weekly)).toBe(7);
    expect(await touchpoint(monthly)).toBe(30);
    // Not in the experiment: the tier's own.
    expect(await touchpoint('C0')).toBe(30);
    // The sweep keeps it so.
    await refreshAllProgramme(db, NOW + DAY);
    expect(await touchpoint(weekly)).toBe(7);
    const stopped = await stopExperiment(db, 'weekly-calls', ADMIN, NOW + 2 * DAY);
    expect(stopped.endAt).toBe(NOW + 2 * DAY);
    expect(await touchpoint(weekly)).toBe(14);
    expect(await touchpoint(monthly)).toBe(14);
    expect(await db.value("SELECT count(*) FROM audit_log WHERE action = 'experiment.stopped'")).toBe(1);
    expect((await failure(stopExperiment(db, 'weekly-calls', ADMIN, NOW + 3 * DAY))).code).toBe('conflict');
    expect((await listExperiments(db, NOW + 3 * DAY))[0]).toMatchObject({ key: 'weekly-calls', state: 'finished', stoppedBy: 'manager@example.com' });
  });

  it('a planned experiment changes nothing until its start', async () => {
    await createExperiment(db, weeklyVsMonthly({ startAt: new Date(NOW + 10 * DAY).toISOString() }), ADMIN, { now: NOW });
    const weekly = [...(await armOf('weekly-calls'))].find(([, a]) => a === 'weekly')![0];
    const every = async (now: number) => (await accountCadence(db, await pkOf(weekly), now)).find((i) => i.key === 'touchpoint')!.everyDays;
    await refreshAllProgramme(db, NOW + DAY);
    expect(await every(NOW + DAY)).toBe(14);
    await refreshAllProgramme(db, NOW + 10 * DAY);
    expect(await every(NOW + 10 * DAY)).toBe(7);
  });

  it('a holdout arm gets no playbook tasks; the other arm does', async () => {
    await insertDefaultPlaybooks(db, NOW);
    await createExperiment(
      db,
      weeklyVsMonthly({
        key: 'holdout',
        arms: [
          { key: 'programme', label: 'Current programme', weight: 1 },
          { key: 'holdout', label: 'Holdout: no outreach', weight: 1, playbooks: { off: 'all' } },
        ],
      }),
      ADMIN,
      { now: NOW },
    );
    // Growth accounts never touched: the touchpoint is overdue, the "overdue touchpoint" playbook fires.
    await refreshAllProgramme(db, NOW);
    const arms = await armOf('holdout');
    const tasks = (await listTasks(db, { state: 'open', now: NOW, limit: 200 })).data;
    const withTasks = new Set(tasks.map((task) => task.accountId));
    const growth = [...arms.keys()];
    expect(growth.filter((id) => arms.get(id) === 'programme').every((id) => withTasks.has(id))).toBe(true);
    expect(growth.filter((id) => arms.get(id) === 'holdout').some((id) => withTasks.has(id))).toBe(false);
  });

  it('refuses a second experiment on the same accounts and cadence item, naming the first', async () => {
    await createExperiment(db, weeklyVsMonthly(), ADMIN, { now: NOW });
    const e = await failure(createExperiment(db, weeklyVsMonthly({ key: 'biweekly', population: { owner: ['a@example.com'] } }), ADMIN, { now: NOW }));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('the running experiment "weekly-calls" (20 accounts are in both)');
    expect(e.message).toContain('the cadence item "touchpoint"');
    expect(e.details).toEqual([{ path: 'population', message: 'overlaps the running experiment "weekly-calls" on the cadence item "touchpoint"' }]);
    // Another tier: no account in common, none can join both.
    await createExperiment(db, weeklyVsMonthly({ key: 'core-calls', population: { tier: ['core'] } }), ADMIN, { now: NOW });
    // Another item on the same accounts: allowed.
    await createExperiment(db, weeklyVsMonthly({ key: 'reviews', arms: [{ key: 'a', label: 'A', weight: 1 }, { key: 'b', label: 'B', weight: 1, cadence: [{ item: 'business-review', everyDays: 30 }] }] }), ADMIN, { now: NOW });
    // After the first ends, the same accounts may be used again.
    // Later but while the first still runs (it has no end): refused too.
    expect((await failure(createExperiment(db, weeklyVsMonthly({ key: 'later', startAt: new Date(NOW + 40 * DAY).toISOString() }), ADMIN, { now: NOW }))).code).toBe('conflict');
    await stopExperiment(db, 'weekly-calls', ADMIN, NOW + DAY);
    await expect(createExperiment(db, weeklyVsMonthly({ key: 'again', startAt: new Date(NOW + 2 * DAY).toISOString() }), ADMIN, { now: NOW + 2 * DAY })).resolves.toMatchObject({ assigned: 40 });
  });

  it('names what is wrong: an unknown cadence item, playbook or band, a taken key, a start in the past', async () => {
    const e = await failure(createExperiment(db, weeklyVsMonthly({
      population: { band: ['purple'] },
      arms: [{ key: 'a', label: 'A', weight: 1, cadence: [{ item: 'smoke-signals', everyDays: 3 }] }, { key: 'b', label: 'B', weight: 1, playbooks: { off: ['nope'] } }],
    }), ADMIN, { now: NOW }));
    expect(e.code).toBe('invalid');
    expect(e.details.map((d) => d.path)).toEqual(['arms.0.cadence.0.item', 'arms.1.playbooks.off.0', 'population.band.0']);
    const bad = await failure(createExperiment(db, { ...weeklyVsMonthly(), arms: [{ key: 'a', label: 'A', weight: 1, colour: 'red' }] }, ADMIN, { now: NOW }));
    expect(bad.details).toEqual(expect.arrayContaining([{ path: 'arms.0.colour', message: 'unknown field' }, { path: 'arms', message: 'At least two arms: a baseline and a treatment' }]));
    await createExperiment(db, weeklyVsMonthly(), ADMIN, { now: NOW });
    expect((await failure(createExperiment(db, weeklyVsMonthly({ population: { tier: ['core'] } }), ADMIN, { now: NOW }))).details).toEqual([{ path: 'key', message: 'This key is taken: choose another' }]);
    expect((await failure(createExperiment(db, weeklyVsMonthly({ key: 'old', startAt: new Date(NOW - 3 * DAY).toISOString() }), ADMIN, { now: NOW }))).details[0]!.path).toBe('startAt');
  });

  it('assigns accounts joining the population later on their next look, or leaves them out', async () => {
    await createExperiment(db, weeklyVsMonthly(), ADMIN, { now: NOW });
    await createExperiment(db, weeklyVsMonthly({ key: 'core-closed', population: { tier: ['core'] }, lateJoiners: 'exclude', arms: [{ key: 'a', label: 'A', weight: 1 }, { key: 'b', label: 'B', weight: 1 }] }), ADMIN, { now: NOW });
    await upsertAccounts(db, [
      { id: 'G-new', name: 'New growth', tier: 'growth', startedAt: NOW, ownerEmail: 'a@example.com' },
      { id: 'C-new', name: 'New core', tier: 'core', startedAt: NOW, ownerEmail: 'a@example.com' },
    ]);
    await refreshProgramme(db, [await pkOf('G-new'), await pkOf('C-new')], NOW + DAY);
    const joined = await experimentsOfAccount(db, await pkOf('G-new'), NOW + DAY);
    expect(joined).toEqual([expect.objectContaining({ key: 'weekly-calls', state: 'running' })]);
    expect(await experimentsOfAccount(db, await pkOf('C-new'), NOW + DAY)).toEqual([]);
    const row = await db.get<{ late: number; position: number }>('SELECT late, position FROM experiment_assignments x JOIN accounts a ON a.pk = x.account_pk WHERE a.id = ?', ['G-new']);
    expect(row).toEqual({ late: 1, position: 40 });
    const every = (await accountCadence(db, await pkOf('G-new'), NOW + DAY)).find((i) => i.key === 'touchpoint')!.everyDays;
    expect(every).toBe(joined[0]!.arm === 'weekly' ? 7 : 30);
    expect((await getExperiment(db, 'weekly-calls', NOW + DAY))!.lateAssigned).toBe(1);
  });

  it('pages through the assignments with a cursor', async () => {
    await createExperiment(db, weeklyVsMonthly(), ADMIN, { now: NOW });
    const e = (await getExperiment(db, 'weekly-calls'))!;
    const first = await listAssignments(db, e.id, { limit: 25 });
    expect(first.data).toHaveLength(25);
    const second = await listAssignments(db, e.id, { limit: 25, cursor: first.nextCursor });
    expect(second.data).toHaveLength(15);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.data, ...second.data].map((a) => a.accountId)).size).toBe(40);
    expect((await failure(listAssignments(db, e.id, { cursor: 'bm9wZQ' }))).details[0]!.path).toBe('cursor');
  });

  it('reports on an experiment without history yet: arms with their sizes, no score change', async () => {
    await createExperiment(db, weeklyVsMonthly(), ADMIN, { now: NOW });
    const report = await experimentReport(db, 'weekly-calls', { now: NOW + DAY });
    expect(report.arms.map((a) => [a.key, a.accounts])).toEqual([['monthly', 20], ['weekly', 20]]);
    expect(report.arms[0]!.metrics.scoreChange).toMatchObject({ value: null, n: 0 });
    expect(report.arms[0]!.metrics.churnRate).toEqual({ value: 0, n: 20 });
    expect(report.comparisons.find((c) => c.metric === 'churnRate')).toMatchObject({ difference: 0, significant: false });
    expect((await failure(experimentReport(db, 'weekly-calls', { now: NOW, asOf: NOW - DAY }))).details[0]!.path).toBe('asOf');
  });

  it('takes arm keys that objects treat specially as plain names', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    await createExperiment(db, weeklyVsMonthly({ key: 'odd-names', arms: [{ key: 'constructor', label: 'A', weight: 1 }, { key: 'prototype', label: 'B', weight: 1 }] }), ADMIN, { now: NOW });
    const detail = (await getExperiment(db, 'odd-names', NOW))!;
    expect(detail.arms.map((a) => [a.key, a.accounts])).toEqual([['constructor', 20], ['prototype', 20]]);
    expect(detail.strata[0]!.arms).toEqual({ constructor: 20, prototype: 20 });
    const report = await experimentReport(db, 'odd-names', { now: NOW + DAY });
    expect(report.arms.map((a) => a.accounts)).toEqual([20, 20]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});
