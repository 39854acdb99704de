/** The Alerts page's lists and counts by state, on both engines. */
import { beforeEach, expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { alertCounts, alertsPage, listAlerts } from './alerts';

const NOW = Date.UTC(2026, 5, 15, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEngines('alerts', (t) => {
  beforeEach(async () => {
    const db = t.store;
    const user = (await db.value<number>("INSERT INTO users (email, role) VALUES ('mia@example.com', 'manager') RETURNING pk"))!;
    const account = async (id: string, owner: string, churnedAt: number | null = null) =>
      (await db.value<number>('INSERT INTO accounts (id, name, owner_email, churned_at) VALUES (?, ?, ?, ?) RETURNING pk', [id, id, owner, churnedAt]))!;
    const mine = await account('MINE', 'ann@example.com');
    const theirs = await account('THEIRS', 'bob@example.com');
    const gone = await account('GONE', 'ann@example.com', NOW - HOUR);
    const alert = (accountPk: number, key: string, severity: string, createdAt: number, more: { acked?: boolean; snoozedUntil?: number } = {}) =>
      db.run(
        `INSERT INTO alerts (account_pk, kind, key, severity, title, created_at, acknowledged_at, acknowledged_by_user_pk, snoozed_until)
         VALUES (?, 'flag', ?, ?, ?, ?, ?, ?, ?)`,
        [accountPk, key, severity, `${key} on ${accountPk}`, createdAt, more.acked ? NOW : null, more.acked ? user : null, more.snoozedUntil ?? null],
      );
    await alert(mine, 'yellow_old', 'yellow', NOW - 5 * HOUR);
    await alert(mine, 'red_new', 'red', NOW - HOUR);
    await alert(mine, 'red_old', 'red', NOW - 3 * HOUR);
    await alert(mine, 'snoozed', 'red', NOW - 2 * HOUR, { snoozedUntil: NOW + HOUR });
    await alert(mine, 'snooze_over', 'yellow', NOW - 2 * HOUR, { snoozedUntil: NOW - HOUR });
    await alert(theirs, 'acked', 'red', NOW - 2 * HOUR, { acked: true });
    await alert(gone, 'churned', 'red', NOW - HOUR);
  });

  it('lists each state red first, newest first, leaving churned accounts out', async () => {
    const keys = async (options: Parameters<typeof listAlerts>[1]) => (await listAlerts(t.store, { now: NOW, ...options })).map((a) => a.key);
    expect(await keys({ state: 'open' })).toEqual(['red_new', 'red_old', 'snooze_over', 'yellow_old']);
    expect(await keys({ state: 'snoozed' })).toEqual(['snoozed']);
    expect(await keys({ state: 'open', owner: 'bob@example.com' })).toEqual([]);
    expect(await keys({ state: 'open', limit: 1 })).toEqual(['red_new']);
    const [acked] = await listAlerts(t.store, { state: 'acknowledged', now: NOW });
    expect(acked).toMatchObject({ key: 'acked', acknowledgedBy: 'mia@example.com', acknowledgedAt: new Date(NOW).toISOString(), account: { id: 'THEIRS', owner: 'bob@example.com' } });
  });

  it('counts every state in one answer, for everyone or one owner', async () => {
    expect(await alertCounts(t.store, { now: NOW })).toEqual({ open: 4, snoozed: 1, acknowledged: 1 });
    expect(await alertCounts(t.store, { owner: 'bob@example.com', now: NOW })).toEqual({ open: 0, snoozed: 0, acknowledged: 1 });
    expect(await alertCounts(t.store, { owner: 'nobody@example.com', now: NOW })).toEqual({ open: 0, snoozed: 0, acknowledged: 0 });
  });

  it('groups the alerts by account, each account once, the most at stake first', async () => {
    const db = t.store;
    const big = (await db.value<number>("INSERT INTO accounts (id, name, owner_email, arr, renewal_date) VALUES ('BIG', 'Big Co', 'bob@example.com', 400000, ?) RETURNING pk", [NOW + 30 * DAY]))!;
    const small = (await db.value<number>("INSERT INTO accounts (id, name, owner_email, arr) VALUES ('SMALL', 'Small Co', 'bob@example.com', 1000) RETURNING pk"))!;
    for (const [pk, key, severity] of [[big, 'usage_drop', 'yellow'], [small, 'champion_left', 'red'], [big, 'no_exec', 'red']] as const) {
      await db.run("INSERT INTO alerts (account_pk, kind, key, severity, title, created_at) VALUES (?, 'flag', ?, ?, ?, ?)", [pk, key, severity, key, NOW - HOUR]);
    }
    const page = await alertsPage(db, { state: 'open', owner: null, groups: 25, now: NOW });
    expect(page.counts.open).toBe(7);
    expect(page.shown).toBe(7);
    expect(page.accounts).toBe(3);
    expect(page.groups.map((g) => [g.account.id, g.severity, g.alerts.map((a) => a.key)])).toEqual([
      ['BIG', 'red', ['no_exec', 'usage_drop']],
      ['MINE', 'red', ['red_new', 'red_old', 'snooze_over', 'yellow_old']],
      ['SMALL', 'red', ['champion_left']],
    ]);
    expect(page.groups[0]!.why).toBe('$400K ARR, renews in 30 days, red flag');
    expect((await alertsPage(db, { state: 'open', owner: 'bob@example.com', groups: 25, now: NOW })).groups.map((g) => g.account.id)).toEqual(['BIG', 'SMALL']);
    expect((await alertsPage(db, { state: 'snoozed', owner: null, groups: 25, now: NOW })).groups.map((g) => [g.account.id, g.alerts.length])).toEqual([['MINE', 1]]);
    // A page of the groups: the first in the same order; the counts still cover them all.
    const first = await alertsPage(db, { state: 'open', owner: null, groups: 2, now: NOW });
    expect(first.groups.map((g) => g.account.id)).toEqual(['BIG', 'MINE']);
    expect(first.groups[1]!.alerts).toHaveLength(4);
    expect([first.accounts, first.shown, first.counts.open]).toEqual([3, 7, 7]);
  });
});
