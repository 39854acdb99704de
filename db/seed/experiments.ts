/**
 * The demo's experiments, deterministic from the seed:
 *
 * - "Weekly vs monthly calls for growth accounts", finished: the growth accounts that were
 *   customers through its thirteen weeks, assigned at random to monthly or weekly calls. The calls
 *   (with their logged minutes) are written as events, and the arms churn at different rates
 *   (30% of the accounts on monthly calls, 10% on weekly ones, drawn at random within each arm):
 *   a real effect the report finds. Written
 *   before the aggregates are built (`seedFinishedExperiment`, from the seed's `aggregate` step).
 * - "Quarterly business reviews for core accounts", running for three weeks, with no effect yet
 *   (`seedRunningExperiment`, once the scores exist: its arms' cadence applies from now on).
 */
import type { Store } from '../../lib/server/store';
import { createExperiment } from '../../lib/server/commands/experiments';
import { mixSeed, Rng } from './random';

const DAY_MS = 86_400_000;
const ACTOR = { actor: 'manager@example.com', actorUserPk: null, ip: null };
export const FINISHED_KEY = 'weekly-vs-monthly-calls';
export const RUNNING_KEY = 'quarterly-reviews-core';
const WEEKS = 13;
const CHURN = { monthly: 0.3, weekly: 0.1 } as const;

/** The finished experiment's span: thirteen weeks, ended seven weeks before the data's end. */
export function finishedSpan(end: number): { start: number; stop: number } {
  const today = Math.floor((end - 1) / DAY_MS) * DAY_MS;
  const stop = today - 49 * DAY_MS;
  return { start: stop - WEEKS * 7 * DAY_MS, stop };
}

/**
 * Defines the finished experiment over the seeded growth accounts and writes what each arm did:
 * calls every 7 or 30 days with their minutes, and churn at the arm's rate (an account that
 * churns has no events or outcomes after it). Run on the raw rows, before the aggregates.
 */
export async function seedFinishedExperiment(db: Store, options: { end: number; seed: number }): Promise<void> {
  const { start, stop } = finishedSpan(options.end);
  // Growth customers from before the start that had not churned by its end.
  const ids = await db.column<string>(
    `SELECT a.id FROM accounts a WHERE a.tier = 'growth' AND a.started_at < ?
       AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.account_pk = a.pk AND o.type = 'churned' AND o.occurred_at < ?)
     ORDER BY a.pk`,
    [start, stop],
  );
  if (ids.length < 20) return;
  await createExperiment(
    db,
    {
      key: FINISHED_KEY,
      name: 'Weekly vs monthly calls for growth accounts',
      hypothesis: 'A weekly call keeps growth accounts engaged and cuts their churn compared with a monthly call.',
      population: { tier: ['growth'], accountIds: ids },
      arms: [
        { key: 'monthly', label: 'Monthly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 30 }] },
        { key: 'weekly', label: 'Weekly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }] },
      ],
      stratifyBy: ['tier'],
      seed: mixSeed(options.seed, 1) >>> 1,
      startAt: new Date(start).toISOString(),
      endAt: new Date(stop).toISOString(),
      lateJoiners: 'exclude',
    },
    ACTOR,
    { allowPast: true },
  );
  const rows = await db.all<{ pk: number; arm: 'monthly' | 'weekly' }>(
    `SELECT x.account_pk AS pk, x.arm FROM experiment_assignments x JOIN experiments e ON e.pk = x.experiment_pk WHERE e.key = ? ORDER BY x.account_pk`,
    [FINISHED_KEY],
  );
  const rng = new Rng(mixSeed(options.seed, 2));
  // Each arm's share of churners, exactly, drawn at random among its accounts.
  const churners = new Set<number>();
  for (const arm of ['monthly', 'weekly'] as const) {
    const pks = rng.shuffle(rows.filter((r) => r.arm === arm).map((r) => r.pk));
    for (const pk of pks.slice(0, Math.round(pks.length * CHURN[arm]))) churners.add(pk);
  }
  const events: (string | number | null)[][] = [];
  for (const { pk, arm } of rows) {
    const churnAt = churners.has(pk) ? start + rng.int(10, WEEKS * 7 - 5) * DAY_MS + rng.int(9, 17) * 3_600_000 : null;
    const every = arm === 'weekly' ? 7 : 30;
    for (let d = rng.int(0, every - 1); d < WEEKS * 7; d += every) {
      const t = start + d * DAY_MS + rng.int(9, 16) * 3_600_000;
      if (churnAt !== null && t >= churnAt) break;
      const props = JSON.stringify({ channel: 'call', minutes: rng.int(20, 45), onTime: rng.chance(0.9), activeParticipation: rng.chance(0.8), executiveAttended: rng.chance(0.15), followThrough: rng.chance(0.7), strategic: rng.chance(0.5) });
      events.push([pk, 'meeting.held', t, props]);
    }
    if (churnAt !== null) {
      // What the account did after it left is not there: it left.
      await db.run('DELETE FROM events WHERE account_pk = ? AND occurred_at >= ?', [pk, churnAt]);
      await db.run('DELETE FROM outcomes WHERE account_pk = ? AND occurred_at >= ?', [pk, churnAt]);
      await db.run("INSERT INTO outcomes (account_pk, type, occurred_at, arr_delta, reason) SELECT pk, 'churned', ?, -arr, ? FROM accounts WHERE pk = ?", [churnAt, 'Did not see enough value to continue', pk]);
      await db.run('UPDATE accounts SET renewal_date = NULL WHERE pk = ?', [pk]);
    }
  }
  for (let i = 0; i < events.length; i += 200) {
    const part = events.slice(i, i + 200);
    await db.run(
      `INSERT INTO events (account_pk, type, occurred_at, count, properties, source, received_at) VALUES ${part.map(() => "(?, ?, ?, 1, ?, 'demo', ?)").join(', ')}`,
      part.flatMap(([pk, type, t, props]) => [pk, type, t, props, t]),
    );
  }
  // First and last activity of the accounts changed.
  await db.run(
    `UPDATE account_activity SET last_at = (SELECT max(e.occurred_at) FROM events e WHERE e.account_pk = account_activity.account_pk),
       events = (SELECT count(*) FROM events e WHERE e.account_pk = account_activity.account_pk)
     WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`,
    [JSON.stringify(rows.map((r) => r.pk))],
  );
}

/** Defines the running experiment (core accounts, three weeks in, no effect yet). Run once scores exist. */
export async function seedRunningExperiment(db: Store, options: { end: number; seed: number }): Promise<void> {
  const today = Math.floor((options.end - 1) / DAY_MS) * DAY_MS;
  await createExperiment(
    db,
    {
      key: RUNNING_KEY,
      name: 'Quarterly business reviews for core accounts',
      hypothesis: 'A business review every quarter instead of every year lifts the engagement of core accounts.',
      population: { tier: ['core'] },
      arms: [
        { key: 'yearly', label: 'Yearly reviews', weight: 1 },
        { key: 'quarterly', label: 'Quarterly reviews', weight: 1, cadence: [{ item: 'business-review', everyDays: 91 }] },
      ],
      seed: mixSeed(options.seed, 3) >>> 1,
      startAt: new Date(today - 21 * DAY_MS).toISOString(),
      lateJoiners: 'assign',
    },
    ACTOR,
    { allowPast: true },
  );
}
