/**
 * The report recovers a known effect (both engines): a portfolio of growth accounts assigned to
 * monthly or weekly calls, whose accounts then live through twelve weeks written with the real
 * commands (events with logged minutes, NPS answers, churn and expansion outcomes): the weekly
 * arm has four times the calls and half the churn. The report's intervals hold the true
 * differences and leave out 0.
 */
import { beforeEach, expect, it } from 'vitest';
import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { eventSchema, outcomeSchema, type EventInput, type OutcomeInput } from '@/lib/ingest/schemas';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { upsertAccounts, insertOutcomes } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { ingestEvents } from '../commands/events';
import { createExperiment } from '../commands/experiments';
import { rebuildHistory } from '../commands/history';
import { rescoreEverything } from '../commands/rescore-all';
import { rescore } from '../commands/scores';
import { experimentReport } from './experiments';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const T0 = Date.UTC(2026, 2, 2);
const WEEKS = 12;
const T1 = T0 + WEEKS * 7 * DAY;
const N = 400;
const CHURN = { monthly: 0.3, weekly: 0.15 };
/** Calls in the twelve weeks: weekly on days 1, 8, ... 78; monthly on days 1, 31, 61. */
const CALLS = { monthly: 3, weekly: 12 };
/** Minutes per call: uniform 20 to 40. */
const MEAN_MINUTES = 30;

describeEngines('an experiment with a known effect', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
  });

  it('the report recovers half the churn and the extra CSM time, with intervals that hold them and leave out 0', { timeout: 120_000 }, async () => {
    await upsertAccounts(db, Array.from({ length: N }, (_, i) => ({ id: `ACC-${i}`, name: `Account ${i}`, tier: 'growth' as const, startedAt: T0 - 400 * DAY, ownerEmail: 'csm@example.com' })));
    const created = await createExperiment(
      db,
      {
        key: 'weekly-calls',
        name: 'Weekly vs monthly calls for growth accounts',
        population: { tier: ['growth'] },
        arms: [
          { key: 'monthly', label: 'Monthly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 30 }] },
          { key: 'weekly', label: 'Weekly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }] },
        ],
        seed: 11,
        startAt: new Date(T0).toISOString(),
        endAt: new Date(T1).toISOString(),
      },
      { actor: 'manager@example.com', actorUserPk: null, ip: null },
      { now: T0, allowPast: true },
    );
    expect(created.assigned).toBe(N);
    const arms = new Map((await db.all<{ id: string; arm: 'monthly' | 'weekly' }>('SELECT a.id, x.arm FROM experiment_assignments x JOIN accounts a ON a.pk = x.account_pk')).map((r) => [r.id, r.arm]));

    // Twelve weeks of the accounts' lives, drawn from a fixed seed.
    const g = xoroshiro128plus(2026);
    const draw = () => unsafeUniformIntDistribution(0, 999_999, g) / 1_000_000;
    const events: EventInput[] = [];
    const outcomes: OutcomeInput[] = [];
    const at = (ms: number) => new Date(ms).toISOString();
    let answers = 0;
    for (const [id, arm] of arms) {
      const churnAt = draw() < CHURN[arm] ? T0 + (7 + Math.floor(draw() * (WEEKS * 7 - 14))) * DAY : null;
      if (churnAt !== null) outcomes.push(outcomeSchema.parse({ accountId: id, type: 'churned', occurredAt: at(churnAt) }));
      if (draw() < 0.1) outcomes.push(outcomeSchema.parse({ accountId: id, type: 'expanded', occurredAt: at(T0 + 40 * DAY), arrDelta: 5000 }));
      const alive = (ms: number) => churnAt === null || ms < churnAt;
      for (let d = -30; d < WEEKS * 7; d += 3) {
        const ms = T0 + d * DAY + 9 * 3_600_000;
        if (alive(ms)) events.push(eventSchema.parse({ accountId: id, type: 'product.login', occurredAt: at(ms), count: 5 }));
      }
      for (let k = 0; k < CALLS[arm]; k++) {
        const ms = T0 + (1 + k * (arm === 'weekly' ? 7 : 30)) * DAY + 14 * 3_600_000;
        // A churned account's calls go on being logged: the time was spent all the same.
        events.push(eventSchema.parse({ accountId: id, type: 'meeting.held', occurredAt: at(ms), properties: { channel: 'call', minutes: 20 + Math.floor(draw() * 21) } }));
      }
      if (draw() < 0.5) {
        answers++;
        events.push(eventSchema.parse({ accountId: id, type: 'nps.response', occurredAt: at(T0 + 50 * DAY), properties: { score: Math.floor(draw() * 11) } }));
      }
    }
    for (let i = 0; i < events.length; i += 2000) await ingestEvents(db, events.slice(i, i + 2000), { now: NOW, score: false });
    await insertOutcomes(db, outcomes);
    await rescoreEverything(db, { history: false });
    await rebuildHistory(db, { toDay: Math.floor(NOW / DAY) });

    const report = await experimentReport(db, 'weekly-calls', { now: NOW });
    expect(report.state).toBe('finished');
    expect(report.asOf).toBe(new Date(T1).toISOString());
    const [monthly, weekly] = report.arms;
    expect(monthly!.accounts + weekly!.accounts).toBe(N);
    expect(weekly!.metrics.nps.n + monthly!.metrics.nps.n).toBe(answers);

    const churn = report.comparisons.find((c) => c.metric === 'churnRate')!;
    const trueChurn = CHURN.weekly - CHURN.monthly;
    expect(churn.ci![0]).toBeLessThanOrEqual(trueChurn);
    expect(churn.ci![1]).toBeGreaterThanOrEqual(trueChurn);
    expect(churn.ci![1]).toBeLessThan(0);
    expect(churn.significant).toBe(true);
    expect(churn.pValue).toBeLessThan(0.05);

    const minutes = report.comparisons.find((c) => c.metric === 'csmMinutes')!;
    const trueMinutes = (CALLS.weekly - CALLS.monthly) * MEAN_MINUTES;
    expect(minutes.ci![0]).toBeLessThanOrEqual(trueMinutes);
    expect(minutes.ci![1]).toBeGreaterThanOrEqual(trueMinutes);
    expect(minutes.ci![0]).toBeGreaterThan(0);

    // Every account had a score before the start and at the end.
    expect(monthly!.metrics.scoreChange.n + weekly!.metrics.scoreChange.n).toBe(N);
    const score = report.comparisons.find((c) => c.metric === 'scoreChange')!;
    expect(score.difference).toBeGreaterThan(0);
    expect(weekly!.pointsPerHour).not.toBeNull();

    // The chart: both arms from the day before the start to the end.
    expect(report.series[0]!.day).toBe(0);
    expect(report.series[report.series.length - 1]!.day).toBe(WEEKS * 7);
    expect(Object.keys(report.series[0]!.values)).toEqual(['monthly', 'weekly']);
  });
});

describeEngines('the score change of an experiment that starts as it is created', (t) => {
  it('counts from the scores at its start, not from the end of the day before', { timeout: 60_000 }, async () => {
    const db = t.store;
    await prepareDatabase(db);
    const ids = Array.from({ length: 20 }, (_, i) => `S-${i}`);
    await upsertAccounts(db, ids.map((id) => ({ id, name: id, tier: 'growth' as const, startedAt: NOW - 400 * DAY })));
    const meetings = (list: string[], at: number) => list.flatMap((id) => [0, 1, 2].map(() => eventSchema.parse({ accountId: id, type: 'meeting.held', occurredAt: new Date(at).toISOString() })));
    await ingestEvents(db, meetings(ids, NOW - 10 * DAY), { now: NOW });
    await rescore(db, { now: NOW });
    await rebuildHistory(db, { toDay: Math.floor(NOW / DAY) });
    // This morning half the accounts met: their scores moved after yesterday's snapshot.
    const movers = ids.filter((_, i) => i % 2 === 0);
    await ingestEvents(db, meetings(movers, NOW - 2 * 3_600_000), { now: NOW });
    await rescore(db, { now: NOW });
    const actor = { actor: 'manager@example.com', actorUserPk: null, ip: null };
    const define = (key: string, startAt: number) => ({
      key, name: key, population: { tier: ['growth'] }, seed: 3, startAt: new Date(startAt).toISOString(),
      arms: [{ key: 'a', label: 'A', weight: 1 }, { key: 'b', label: 'B', weight: 1 }],
    });
    await createExperiment(db, define('starts-now', NOW), actor, { now: NOW });
    // Started hours ago: no score was kept at its start, so it counts from the end of the day before.
    await createExperiment(db, define('started-earlier', NOW - 3 * 3_600_000), actor, { now: NOW, allowPast: true });
    const changes = async (key: string) => (await experimentReport(db, key, { now: NOW + 60_000 })).arms.map((a) => a.metrics.scoreChange);

    const atStart = await changes('starts-now');
    expect(atStart.map((c) => c.n)).toEqual([10, 10]);
    expect(atStart.map((c) => c.value)).toEqual([0, 0]);
    const earlier = await changes('started-earlier');
    expect(earlier.some((c) => (c.value ?? 0) > 0)).toBe(true);

    // What happens after the start counts: the movers meet again and their scores rise.
    await ingestEvents(db, meetings(movers, NOW + 30_000), { now: NOW + 30_000 });
    await rescore(db, { now: NOW + 30_000 });
    const later = await changes('starts-now');
    expect(later.every((c) => (c.value ?? 0) > 0)).toBe(true);
  });
});
