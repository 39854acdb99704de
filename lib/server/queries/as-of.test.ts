/** The accounts list and the account page as of an earlier day, against a real database. */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseViewFilters } from '@/lib/account-filters';
import { describeEngines } from '@/lib/testing/engines';
import { upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { accountPage } from './account-page';
import { accountsView } from './account-view';
import { bandCounts, listAccounts } from './accounts';
import { historyDayOf, historyRange, isoDay } from './score-source';

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY);
const D = TODAY - 20;

describeEngines('as of an earlier day', (t) => {
  const pkOf = async (id: string) => (await t.store.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;

  async function score(id: string, value: number, band: string) {
    await t.store.run(
      `INSERT INTO scores (account_pk, model_version, as_of, state, score, band, dimensions, velocity, score_change, flags, computed_at)
       VALUES (?, 1, ?, 'scored', ?, ?, '{"a":1}', -0.5, -3, '[{"key":"gone_quiet","severity":"red"}]', ?)
       ON CONFLICT (account_pk) DO UPDATE SET model_version = excluded.model_version, as_of = excluded.as_of, state = excluded.state, score = excluded.score,
         band = excluded.band, dimensions = excluded.dimensions, velocity = excluded.velocity, score_change = excluded.score_change, flags = excluded.flags,
         computed_at = excluded.computed_at`,
      [await pkOf(id), NOW, value, band, NOW],
    );
  }

  async function snapshot(id: string, day: number, value: number | null, band: string | null, dimensions: string) {
    await t.store.run(
      `INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT (account_pk, day) DO UPDATE SET model_version = excluded.model_version, score = excluded.score, band = excluded.band, dimensions = excluded.dimensions`,
      [await pkOf(id), day, value, band, dimensions],
    );
  }

  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [
      { id: 'A', name: 'Alpha', tier: 'core', arr: 1000, startedAt: NOW - 400 * DAY },
      { id: 'B', name: 'Beta', tier: 'core', arr: 2000, startedAt: NOW - 400 * DAY },
      { id: 'C', name: 'Gamma', tier: 'core', arr: 3000, startedAt: NOW - 5 * DAY },
      { id: 'E', name: 'Epsilon', tier: 'core', arr: 4000, startedAt: NOW - 400 * DAY },
    ]);
    // B churned ten days ago: still a customer twenty days ago.
    await db.run('UPDATE accounts SET churned_at = ? WHERE id = ?', [NOW - 10 * DAY, 'B']);
    await score('A', 12, 'red');
    await score('B', 91, 'green');
    await score('C', 55, 'yellow');
    await snapshot('A', D, 81.2, 'green', '{"frequency":80,"quality":null}');
    await snapshot('A', D - 30, 70, 'yellow', '{"frequency":70,"quality":60}');
    await snapshot('B', D, 30, 'red', '{"frequency":30,"quality":30}');
    await snapshot('E', D, null, null, '{"frequency":null,"quality":null}');
    // An override created now was not in force twenty days ago.
    await db.run('INSERT INTO overrides (account_pk, band, reason, expires_at) VALUES (?, ?, ?, ?)', [await pkOf('A'), 'yellow', 'x', NOW + 30 * DAY]);
  });

  it('gives the first and last day of the history, nulls when there is none', async () => {
    await t.store.run('DELETE FROM score_snapshots');
    expect(await historyRange(t.store)).toEqual({ first: null, last: null });
    await snapshot('B', D - 3, 40, 'yellow', '{}');
    await snapshot('A', D - 45, 50, 'yellow', '{}');
    await snapshot('E', D - 7, 60, 'green', '{}');
    expect(await historyRange(t.store)).toEqual({ first: D - 45, last: D - 3 });
  });

  describe('the accounts list as of an earlier day', () => {
    it('reads the daily history: score, band, change over one window, partial; no velocity or flags', async () => {
      const db = t.store;
      const list = (await listAccounts(db, { asOf: isoDay(D) })).data;
      expect(list.map((a) => a.id)).toEqual(['B', 'A', 'E']);
      const a = list.find((x) => x.id === 'A')!;
      expect(a).toMatchObject({ score: 81.2, band: 'green', state: 'scored', partial: true, scoreChange: 11.2, velocity: null, flags: [], override: null });
      expect(list.find((x) => x.id === 'E')).toMatchObject({ state: 'no_data', score: null });
      // Sorted by the change, the change is read for every account: the same figure.
      const byChange = (await listAccounts(db, { asOf: isoDay(D), sort: '-scoreChange' })).data;
      expect(byChange[0]).toMatchObject({ id: 'A', scoreChange: 11.2, partial: true });
      // Today: the current scores, the override in force, churned B left out, C (started since) in.
      const live = (await listAccounts(db, {})).data;
      expect(live.map((x) => x.id)).toEqual(['A', 'C', 'E']);
      expect(live[0]).toMatchObject({ score: 12, band: 'red', override: { band: 'yellow' }, flags: [{ key: 'gone_quiet', severity: 'red' }] });
    });

    it('counts bands as of that day, filters and sorts on the history', async () => {
      const db = t.store;
      const counts = await bandCounts(db, { asOf: isoDay(D) });
      expect(Object.fromEntries(counts.map((c) => [c.band, c.accounts]))).toEqual({ green: 1, red: 1, no_data: 1 });
      expect((await listAccounts(db, { asOf: isoDay(D), band: ['red'] })).data.map((a) => a.id)).toEqual(['B']);
      expect((await listAccounts(db, { asOf: isoDay(D), sort: '-arr' })).data.map((a) => a.id)).toEqual(['E', 'B', 'A']);
      expect((await listAccounts(db, { asOf: isoDay(D), includeChurned: true })).data).toHaveLength(3);
      const view = await accountsView(db, { asOf: isoDay(D), band: ['green'] });
      expect(view).toMatchObject({ asOf: isoDay(D), total: 1 });
      expect((await accountsView(db, {})).asOf).toBeNull();
    });

    it('treats today as the live view; the page filters drop what the history lacks', () => {
      expect(historyDayOf(isoDay(TODAY), NOW)).toBeNull();
      expect(historyDayOf(isoDay(D), NOW)).toBe(D);
      expect(parseViewFilters({ asOf: isoDay(D), flag: 'gone_quiet', belowTarget: 'true', band: 'red' })).toEqual({ asOf: isoDay(D), band: ['red'] });
      expect(parseViewFilters({ asOf: isoDay(TODAY), flag: 'gone_quiet' })).toEqual({ flag: ['gone_quiet'] });
    });
  });

  describe('the account page as of an earlier day', () => {
    it('stops churn, overrides and history at that day and keeps the current override for the form', async () => {
      const db = t.store;
      const then = (await accountPage(db, 'B', { asOf: isoDay(D) }))!;
      expect(then.asOf).toBe(isoDay(D));
      expect(then.churnedAt).toBeNull();
      expect(then.history.map((h) => h.date)).toEqual([isoDay(D)]);
      const now = (await accountPage(db, 'B'))!;
      expect(now.churnedAt).not.toBeNull();
      // A former customer has no churn risk left, and the page says why.
      expect(now.churnRisk).toBeNull();
      const churnDay = new Date((TODAY - 10) * DAY);
      const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][churnDay.getUTCMonth()];
      expect(now.riskNote).toBe(`Churned on ${churnDay.getUTCDate()} ${month} ${churnDay.getUTCFullYear()}: no churn risk is estimated for a former customer.`);
      expect(then.riskNote).not.toContain('Churned');
      const a = (await accountPage(db, 'A', { asOf: isoDay(D) }))!;
      expect(a.override).toBeNull();
      expect(a.currentOverride?.band).toBe('yellow');
      expect(a.history.map((h) => h.score)).toEqual([70, 81.2]);
      expect((await accountPage(db, 'A'))!.override?.band).toBe('yellow');
    });
  });
});
