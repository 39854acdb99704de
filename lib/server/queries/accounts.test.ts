/** The accounts list's filters, sorts and keyset pages, and the band counts, on both engines. */
import { beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_SORTS } from '@/lib/account-filters';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { prepareDatabase } from '../commands/catalogue';
import { bandCounts, listAccounts, listOwners, type AccountFilters } from './accounts';
import { portfolioSize } from './portfolio';

const DAY = 86_400_000;
const NOW = Date.now();

interface Seed {
  id: string;
  name: string;
  arr: number;
  tier?: string;
  owner?: string;
  stage?: string | null;
  startedAt?: number | null;
  churnedAt?: number | null;
  /** no score row when absent */
  score?: { score: number | null; band: string | null; velocity?: number | null; change?: number | null; belowTarget?: boolean; flags?: string[] };
}

const SEED: Seed[] = [
  { id: 'a1', name: 'Acme', arr: 500, tier: 'core', owner: 'ann@example.com', score: { score: 40, band: 'orange', velocity: 0.2, change: -5, flags: ['gone_quiet'] } },
  { id: 'a2', name: 'Apex 100%', arr: 900, tier: 'growth', owner: 'bob@example.com', score: { score: 40, band: 'orange', velocity: null, change: 3 } },
  { id: 'a3', name: 'Axle_Works', arr: 900, tier: 'core', owner: 'ann@example.com', score: { score: 80, band: 'green', velocity: -0.1, change: null, belowTarget: true } },
  { id: 'a4', name: 'Birch', arr: 100, tier: 'growth', stage: 'renewal', score: { score: null, band: null } },
  { id: 'a5', name: 'Cedar', arr: 300, tier: 'core', owner: 'bob@example.com', startedAt: NOW - 10 * DAY, score: { score: 10, band: 'red', velocity: 0.5, change: -12, flags: ['champion_left', 'gone_quiet'] } },
  { id: 'a6', name: 'Dune', arr: 700, tier: 'core', startedAt: NOW - 400 * DAY },
  { id: 'a7', name: 'Elm', arr: 200, tier: 'core', churnedAt: NOW - DAY, score: { score: 70, band: 'green' } },
];

describeEngines('the accounts list', (t) => {
  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    for (const a of SEED) {
      const pk = (await db.value<number>(
        'INSERT INTO accounts (id, name, arr, tier, owner_email, lifecycle_stage, started_at, churned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk',
        [a.id, a.name, a.arr, a.tier ?? null, a.owner ?? null, a.stage ?? null, a.startedAt ?? null, a.churnedAt ?? null],
      ))!;
      const s = a.score;
      if (!s) continue;
      const flags = s.flags ? JSON.stringify(s.flags.map((key) => ({ key, severity: 'red' }))) : null;
      await db.run(
        `INSERT INTO scores (account_pk, model_version, as_of, state, score, band, velocity, score_change, below_target, flags, computed_at)
         VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [pk, NOW, s.score === null ? 'no_data' : 'scored', s.score, s.band, s.velocity ?? null, s.change ?? null, s.belowTarget ? 1 : 0, flags, NOW],
      );
    }
  });

  const ids = async (filters: AccountFilters) => (await listAccounts(t.store, { limit: 500, ...filters })).data.map((a) => a.id);

  /** Every page of `limit` accounts, following the cursors. */
  async function paged(filters: AccountFilters, limit: number): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listAccounts>> = await listAccounts(t.store, { ...filters, limit, cursor });
      out.push(...page.data.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor && out.length < 100);
    return out;
  }

  describe('sorts', () => {
    it('puts accounts without a value last both ways, ties in account order', async () => {
      expect(await ids({ sort: 'score' })).toEqual(['a5', 'a1', 'a2', 'a3', 'a4', 'a6']);
      expect(await ids({ sort: '-score' })).toEqual(['a3', 'a1', 'a2', 'a5', 'a4', 'a6']);
      expect(await ids({ sort: 'velocity' })).toEqual(['a3', 'a1', 'a5', 'a2', 'a4', 'a6']);
      expect(await ids({ sort: '-scoreChange' })).toEqual(['a2', 'a1', 'a5', 'a3', 'a4', 'a6']);
      expect(await ids({ sort: '-arr' })).toEqual(['a2', 'a3', 'a6', 'a1', 'a5', 'a4']);
      expect(await ids({ sort: 'name' })).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
      expect(await ids({ sort: '-name' })).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'a1']);
    });

    it('pages through every sort with the cursor in the order of one long page', async () => {
      for (const sort of ACCOUNT_SORTS) {
        const all = await ids({ sort, includeChurned: true });
        expect(all, sort).toHaveLength(7);
        for (const limit of [1, 2, 3]) expect(await paged({ sort, includeChurned: true }, limit), `${sort} by ${limit}`).toEqual(all);
      }
    });

    it('refuses a cursor that is not one, or belongs to another sort', async () => {
      const { nextCursor } = await listAccounts(t.store, { sort: 'name', limit: 1 });
      await expect(listAccounts(t.store, { sort: 'score', cursor: nextCursor })).rejects.toThrow(AppError);
      await expect(listAccounts(t.store, { cursor: 'not a cursor' })).rejects.toThrow(AppError);
      expect((await listAccounts(t.store, { sort: '-name', cursor: nextCursor })).data.map((a) => a.id)).toEqual([]);
    });
  });

  describe('filters', () => {
    it('searches names and ids without regard to case, wildcards typed taken literally', async () => {
      expect(await ids({ q: 'ACME', sort: 'name' })).toEqual(['a1']);
      expect(await ids({ q: 'a', sort: 'name' })).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
      expect(await ids({ q: '100%', sort: 'name' })).toEqual(['a2']);
      expect(await ids({ q: '%', sort: 'name' })).toEqual(['a2']);
      expect(await ids({ q: '_', sort: 'name' })).toEqual(['a3']);
      expect(await ids({ q: 'e_w', sort: 'name' })).toEqual(['a3']);
      expect(await ids({ q: 'ex\\', sort: 'name' })).toEqual([]);
    });

    it('filters by flag, band, stage, tier, owner and the tier target', async () => {
      expect(await ids({ flag: ['gone_quiet'], sort: 'name' })).toEqual(['a1', 'a5']);
      expect(await ids({ flag: ['champion_left', 'nothing'], sort: 'name' })).toEqual(['a5']);
      expect(await ids({ band: ['orange', 'no_data'], sort: 'name' })).toEqual(['a1', 'a2', 'a4', 'a6']);
      // The stage is explicit, or onboarding for 90 days after the start, then adoption.
      expect(await ids({ stage: ['onboarding'], sort: 'name' })).toEqual(['a5']);
      expect(await ids({ stage: ['renewal', 'adoption'], sort: 'name' })).toEqual(['a1', 'a2', 'a3', 'a4', 'a6']);
      expect(await ids({ tier: ['growth'], owner: ['bob@example.com'], sort: 'name' })).toEqual(['a2']);
      expect(await ids({ belowTarget: true })).toEqual(['a3']);
      expect(await ids({ includeChurned: true, band: ['green'], sort: 'name' })).toEqual(['a3', 'a7']);
    });
  });

  it('counts accounts and ARR per band under the other filters, an override in force moving its account', async () => {
    const db = t.store;
    const counts = async (filters: AccountFilters) =>
      Object.fromEntries((await bandCounts(db, filters)).map((c) => [c.band, [c.accounts, c.arr]]));
    expect(await counts({ band: ['green'] })).toEqual({ orange: [2, 1400], green: [1, 900], red: [1, 300], no_data: [2, 800] });
    await db.run('INSERT INTO overrides (account_pk, band, reason, expires_at, created_at) VALUES ((SELECT pk FROM accounts WHERE id = ?), ?, ?, ?, ?)', ['a4', 'green', 'x', NOW + DAY, NOW - DAY]);
    expect(await counts({ tier: ['growth'] })).toEqual({ orange: [1, 900], green: [1, 100] });
    expect((await listAccounts(db, { band: ['green'], sort: 'name' })).data.map((a) => [a.id, a.band, a.override?.band])).toEqual([
      ['a3', 'green', undefined],
      ['a4', null, 'green'],
    ]);
  });

  it('filters by the band shown: an override in force moves its account out of its computed band, one expired or revoked does not', async () => {
    const db = t.store;
    const override = (id: string, band: string, extra: { expiresAt?: number; revokedAt?: number | null } = {}) =>
      db.run('INSERT INTO overrides (account_pk, band, reason, expires_at, created_at, revoked_at) VALUES ((SELECT pk FROM accounts WHERE id = ?), ?, ?, ?, ?, ?)', [
        id, band, 'x', extra.expiresAt ?? NOW + DAY, NOW - 2 * DAY, extra.revokedAt ?? null,
      ]);
    await override('a3', 'red'); // computed green
    await override('a4', 'orange'); // no score
    await override('a1', 'green', { expiresAt: NOW - DAY }); // expired: a1 stays orange
    await override('a2', 'red', { revokedAt: NOW - DAY }); // revoked: a2 stays orange
    expect(await ids({ band: ['green'], sort: 'name' })).toEqual([]);
    expect(await ids({ band: ['red'], sort: 'name' })).toEqual(['a3', 'a5']);
    expect(await ids({ band: ['orange'], sort: 'name' })).toEqual(['a1', 'a2', 'a4']);
    expect(await ids({ band: ['no_data'], sort: 'name' })).toEqual(['a6']);
    expect(await ids({ band: ['green', 'no_data'], sort: '-arr' })).toEqual(['a6']);
    expect(await ids({ band: ['red', 'no_data'], sort: '-arr' })).toEqual(['a3', 'a6', 'a5']);
    // The counts agree with the lists.
    expect(Object.fromEntries((await bandCounts(db, {})).map((c) => [c.band, c.accounts]))).toEqual({ orange: 3, red: 2, no_data: 1 });
  });

  it('lists the owners, and sizes the portfolio of current customers', async () => {
    expect(await listOwners(t.store)).toEqual(['ann@example.com', 'bob@example.com']);
    expect(await portfolioSize(t.store, undefined, 0)).toEqual({ accounts: 6, arr: 3400, contacts: 0, events: 0 });
    expect(await portfolioSize(t.store, 'ann@example.com', 0)).toEqual({ accounts: 2, arr: 1400, contacts: 0, events: 0 });
  });
});
