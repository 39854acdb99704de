/** Cohort, companion and trend reads on a real database: which rows they read, not just the maths. */
import { beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, outcomeSchema } from '@/lib/ingest/schemas';
import { describeEngines } from '@/lib/testing/engines';
import { dayOf } from '../aggregates';
import { AppError } from '../errors';
import { insertOutcomes, upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { ingestEvents } from '../commands/events';
import { cohortAnalysis, cohortDefaults, companionMetrics, resolveCohortParams } from './cohorts';
import { portfolioTrends } from './trends';

const DAY = 86_400_000;
const D = Date.UTC(2026, 2, 1);
const AS_OF = '2026-03-01';
const at = (days: number) => new Date(D + days * DAY).toISOString();

describeEngines('cohort and trend reads', (t) => {
  const pk = async (id: string) => (await t.store.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;

  async function snapshot(id: string, day: number, score: number | null, band: string | null) {
    await t.store.run(
      `INSERT INTO score_snapshots (account_pk, day, model_version, score, band) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (account_pk, day) DO UPDATE SET model_version = excluded.model_version, score = excluded.score, band = excluded.band, dimensions = NULL`,
      [await pk(id), day, score, band],
    );
  }

  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    const started = D - 400 * DAY;
    await upsertAccounts(db, [
      { id: 'KEEP', name: 'Keeps', tier: 'growth', startedAt: started, arr: 1000 },
      { id: 'LOSE', name: 'Loses', tier: 'growth', startedAt: started, arr: 500 },
      { id: 'GONE', name: 'Gone before', tier: 'core', startedAt: started },
      { id: 'LATE', name: 'Starts later', tier: 'core', startedAt: D + 5 * DAY },
      { id: 'NOSTART', name: 'No start date', tier: 'nurture' },
    ]);
    await insertOutcomes(db, [
      outcomeSchema.parse({ accountId: 'GONE', type: 'churned', occurredAt: at(-10) }),
      outcomeSchema.parse({ accountId: 'LOSE', type: 'churned', occurredAt: at(40) }),
      outcomeSchema.parse({ accountId: 'KEEP', type: 'renewed', occurredAt: at(20) }),
      outcomeSchema.parse({ accountId: 'KEEP', type: 'expanded', occurredAt: at(20) }),
    ]);
    // The account without a start date starts at its first activity (before D); the replies and NPS
    // answers fall in the horizon.
    await ingestEvents(db, [
      eventSchema.parse({ accountId: 'NOSTART', type: 'product.login', occurredAt: at(-20) }),
      eventSchema.parse({ accountId: 'KEEP', type: 'outreach.replied', occurredAt: at(3), properties: { responseHours: 4 } }),
      eventSchema.parse({ accountId: 'KEEP', type: 'outreach.replied', occurredAt: at(4), properties: { responseHours: 8 } }),
      eventSchema.parse({ accountId: 'KEEP', type: 'nps.response', occurredAt: at(5), properties: { score: 10 } }),
      eventSchema.parse({ accountId: 'LOSE', type: 'nps.response', occurredAt: at(5), properties: { score: 2 } }),
    ]);
    // As of D, the score is the snapshot of the day before; the one of day D must not be used.
    const d = dayOf(D);
    await snapshot('KEEP', d - 1, 85, 'green');
    await snapshot('KEEP', d, 10, 'red');
    await snapshot('LOSE', d - 1, 30, 'red');
    await snapshot('LOSE', d, 90, 'green');
    await snapshot('NOSTART', d - 1, null, null);
    await snapshot('GONE', d - 1, 50, 'orange');
  });

  describe('cohortAnalysis', () => {
    it('takes the score of day D - 1, leaves out accounts not started or churned before D, and reads outcomes up to D + H', async () => {
      const db = t.store;
      const a = await cohortAnalysis(db, { asOf: AS_OF, horizonDays: 90, groupBy: 'band' });
      expect(a.population).toEqual({ active: 3, scored: 2, churned: 1, notStarted: 1, churnedBefore: 1 });
      expect(a.groups.filter((g) => g.accounts).map((g) => [g.key, g.accounts, g.churned, g.renewal, g.expansion])).toEqual([
        ['green', 1, 0, 1, 1],
        ['red', 1, 1, 0, 0],
        ['no_data', 1, 0, null, 0],
      ]);
      expect(a.auc).toBe(1);
      expect(a.horizonEnd).toBe('2026-05-30');
      expect(a.complete).toBe(true);
      // a horizon that ends before the churn
      expect((await cohortAnalysis(db, { asOf: AS_OF, horizonDays: 30, groupBy: 'band' })).population.churned).toBe(0);
    });

    it('fills in defaults from the history and refuses an as-of date in the future', async () => {
      const db = t.store;
      // Ingesting scored today too: the history runs from 2026-02-28 to today, so a 180-day horizon
      // ending at today's midnight (today is not over) fits after one scoring window.
      const today = dayOf(Date.now());
      const defaults = await cohortDefaults(db);
      expect(defaults).toEqual({
        firstDate: '2026-02-28', lastDate: new Date(today * DAY).toISOString().slice(0, 10), horizonDays: 180, groupBy: 'quartile',
        asOf: new Date((today - 180) * DAY).toISOString().slice(0, 10),
      });
      expect(await resolveCohortParams(db, { groupBy: 'tier', horizonDays: 30 })).toEqual({ asOf: defaults.asOf, horizonDays: 30, groupBy: 'tier' });
      const future = new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10);
      await expect(resolveCohortParams(db, { asOf: future })).rejects.toThrow(AppError);
    });
  });

  describe('companionMetrics', () => {
    it('measures reply time and NPS per band over the horizon, and says there is no referral trigger', async () => {
      const c = await companionMetrics(t.store, { asOf: AS_OF, horizonDays: 90, groupBy: 'quartile' });
      expect(c.referralTriggers).toEqual([]);
      const byKey = Object.fromEntries(c.rows.map((r) => [r.key, r]));
      expect(byKey.green).toMatchObject({ accounts: 1, responseHours: 6, replies: 2, nps: 100, npsResponses: 1, referralsPerAccountYear: null });
      expect(byKey.red).toMatchObject({ accounts: 1, responseHours: null, nps: -100 });
    });

    it('counts referrals once a referral trigger exists', async () => {
      const db = t.store;
      await db.run(`INSERT INTO triggers (key, label) VALUES ('referral.given', 'Referral given')`);
      await ingestEvents(db, [eventSchema.parse({ accountId: 'KEEP', type: 'referral.given', occurredAt: at(10), count: 2 })]);
      const c = await companionMetrics(db, { asOf: AS_OF, horizonDays: 73, groupBy: 'quartile' });
      expect(c.referralTriggers).toEqual(['referral.given']);
      // 2 referrals by 1 account in 73 days = 10 per account-year
      expect(c.rows.find((r) => r.key === 'green')!.referralsPerAccountYear).toBe(10);
    });
  });

  describe('portfolioTrends', () => {
    it('counts the accounts active each day and the band migration between the two days', async () => {
      const db = t.store;
      const tr = await portfolioTrends(db, { from: '2026-02-28', to: '2026-03-01' });
      // GONE churned before both days; KEEP and LOSE swap bands; NOSTART has no score
      expect(tr.points.map((p) => [p.date, p.accounts, p.mean, p.bands.green, p.bands.red])).toEqual([
        ['2026-02-28', 3, 57.5, 1, 1],
        ['2026-03-01', 2, 50, 1, 1],
      ]);
      expect(tr.migration).toMatchObject({ total: 3, up: 1, down: 1, same: 1, churned: 0 });
      expect((await portfolioTrends(db, { from: '2026-02-28', to: '2026-03-01', tier: ['growth'] })).migration.total).toBe(2);
      await expect(portfolioTrends(db, { from: '2026-03-01', to: '2026-02-28' })).rejects.toThrow(AppError);
    });
  });
});
