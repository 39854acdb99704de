/**
 * A model with active_days, recency and trend measures scores the same on every path: the stored
 * live scores (windowed activity), the account page (day buckets, and raw events for an exact
 * instant), the daily history (a sliding window), and the editor's preview and backtest. A recency
 * tier reaching past both windows sees an old event on each of them.
 */
import { beforeEach, expect, it } from 'vitest';
import { eventSchema, outcomeSchema } from '@/lib/ingest/schemas';
import { DAY_MS, DEFAULT_MODEL, endOfUtcDay, scoreAccount, type Model, type ScoreResult } from '@/lib/scoring';
import { describeEngines } from '@/lib/testing/engines';
import { dayOf } from '../aggregates';
import { getAccountDetail } from '../queries/account-detail';
import { previewModel, scoreEveryAccount } from '../queries/model-preview';
import { loadCatalogue, loadScoringInputs } from '../queries/scoring-inputs';
import { insertOutcomes, upsertAccounts } from './accounts';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { rebuildHistory } from './history';
import { publishModel } from './model';
import { dimensionScores } from './score-writer';

const NOW = Date.now();
const TODAY = dayOf(NOW);
/** an instant `days` days before today's noon (UTC): whole days apart from each other */
const ago = (days: number) => new Date((TODAY - days) * DAY_MS + DAY_MS / 2).toISOString();

/** The default model with a fifth dimension of the three kinds; the recency reaches 200 days back. */
const MODEL: Model = {
  ...DEFAULT_MODEL,
  dimensions: [
    ...DEFAULT_MODEL.dimensions.map((d) => ({ ...d, weight: ({ frequency: 25, quality: 30, breadth: 15, product: 10 } as Record<string, number>)[d.key]! })),
    {
      key: 'momentum',
      label: 'Momentum',
      weight: 20,
      measures: [
        { key: 'login_days', label: 'Login days', kind: 'active_days', event: 'product.login', points: 5, cap: 50 },
        { key: 'last_meeting', label: 'Last meeting', kind: 'recency', event: 'meeting.held', tiers: [{ maxDays: 7, points: 20 }, { maxDays: 30, points: 10 }, { maxDays: 150, points: 5 }, { maxDays: 200, points: 0 }] },
        { key: 'email_trend', label: 'Email trend', kind: 'trend', event: 'email.exchanged', tiers: [{ min: 1.2, points: 10 }, { min: 0.8, points: 5 }, { min: 0, points: 0 }] },
      ],
    },
  ],
  overrides: [{ match: { lifecycleStage: 'onboarding' }, dimensionWeights: { frequency: 35, quality: 25, breadth: 10, product: 10, momentum: 20 } }],
};

const IDS = Array.from({ length: 10 }, (_, i) => `K${i}`);

describeEngines('a model with active_days, recency and trend measures', (t) => {
  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [...IDS, 'OLD'].map((id, i) => ({ id, name: id, tier: 'growth' as const, arr: 1000 * (i + 1), startedAt: NOW - 400 * DAY_MS })));
    const events = IDS.flatMap((id, i) =>
      Array.from({ length: 180 }, (_, d) => d).flatMap((d) => [
        ...((d * 7 + i) % (3 + i) === 0 ? [eventSchema.parse({ accountId: id, type: 'product.login', occurredAt: ago(d), count: 1 + (d % 3) })] : []),
        ...(d % (11 + 4 * i) === i ? [eventSchema.parse({ accountId: id, type: 'meeting.held', occurredAt: ago(d), properties: { onTime: d % 2 === 0 } })] : []),
        ...((d + i) % (2 + (d > 30 ? i % 3 : 0)) === 0 ? [eventSchema.parse({ accountId: id, type: 'email.exchanged', occurredAt: ago(d) })] : []),
      ]),
    );
    // OLD's only meeting is 100 days old, long before both 30-day windows; its logins 0, 20 and 40 days ago.
    events.push(
      eventSchema.parse({ accountId: 'OLD', type: 'meeting.held', occurredAt: ago(100) }),
      ...[0, 20, 40].map((d) => eventSchema.parse({ accountId: 'OLD', type: 'product.login', occurredAt: ago(d) })),
    );
    await ingestEvents(db, events);
    await insertOutcomes(db, IDS.slice(0, 3).map((id) => outcomeSchema.parse({ accountId: id, type: 'churned', occurredAt: ago(45) })));
    await publishModel(db, { model: MODEL, author: 'test' });
  });

  const stored = () =>
    t.store.all<{ id: string; pk: number; score: number | null; band: string | null; dimensions: string }>('SELECT a.id, a.pk, s.score, s.band, s.dimensions FROM scores s JOIN accounts a ON a.pk = s.account_pk ORDER BY a.pk');
  const snapshot = (pk: number, day: number) => t.store.get<{ score: number | null; band: string | null; dimensions: string | null }>('SELECT score, band, dimensions FROM score_snapshots WHERE account_pk = ? AND day = ?', [pk, day]);
  const row = (r: ScoreResult) => ({ score: r.score, band: r.band?.key ?? null, dimensions: r.state === 'scored' ? JSON.stringify(dimensionScores(r)) : null });
  const momentum = (r: ScoreResult) => r.dimensions.find((d) => d.key === 'momentum')!;

  it('stores, explains, rebuilds and previews the same scores', async () => {
    const db = t.store;
    const rows = await stored();
    expect(rows).toHaveLength(11);
    const preview = await scoreEveryAccount(db, MODEL, endOfUtcDay(NOW));
    const texts = new Set<string>();
    for (const r of rows) {
      const detail = (await getAccountDetail(db, r.id, { now: NOW }))!.result;
      const exact = (await getAccountDetail(db, r.id, { asOf: endOfUtcDay(NOW) }))!.result;
      expect(row(detail), r.id).toEqual({ score: r.score, band: r.band, dimensions: r.dimensions });
      expect(exact.dimensions.map((d) => d.measures), r.id).toEqual(detail.dimensions.map((d) => d.measures));
      expect(await snapshot(r.pk, TODAY), r.id).toEqual(row(detail));
      expect(preview.get(r.pk), r.id).toEqual({ score: r.score, band: r.band });
      for (const m of momentum(detail).measures) texts.add(m.text.replace(/\d+(\.\d+)?/g, 'N'));
    }
    // Every kind had something to say, trends with and without data among them.
    expect([...texts].sort()).toEqual(expect.arrayContaining([
      'logins on N of the last N days → N of N points (N per day)',
      'last meeting N days ago → N of N points',
      expect.stringMatching(/^N email exchanges vs N the window before \(×N\) → N of N points$/),
    ]));

    // Every 9th day of history, as scoring that day on its own with everything loaded gives.
    const model = MODEL;
    const catalogue = await loadCatalogue(db);
    const inputs = await loadScoringInputs(db, { fromDay: TODAY - 400, toDay: TODAY + 1 });
    let compared = 0;
    for (const r of rows) {
      const input = inputs.get(r.pk)!;
      for (let day = TODAY - 120; day <= TODAY; day += 9) {
        const expected = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf: (day + 1) * DAY_MS, detail: 'score' });
        expect(await snapshot(r.pk, day), `${r.id} ${day}`).toEqual(row(expected));
        compared++;
      }
    }
    expect(compared).toBe(11 * 14);

    // The draft equal to the live model: no account moves, and its backtest as of 90 days ago is the snapshots'.
    const p = await previewModel(db, MODEL, { now: NOW });
    expect(p.changes.total).toBe(0);
    expect(p.validation.draft).toEqual(p.validation.live);
    expect(p.validation.live.population.churned).toBe(3);
  });

  it('sees a meeting 100 days old through a recency tier past both windows, live and in history', async () => {
    const db = t.store;
    const old = (await stored()).find((r) => r.id === 'OLD')!;
    const detail = (await getAccountDetail(db, 'OLD', { now: NOW }))!.result;
    const [days, last, trend] = momentum(detail).measures;
    expect(last!.inputs).toEqual({ daysSince: 100 });
    expect(last!.text).toBe('last meeting 100 days ago → 5 of 20 points');
    expect(last!.previous!.inputs).toEqual({ daysSince: 70 });
    expect(days!.text).toBe('logins on 2 of the last 30 days → 10 of 50 points (5 per day)');
    expect(trend!.noData).toBe(true);
    const momentumOf = (dimensions: string | null | undefined) => JSON.parse(dimensions!).momentum as number;
    const expected = (points: number) => Math.round((points / 70) * 100 * 100) / 100;
    // Live (stored by the bulk rescore): 10 + 5 of 50 + 20 points.
    expect(momentumOf(old.dimensions)).toBe(expected(10 + 5));
    // History 20 days ago: logins on 2 days of its window (20 and 40 days ago), the meeting 80 days before.
    expect(momentumOf((await snapshot(old.pk, TODAY - 20))?.dimensions)).toBe(expected(10 + 5));
    // 10 days ago: one login day in its window, the meeting 90 days before.
    expect(momentumOf((await snapshot(old.pk, TODAY - 10))?.dimensions)).toBe(expected(5 + 5));
    // A rebuild of the last days only loads no further back than it must, and still sees the meeting.
    await db.run('DELETE FROM score_snapshots WHERE day >= ?', [TODAY - 10]);
    await rebuildHistory(db, { fromDay: TODAY - 10, toDay: TODAY });
    expect(momentumOf((await snapshot(old.pk, TODAY - 10))?.dimensions)).toBe(expected(5 + 5));
    expect(momentumOf((await snapshot(old.pk, TODAY))?.dimensions)).toBe(expected(10 + 5));
  });
});
