/** "My day" on both engines: one entry per account with its items grouped, ranked, cut at the budget, nothing dropped. */
import { beforeEach, expect, it } from 'vitest';
import { DAY_MS } from '@/lib/programme/cadence';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { setMyDayBudget } from '../commands/my-day';
import { DEFAULT_MY_DAY_BUDGET, MY_DAY_RENEWALS, myDay, myDayBudget, myDayOwner, type MyDayEntry } from './my-day';

const NOW = Date.UTC(2026, 5, 15, 9);
const ANN = 'ann@example.com';
const BOB = 'bob@example.com';

async function account(db: Store, id: string, o: { owner?: string; tier?: string; arr?: number; renewalIn?: number; churned?: boolean; band?: string } = {}) {
  const pk = (await db.value<number>(
    'INSERT INTO accounts (id, name, tier, arr, owner_email, renewal_date, churned_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING pk',
    [id, `Account ${id}`, o.tier ?? 'core', o.arr ?? 10_000, o.owner ?? ANN, o.renewalIn === undefined ? null : NOW + o.renewalIn * DAY_MS, o.churned ? NOW - DAY_MS : null],
  ))!;
  if (o.band) await db.run("INSERT INTO scores (account_pk, model_version, as_of, state, score, band, computed_at) VALUES (?, 1, ?, 'scored', 20, ?, ?)", [pk, NOW, o.band, NOW]);
  return pk;
}
const overdue = (db: Store, pk: number, key: string, daysLate: number) =>
  db.run('INSERT INTO cadence_status (account_pk, item_key, every_days, last_at, due_at, cadence_version) VALUES (?, ?, 30, ?, ?, 0)', [pk, key, NOW - (30 + daysLate) * DAY_MS, NOW - daysLate * DAY_MS]);
const onTime = (db: Store, pk: number, key: string) =>
  db.run('INSERT INTO cadence_status (account_pk, item_key, every_days, last_at, due_at, cadence_version) VALUES (?, ?, 30, ?, ?, 0)', [pk, key, NOW - DAY_MS, NOW + 29 * DAY_MS]);
const task = (db: Store, pk: number, title: string, o: { owner?: string; dueIn?: number; state?: string; snoozedFor?: number } = {}) =>
  db.value<number>(
    'INSERT INTO tasks (account_pk, owner_email, title, due_at, state, snoozed_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk',
    [pk, o.owner ?? ANN, title, NOW + (o.dueIn ?? 1) * DAY_MS, o.state ?? 'open', o.snoozedFor === undefined ? null : NOW + o.snoozedFor * DAY_MS, NOW - 2 * DAY_MS, NOW],
  );
const alert = (db: Store, pk: number, key: string, severity: 'red' | 'yellow', o: { acked?: boolean; kind?: string } = {}) =>
  db.run(
    'INSERT INTO alerts (account_pk, kind, key, severity, title, created_at, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [pk, o.kind ?? 'flag', key, severity, `${key} raised`, NOW - DAY_MS, o.acked ? NOW : null],
  );
const itemsOf = (e: MyDayEntry) => e.cadence.length + e.tasks.length + e.alerts.length;

describeEngines('my day', (t) => {
  let expectedAnn: string[] = [];

  beforeEach(async () => {
    const db = t.store;
    // The biggest account, renewing soon, with an item of every kind: one entry, everything inside.
    const big = await account(db, 'BIG', { tier: 'strategic', arr: 500_000, renewalIn: 20 });
    await overdue(db, big, 'touchpoint', 5);
    await onTime(db, big, 'business-review');
    await task(db, big, 'Call the champion', { dueIn: -2 });
    await task(db, big, 'Prepare the renewal', { dueIn: 10 });
    await alert(db, big, 'unanswered_outreach', 'red');
    await alert(db, big, 'usage_drop', 'yellow');
    await alert(db, big, 'old_news', 'red', { acked: true });
    // Twelve small accounts with one overdue touchpoint each, later ones more overdue.
    for (let i = 1; i <= 12; i++) await overdue(db, await account(db, `SMALL-${String(i).padStart(2, '0')}`, { arr: 5_000 + i * 1_000 }), 'touchpoint', i);
    // A red band with a task due later; a task snoozed away (not today), a snooze that ended (today).
    await task(db, await account(db, 'RED', { arr: 40_000, band: 'red' }), 'Agree a recovery plan', { dueIn: 3 });
    await task(db, await account(db, 'SNOOZED', { arr: 90_000 }), 'Wait for the budget', { state: 'snoozed', snoozedFor: 2 });
    await task(db, await account(db, 'WOKE', { arr: 30_000 }), 'Follow up', { state: 'snoozed', snoozedFor: -1, dueIn: -4 });
    await task(db, await account(db, 'DONE', { arr: 70_000 }), 'Already done', { state: 'done' });
    // A renewal with nothing to do: in the renewals section only.
    await account(db, 'RENEWAL-ONLY', { arr: 60_000, renewalIn: 45 });
    await account(db, 'RENEWAL-LATER', { arr: 60_000, renewalIn: 120 });
    // Churned accounts are gone from the day whatever they hold.
    const gone = await account(db, 'GONE', { churned: true, renewalIn: 10 });
    await overdue(db, gone, 'touchpoint', 3);
    await task(db, gone, 'Nothing to save');
    await alert(db, gone, 'late', 'red');
    // Bob's account: its items are Bob's, except the task a manager gave Ann.
    const bobs = await account(db, 'BOBS', { owner: BOB, arr: 200_000, renewalIn: 60 });
    await overdue(db, bobs, 'touchpoint', 2);
    await alert(db, bobs, 'champion_left', 'red');
    await task(db, bobs, 'Cover the QBR for Bob', { dueIn: 1 });
    expectedAnn = ['BIG', 'RED', 'WOKE', 'BOBS', ...Array.from({ length: 12 }, (_, i) => `SMALL-${String(i + 1).padStart(2, '0')}`)];
  });

  it('lists every account that needs attention once, its items grouped, ranked by what is at stake', async () => {
    const day = await myDay(t.store, { owner: ANN, budget: 100, rest: Infinity, now: NOW });
    const ids = day.top.map((e) => e.account.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expectedAnn].sort());
    expect(day.rest).toEqual([]);
    expect(day.top.map((e) => e.rank)).toEqual(ids.map((_, i) => i + 1));

    const big = day.top[0]!;
    expect(big.account).toMatchObject({ id: 'BIG', arr: 500_000, renewsInDays: 20, tier: 'strategic' });
    expect(big.why).toBe('$500K ARR, renews in 20 days, red flag, 1 task overdue (by 2 days)');
    expect(big.cadence).toEqual([{ key: 'touchpoint', label: 'CSM touchpoint', every: 'monthly', lastAt: expect.any(String), dueAt: new Date(NOW - 5 * DAY_MS).toISOString(), daysOverdue: 5 }]);
    expect(big.tasks.map((x) => x.title)).toEqual(['Call the champion', 'Prepare the renewal']);
    expect(big.alerts.map((a) => a.key)).toEqual(['unanswered_outreach', 'usage_drop']);

    // Bob's account is on Ann's day only for the task she was given.
    const bobs = day.top.find((e) => e.account.id === 'BOBS')!;
    expect(bobs.tasks.map((x) => x.title)).toEqual(['Cover the QBR for Bob']);
    expect(bobs.cadence).toEqual([]);
    expect(bobs.alerts).toEqual([]);
    expect(day.top.find((e) => e.account.id === 'WOKE')!.tasks[0]).toMatchObject({ title: 'Follow up', state: 'open' });
    expect(day.top.find((e) => e.account.id === 'RED')!.why).toBe('$40K ARR, red band');
    // Among the small ones: the more overdue (and bigger) first.
    const small = ids.filter((id) => id.startsWith('SMALL-'));
    expect(small).toEqual([...small].sort().reverse());

    expect(day.counts).toEqual({ overdueTouchpoints: 13, openTasks: 5, renewals: 2, newRedFlags: 1, accounts: 16 });
    expect(day.renewals.map((r) => [r.account.id, r.account.renewsInDays, r.items])).toEqual([['BIG', 20, 5], ['RENEWAL-ONLY', 45, 0]]);
  });

  it('cuts the list at the budget and summarises the rest without dropping anything', async () => {
    const full = await myDay(t.store, { owner: ANN, budget: 100, rest: Infinity, now: NOW });
    const day = await myDay(t.store, { owner: ANN, budget: 5, rest: Infinity, now: NOW });
    expect(day.budget).toBe(5);
    expect(day.top).toHaveLength(5);
    expect(day.rest).toHaveLength(expectedAnn.length - 5);
    // The same ranking, cut in two.
    expect([...day.top, ...day.rest!].map((e) => e.account.id)).toEqual(full.top.map((e) => e.account.id));
    const rest = day.rest!;
    expect(day.summary).toEqual({
      accounts: rest.length,
      items: rest.reduce((n, e) => n + itemsOf(e), 0),
      touchpoints: rest.reduce((n, e) => n + e.cadence.length, 0),
      tasks: rest.reduce((n, e) => n + e.tasks.length, 0),
      alerts: rest.reduce((n, e) => n + e.alerts.length, 0),
    });
    const all = [...day.top, ...rest].reduce((n, e) => n + itemsOf(e), 0);
    expect(all).toBe(day.counts.overdueTouchpoints + day.counts.openTasks + 2);
    expect(day.summarySentence).toBe(`${rest.length} more accounts with ${day.summary.items} items: ${day.summary.touchpoints} overdue touchpoints${day.summary.tasks ? `, ${day.summary.tasks} task${day.summary.tasks > 1 ? 's' : ''}` : ''}`);
    // Without the rest asked for: the same top and counts, the rest only counted.
    const light = await myDay(t.store, { owner: ANN, budget: 5, now: NOW });
    expect(light.rest).toBeNull();
    expect(light.top).toEqual(day.top);
    expect(light.summary).toEqual(day.summary);
    // A page of the rest: its highest ranked, the others still counted.
    const page = await myDay(t.store, { owner: ANN, budget: 5, rest: 4, now: NOW });
    expect(page.rest!.map((e) => e.account.id)).toEqual(rest.slice(0, 4).map((e) => e.account.id));
    expect(page.summary).toEqual(day.summary);
    expect(page.top).toEqual(day.top);
  });

  it('shows everyone’s day to a manager who asks, and each CSM only their own', async () => {
    const everyone = await myDay(t.store, { owner: null, budget: 100, now: NOW });
    const bobs = everyone.top.find((e) => e.account.id === 'BOBS')!;
    expect(bobs.cadence).toHaveLength(1);
    expect(bobs.alerts.map((a) => a.key)).toEqual(['champion_left']);
    expect(bobs.tasks).toHaveLength(1);
    expect(everyone.counts.renewals).toBe(3);
    const bob = await myDay(t.store, { owner: BOB, budget: 100, now: NOW });
    expect(bob.top.map((e) => e.account.id)).toEqual(['BOBS']);
    expect(bob.top[0]!.tasks).toEqual([]);

    expect(myDayOwner('*', { role: 'csm', email: ANN })).toBe(ANN);
    expect(myDayOwner(BOB, { role: 'csm', email: ANN })).toBe(ANN);
    expect(myDayOwner(undefined, { role: 'manager', email: 'mia@example.com' })).toBe('mia@example.com');
    expect(myDayOwner('*', { role: 'manager', email: 'mia@example.com' })).toBeNull();
    expect(myDayOwner(BOB, { role: 'admin', email: 'ada@example.com' })).toBe(BOB);
  });

  it('keeps the daily budget in the settings; only admins change it', async () => {
    const user = (role: 'csm' | 'manager' | 'admin') => ({ pk: 1, email: `${role}@example.com`, name: null, role });
    expect(await myDayBudget(t.store)).toBe(DEFAULT_MY_DAY_BUDGET);
    expect((await myDay(t.store, { owner: ANN, now: NOW })).top).toHaveLength(10);
    await expect(setMyDayBudget(t.store, 3, user('manager'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(setMyDayBudget(t.store, 0, user('admin'))).rejects.toMatchObject({ code: 'invalid', details: [{ path: 'budget' }] });
    await expect(setMyDayBudget(t.store, 2.5, user('admin'))).rejects.toMatchObject({ code: 'invalid' });
    await setMyDayBudget(t.store, 3, user('admin'));
    expect(await myDayBudget(t.store)).toBe(3);
    const day = await myDay(t.store, { owner: ANN, now: NOW });
    expect(day.top).toHaveLength(3);
    expect(day.summary.accounts).toBe(expectedAnn.length - 3);
    expect(await t.store.get("SELECT action, details FROM audit_log WHERE target_id = 'myDay.budget'")).toEqual({ action: 'setting.updated', details: JSON.stringify({ from: 10, to: 3 }) });
  });

  it('lists the soonest renewals and counts them all', async () => {
    const db = t.store;
    for (let i = 0; i < MY_DAY_RENEWALS + 5; i++) await account(db, `R${String(i).padStart(2, '0')}`, { owner: 'cara@example.com', renewalIn: 80 - i });
    const day = await myDay(db, { owner: 'cara@example.com', now: NOW });
    expect(day.counts.renewals).toBe(MY_DAY_RENEWALS + 5);
    expect(day.renewals).toHaveLength(MY_DAY_RENEWALS);
    expect(day.renewals[0]!.account).toMatchObject({ id: `R${MY_DAY_RENEWALS + 4}`, renewsInDays: 80 - MY_DAY_RENEWALS - 4 });
  });
});
