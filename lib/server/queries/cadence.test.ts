/** Cadence compliance per owner and tier on both engines, narrowed by the Trends page's filters. */
import { beforeEach, expect, it } from 'vitest';
import { DAY_MS } from '@/lib/programme/cadence';
import { describeEngines } from '@/lib/testing/engines';
import { cadenceCompliance } from './cadence';

const NOW = Date.UTC(2026, 5, 15, 9);

describeEngines('cadence compliance', (t) => {
  beforeEach(async () => {
    const db = t.store;
    const account = async (id: string, owner: string | null, tier: string | null, dues: number[], churned = false) => {
      const pk = (await db.value<number>('INSERT INTO accounts (id, name, owner_email, tier, churned_at) VALUES (?, ?, ?, ?, ?) RETURNING pk', [id, id, owner, tier, churned ? NOW - DAY_MS : null]))!;
      for (const [i, due] of dues.entries()) {
        await db.run('INSERT INTO cadence_status (account_pk, item_key, every_days, due_at, cadence_version) VALUES (?, ?, 30, ?, 0)', [pk, `item-${i}`, NOW + due * DAY_MS]);
      }
    };
    await account('A1', 'ann@example.com', 'growth', [3, 10]);
    await account('A2', 'ann@example.com', 'growth', [3, -1]);
    await account('A3', 'ann@example.com', 'strategic', [-5]);
    await account('B1', 'bob@example.com', 'core', [20]);
    await account('B2', 'bob@example.com', 'core', [-2], true);
    await account('N1', 'bob@example.com', 'nurture', []);
  });

  it('counts accounts with nothing overdue, per owner and tier, leaving churned accounts and tiers without a cadence out', async () => {
    expect(await cadenceCompliance(t.store, NOW)).toEqual([
      { owner: 'ann@example.com', tier: 'growth', accounts: 2, onCadence: 1, share: 0.5 },
      { owner: 'ann@example.com', tier: 'strategic', accounts: 1, onCadence: 0, share: 0 },
      { owner: 'bob@example.com', tier: 'core', accounts: 1, onCadence: 1, share: 1 },
    ]);
    expect((await cadenceCompliance(t.store, NOW, { tier: ['growth', 'core'] })).map((r) => r.tier)).toEqual(['growth', 'core']);
    expect((await cadenceCompliance(t.store, NOW, { owner: ['bob@example.com'] })).map((r) => [r.owner, r.tier])).toEqual([['bob@example.com', 'core']]);
    // Four days on, A1's first item is overdue too; B1 is still ahead.
    expect((await cadenceCompliance(t.store, NOW + 4 * DAY_MS)).map((r) => r.onCadence)).toEqual([0, 0, 1]);
  });
});
