/**
 * The CSM's programme on a real database (both engines): touches kept with events, cadence items
 * due and overdue, playbooks firing once per episode and closing their tasks, touchpoints logged
 * in the app, and who may act on tasks.
 */
import { beforeEach, expect, it } from 'vitest';
import { DEFAULT_CADENCE, type Cadence } from '@/lib/programme/cadence';
import { touchpointSchema } from '@/lib/programme/touchpoints';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { insertActionUser } from '@/lib/testing/action-user';
import { accountCadence, cadenceCompliance } from '../queries/cadence';
import { listTasks } from '../queries/tasks';
import { upsertAccounts } from './accounts';
import { liveCadence, publishCadence, rebuildTouches } from './cadence';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { savePlaybook } from './playbooks';
import { refreshAllProgramme } from './programme';
import { rescorePending } from './rescore-pending';
import { rescore } from './scores';
import { createTask, reassignTask, updateTask } from './tasks';
import { logTouchpoint } from './touchpoints';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const ADMIN = { actor: 'admin@example.com', actorUserPk: null, ip: null };

/** Enough of every kind of engagement for a yellow score with the default model, `daysAgo` days before NOW. */
const busy = (accountId: string, daysAgo: number): EventInput[] => [
  ...Array.from({ length: 12 }, (_, i) => ev(accountId, 'meeting.held', daysAgo + i, { properties: { onTime: true, activeParticipation: true, executiveAttended: true, followThrough: true, strategic: true } })),
  ...Array.from({ length: 10 }, (_, i) => ev(accountId, 'email.exchanged', daysAgo + i)),
  ev(accountId, 'product.login', daysAgo, { count: 100 }),
  ...Array.from({ length: 5 }, (_, i) => ev(accountId, 'support.interaction', daysAgo + i)),
  ...Array.from({ length: 2 }, (_, i) => ev(accountId, 'training.attended', daysAgo + i)),
  ...Array.from({ length: 4 }, (_, i) => ev(accountId, 'outreach.sent', daysAgo + i)),
  ...Array.from({ length: 4 }, (_, i) => ev(accountId, 'outreach.replied', daysAgo + i)),
];

const ev = (accountId: string, type: string, daysAgo: number, extra: Record<string, unknown> = {}): EventInput =>
  eventSchema.parse({ accountId, type, occurredAt: new Date(NOW - daysAgo * DAY).toISOString(), ...extra });

describeEngines('cadence, playbooks and tasks', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [
      { id: 'S', name: 'Strategic Co', tier: 'strategic', startedAt: NOW - 400 * DAY, ownerEmail: 'csm@example.com', arr: 200_000 },
      { id: 'G', name: 'Growth Co', tier: 'growth', startedAt: NOW - 400 * DAY, ownerEmail: 'other@example.com', arr: 50_000 },
      { id: 'N', name: 'Nurture Co', tier: 'nurture', startedAt: NOW - 400 * DAY, ownerEmail: 'csm@example.com' },
    ]);
  });

  const touches = (id: string) =>
    db.all<{ touch: string; last_at: number }>('SELECT t.touch, t.last_at FROM account_touches t JOIN accounts a ON a.pk = t.account_pk WHERE a.id = ? ORDER BY t.touch', [id]);
  const pkOf = async (id: string) => (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;
  const cadenceOf = async (id: string, now = NOW) => accountCadence(db, await pkOf(id), now);

  it('keeps the last touch per account with the events, a property touch only when the property is true', async () => {
    await ingestEvents(db, [
      ev('S', 'meeting.held', 10, { properties: { executiveAttended: false } }),
      ev('S', 'meeting.held', 20, { properties: { executiveAttended: true } }),
      ev('S', 'product.login', 1),
    ], { now: NOW });
    await ingestEvents(db, [ev('S', 'meeting.held', 15)], { now: NOW });
    expect(await touches('S')).toEqual([
      { touch: 'meeting.held', last_at: NOW - 10 * DAY },
      { touch: 'meeting.held#executiveAttended', last_at: NOW - 20 * DAY },
    ]);
    // A rebuild from the stored events gives the same.
    await rebuildTouches(db);
    expect(await touches('S')).toEqual([
      { touch: 'meeting.held', last_at: NOW - 10 * DAY },
      { touch: 'meeting.held#executiveAttended', last_at: NOW - 20 * DAY },
    ]);
  });

  it('gives each account the items of its tier with last done, next due and overdue', async () => {
    await ingestEvents(db, [ev('S', 'email.exchanged', 3), ev('S', 'meeting.held', 9), ev('G', 'meeting.held', 20)], { now: NOW });
    await rescorePending(db, { now: NOW });
    const s = await cadenceOf('S');
    expect(s.map((i) => i.key)).toEqual(['touchpoint', 'business-review', 'executive-checkin']);
    expect(s[0]).toMatchObject({ label: 'CSM touchpoint', everyDays: 7, lastAt: new Date(NOW - 3 * DAY).toISOString(), lastTouch: 'email.exchanged', overdue: false });
    expect(s[0]!.dueAt).toBe(new Date(NOW + 4 * DAY).toISOString());
    // Never done: due its interval after the account started, long ago.
    expect(s[1]).toMatchObject({ lastAt: null, overdue: true, dueAt: new Date(NOW - 400 * DAY + 91 * DAY).toISOString() });
    const g = await cadenceOf('G');
    expect(g[0]).toMatchObject({ everyDays: 14, overdue: true });
    expect(await cadenceOf('N')).toEqual([]);
    const compliance = await cadenceCompliance(db, NOW);
    expect(compliance).toEqual([
      { owner: 'csm@example.com', tier: 'strategic', accounts: 1, onCadence: 0, share: 0 },
      { owner: 'other@example.com', tier: 'growth', accounts: 1, onCadence: 0, share: 0 },
    ]);
  });

  it('a published cadence reads touches it newly names from the stored events and applies to every account', async () => {
    await ingestEvents(db, [ev('G', 'training.attended', 5), ev('G', 'meeting.held', 30)], { now: NOW });
    await rescorePending(db, { now: NOW });
    expect((await cadenceOf('G'))[0]).toMatchObject({ overdue: true });
    const cadence: Cadence = structuredClone(DEFAULT_CADENCE);
    cadence.tiers.growth[0] = { key: 'touchpoint', label: 'Touchpoint or training', everyDays: 10, fulfilledBy: [{ trigger: 'meeting.held' }, { trigger: 'training.attended' }] };
    const { version } = await publishCadence(db, cadence, 'trainings count', ADMIN);
    expect((await liveCadence(db)).version).toBe(version);
    await refreshAllProgramme(db, NOW);
    expect((await cadenceOf('G'))[0]).toMatchObject({ label: 'Touchpoint or training', everyDays: 10, lastTouch: 'training.attended', overdue: false });
    expect(await db.value("SELECT count(*) FROM audit_log WHERE action = 'cadence.published'")).toBe(1);
  });

  it('refuses a cadence naming an unknown trigger or a bad interval, with the path of each problem', async () => {
    const cadence = structuredClone(DEFAULT_CADENCE) as Cadence;
    cadence.tiers.core[0]!.fulfilledBy = [{ trigger: 'meeting.helt' }];
    await expect(publishCadence(db, cadence, null, ADMIN)).rejects.toMatchObject({ details: [{ path: 'tiers.core[0].fulfilledBy[0].trigger', message: 'no trigger "meeting.helt"' }] });
    const bad = { tiers: { ...DEFAULT_CADENCE.tiers, core: [{ key: 'x', label: 'X', everyDays: 0, fulfilledBy: [{ trigger: 'qbr.held' }] }] } };
    await expect(publishCadence(db, bad, null, ADMIN)).rejects.toMatchObject({ details: [{ path: 'tiers.core[0].everyDays' }] });
    expect(await db.value('SELECT count(*) FROM cadence_versions')).toBe(0);
  });

  it('fires a playbook once per episode, explains why, and closes its tasks when the condition ends', async () => {
    await savePlaybook(db, {
      key: 'save', name: 'Save play', condition: { kind: 'band', band: 'red' },
      steps: [{ title: 'Call the champion', dueInDays: 1 }, { title: 'Plan the recovery', dueInDays: 5 }], autoClose: true,
    }, ADMIN);
    // Lots of activity: not red.
    await ingestEvents(db, busy('S', 1), { now: NOW });
    await rescorePending(db, { now: NOW });
    expect(await db.value("SELECT s.band FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'S'")).toBe('yellow');
    expect((await listTasks(db, { accountId: 'S', now: NOW })).data).toEqual([]);

    // Forty days later the window is empty: the score falls to red and the playbook fires.
    const later = NOW + 40 * DAY;
    await rescore(db, { now: later });
    const open = (await listTasks(db, { accountId: 'S', now: later })).data;
    expect(open.map((x) => x.title)).toEqual(['Call the champion', 'Plan the recovery']);
    expect(open[0]).toMatchObject({ owner: 'csm@example.com', playbook: 'save', state: 'open', dueAt: new Date(later + DAY).toISOString() });
    expect(open[0]!.reason).toMatch(/^Created because the score fell to \d+\.\d \(red, “Disengaged”\) on \d+ \w+/);
    // Judged again while it holds: no second firing.
    await rescore(db, { now: later + 1000 });
    await refreshAllProgramme(db, later + 2000);
    expect(await db.value('SELECT count(*) FROM playbook_runs')).toBe(1);
    expect(await db.value('SELECT count(*) FROM tasks')).toBe(2);

    // Activity returns: the episode ends and its tasks close themselves.
    await ingestEvents(db, busy('S', -39), { now: later });
    await rescorePending(db, { now: later + 3000 });
    expect((await listTasks(db, { accountId: 'S', now: later + 3000 })).data).toEqual([]);
    const closed = (await listTasks(db, { accountId: 'S', state: 'done', now: later + 3000 })).data;
    expect(closed.map((x) => x.closedReason)).toEqual(['condition_ended', 'condition_ended']);
    expect(await db.value('SELECT count(*) FROM playbook_runs WHERE ended_at IS NOT NULL')).toBe(1);
  });

  it('judges time-based conditions on the sweep: a renewal coming near, a touchpoint falling overdue', async () => {
    await upsertAccounts(db, [{ id: 'G', name: 'Growth Co', renewalDate: NOW + 50 * DAY }]);
    await savePlaybook(db, { key: 'renewal', name: 'Renewal', condition: { kind: 'renewal', withinDays: 30 }, steps: [{ title: 'Confirm the decision makers', dueInDays: 3 }], autoClose: false }, ADMIN);
    await savePlaybook(db, { key: 'touch', name: 'Overdue', condition: { kind: 'cadence_overdue', item: 'touchpoint' }, tiers: ['strategic'], steps: [{ title: 'Schedule a call', dueInDays: 2 }] }, ADMIN);
    await ingestEvents(db, [ev('S', 'meeting.held', 1), ev('G', 'meeting.held', 1)], { now: NOW });
    await rescorePending(db, { now: NOW });
    expect(await db.value('SELECT count(*) FROM tasks')).toBe(0);

    const out = await refreshAllProgramme(db, NOW + 25 * DAY);
    expect(out).toMatchObject({ runsStarted: 2, tasksCreated: 2 });
    const tasks = (await listTasks(db, { now: NOW + 25 * DAY })).data;
    expect(tasks.map((x) => [x.accountId, x.title])).toEqual([
      ['S', 'Schedule a call'],
      ['G', 'Confirm the decision makers'],
    ]);
    expect(tasks[1]!.reason).toBe('Created because the renewal is on 4 Aug, in 25 days');
    expect(tasks[0]!.reason).toMatch(/^Created because the CSM touchpoint was due on 21 Jun \(every 7 days; last on 14 Jun\)$/);
  });

  it('logs a touchpoint as an app event that fulfils the cadence and moves the score at once', async () => {
    const csm = await insertActionUser(db, 'csm');
    const before = (await db.value<number | null>("SELECT s.score FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'S'")) ?? 0;
    const input = touchpointSchema.parse({ accountId: 'S', kind: 'call', minutes: '25', note: 'Talked renewal; 50% discount asked', executiveAttended: 'on', onTime: 'on' });
    const { eventId } = await logTouchpoint(db, input, csm, NOW);
    const row = await db.get<{ type: string; source: string; properties: string }>('SELECT type, source, properties FROM events WHERE id = ?', [eventId]);
    expect(row).toMatchObject({ type: 'meeting.held', source: 'app' });
    expect(JSON.parse(row!.properties)).toMatchObject({ channel: 'call', minutes: 25, text: 'Talked renewal; 50% discount asked', executiveAttended: true, onTime: true, strategic: false, loggedBy: 'csm@example.com' });
    const after = (await db.value<number>("SELECT s.score FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'S'"))!;
    expect(after).toBeGreaterThan(before);
    // Scored once: the background rescore has nothing left to do for it.
    expect(await db.value("SELECT count(*) FROM rescore_pending p JOIN accounts a ON a.pk = p.account_pk WHERE a.id = 'S'")).toBe(0);
    const items = await cadenceOf('S');
    expect(items.find((i) => i.key === 'touchpoint')).toMatchObject({ overdue: false, lastTouch: 'meeting.held' });
    expect(items.find((i) => i.key === 'executive-checkin')).toMatchObject({ overdue: false, lastTouch: 'meeting.held#executiveAttended' });

    // Another CSM's account: refused, nothing written.
    await expect(logTouchpoint(db, touchpointSchema.parse({ accountId: 'G', kind: 'email' }), csm, NOW)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await db.value("SELECT count(*) FROM events WHERE source = 'app'")).toBe(1);
    await expect(logTouchpoint(db, touchpointSchema.parse({ accountId: 'S', kind: 'email', occurredAt: new Date(NOW + DAY).toISOString() }), csm, NOW)).rejects.toMatchObject({ details: [{ path: 'occurredAt' }] });
  });

  it('lets a CSM act on their own accounts’ tasks only, managers reassign, and audits each change', async () => {
    const csm = await insertActionUser(db, 'csm');
    const manager = await insertActionUser(db, 'manager');
    const { pk: mine } = await createTask(db, { accountId: 'S', title: 'Send the deck', dueAt: NOW + DAY }, csm, null, NOW);
    const { pk: theirs } = await createTask(db, { accountId: 'G', title: 'Check in', dueAt: NOW + DAY }, manager, null, NOW);
    await expect(updateTask(db, theirs, { state: 'done' }, { kind: 'user', user: csm }, NOW)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(reassignTask(db, mine, 'manager@example.com', csm)).rejects.toMatchObject({ code: 'forbidden' });

    await updateTask(db, mine, { state: 'snoozed', snoozeUntil: NOW + 2 * DAY, note: 'Waiting for their legal team' }, { kind: 'user', user: csm }, NOW);
    expect((await listTasks(db, { accountId: 'S', state: 'snoozed', now: NOW })).data).toHaveLength(1);
    // Past its snooze it reads as open again.
    const open = (await listTasks(db, { accountId: 'S', now: NOW + 3 * DAY })).data;
    expect(open).toMatchObject([{ id: mine, state: 'open', notes: [{ author: 'csm@example.com', body: 'Waiting for their legal team' }] }]);
    await expect(updateTask(db, mine, { state: 'snoozed', snoozeUntil: NOW - 1 }, { kind: 'user', user: csm }, NOW)).rejects.toMatchObject({ details: [{ path: 'snoozeUntil' }] });

    await reassignTask(db, theirs, 'csm@example.com', manager, null, NOW);
    await updateTask(db, theirs, { state: 'done' }, { kind: 'user', user: csm }, NOW);
    expect((await listTasks(db, { owner: 'csm@example.com', state: 'done', now: NOW })).data.map((x) => x.title)).toEqual(['Check in']);
    expect(await db.column("SELECT action FROM audit_log WHERE target_type = 'task' ORDER BY pk")).toEqual(['task.created', 'task.created', 'task.snoozed', 'task.reassigned', 'task.done']);
  });
});

describeEngines('the programme sweep', (t) => {
  it('runs once per interval, whichever process asks', async () => {
    const { sweepProgrammeIfDue, PROGRAMME_SWEEP_MS } = await import('../jobs/scheduler');
    await prepareDatabase(t.store);
    const asked = await Promise.all([sweepProgrammeIfDue(t.store, NOW), sweepProgrammeIfDue(t.store, NOW)]);
    expect(asked.filter(Boolean)).toHaveLength(1);
    expect(await sweepProgrammeIfDue(t.store, NOW + PROGRAMME_SWEEP_MS - 1)).toBe(false);
    expect(await sweepProgrammeIfDue(t.store, NOW + PROGRAMME_SWEEP_MS)).toBe(true);
  });
});

describeEngines('tasks when an account changes hands', (t) => {
  it('a new owner takes over the previous owner’s open tasks; tasks given to someone else and done ones stay', async () => {
    const db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [{ id: 'A', name: 'A', tier: 'core', ownerEmail: 'old@example.com' }]);
    const manager = await insertActionUser(db, 'manager');
    const mine = await createTask(db, { accountId: 'A', title: 'Mine', dueAt: NOW }, manager, null, NOW);
    const done = await createTask(db, { accountId: 'A', title: 'Done', dueAt: NOW }, manager, null, NOW);
    const other = await createTask(db, { accountId: 'A', title: 'Other', dueAt: NOW, owner: 'manager@example.com' }, manager, null, NOW);
    await updateTask(db, done.pk, { state: 'done' }, { kind: 'user', user: manager }, NOW);
    await upsertAccounts(db, [{ id: 'A', name: 'A', ownerEmail: 'new@example.com' }]);
    const owners = await db.all<{ pk: number; owner_email: string }>('SELECT pk, owner_email FROM tasks ORDER BY pk');
    expect(owners).toEqual([
      { pk: mine.pk, owner_email: 'new@example.com' },
      { pk: done.pk, owner_email: 'old@example.com' },
      { pk: other.pk, owner_email: 'manager@example.com' },
    ]);
  });
});
