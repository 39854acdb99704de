/**
 * What the account page and the accounts list read of the programme, on both engines: the
 * overdue-touchpoints filter and sort, the timeline's pages and its note search (taken literally),
 * and the cadence items in words.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { prepareDatabase } from '../commands/catalogue';
import { bandCounts, listAccounts, type AccountFilters } from './accounts';
import { accountCadence } from './cadence';
import { accountTimelinePage, TIMELINE_PAGE_SIZE } from './timeline';

const DAY = 86_400_000;
const NOW = Date.now();

describeEngines('overdue touchpoints on the accounts list', (t) => {
  const pks = new Map<string, number>();

  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    // id, earliest-due offsets of its cadence items (days from now; negative: overdue)
    const seed: [string, number[]][] = [
      ['late-10', [-10, 20]],
      ['late-2', [5, -2]],
      ['on-time', [3, 40]],
      ['no-cadence', []],
      ['late-30', [-30]],
      ['due-in-1', [1]],
    ];
    for (const [id, dues] of seed) {
      const pk = (await db.value<number>("INSERT INTO accounts (id, name, arr, tier) VALUES (?, ?, 100, 'core') RETURNING pk", [id, `Account ${id}`]))!;
      pks.set(id, pk);
      await db.run("INSERT INTO scores (account_pk, model_version, as_of, state, score, band, computed_at) VALUES (?, 1, ?, 'scored', 50, 'yellow', ?)", [pk, NOW, NOW]);
      for (const [i, d] of dues.entries()) {
        await db.run('INSERT INTO cadence_status (account_pk, item_key, every_days, last_at, last_touch, due_at, cadence_version) VALUES (?, ?, 30, NULL, NULL, ?, 1)', [pk, `item-${i}`, NOW + d * DAY]);
      }
    }
  });

  const ids = async (filters: AccountFilters) => (await listAccounts(t.store, { limit: 500, now: NOW, ...filters })).data.map((a) => a.id);

  it('keeps only accounts with an item due before now', async () => {
    expect((await ids({ overdue: true })).sort()).toEqual(['late-10', 'late-2', 'late-30']);
    expect(await ids({ overdue: true, q: 'late-2' })).toEqual(['late-2']);
    expect((await ids({ overdue: false })).length).toBe(6);
    // "now" decides: two days on, the item due tomorrow is overdue too.
    expect((await ids({ overdue: true, now: NOW + 2 * DAY })).sort()).toEqual(['due-in-1', 'late-10', 'late-2', 'late-30']);
    const counts = await bandCounts(t.store, { overdue: true });
    expect(counts).toEqual([{ band: 'yellow', accounts: 3, arr: 300 }]);
  });

  it('sorts the most overdue first, accounts without cadence last, across pages', async () => {
    const order = ['late-30', 'late-10', 'late-2', 'due-in-1', 'on-time', 'no-cadence'];
    expect(await ids({ sort: 'overdue' })).toEqual(order);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listAccounts>> = await listAccounts(t.store, { sort: 'overdue', limit: 2, cursor });
      paged.push(...page.data.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(order);
    expect(await ids({ sort: 'overdue', overdue: true })).toEqual(['late-30', 'late-10', 'late-2']);
  });

  it('names each cadence item, when it is due, and whether it is overdue', async () => {
    await t.store.run("UPDATE cadence_status SET last_at = ?, last_touch = 'meeting.held#executiveAttended' WHERE account_pk = ? AND item_key = 'item-0'", [NOW - 40 * DAY, pks.get('late-10')!]);
    await t.store.run("UPDATE cadence_status SET last_at = ?, last_touch = 'email.exchanged' WHERE account_pk = ? AND item_key = 'item-1'", [NOW - 10 * DAY, pks.get('late-10')!]);
    const items = await accountCadence(t.store, pks.get('late-10')!, NOW);
    expect(items.map((i) => [i.key, i.overdue, i.lastTouchLabel])).toEqual([
      ['item-0', true, 'Meeting held (executive attended)'],
      ['item-1', false, 'Email exchanged'],
    ]);
  });
});

describeEngines('the account timeline', (t) => {
  let pk = 0;
  const insertEvent = (type: string, at: number, properties: Record<string, unknown> | null, id: string) =>
    t.store.run('INSERT INTO events (id, account_pk, type, occurred_at, count, properties, source) VALUES (?, ?, ?, ?, 1, ?, ?)', [
      id, pk, type, at, properties === null ? null : JSON.stringify(properties), 'api',
    ]);

  beforeEach(async () => {
    await prepareDatabase(t.store);
    pk = (await t.store.value<number>("INSERT INTO accounts (id, name, arr) VALUES ('tl', 'Timeline Co', 0) RETURNING pk"))!;
    const other = (await t.store.value<number>("INSERT INTO accounts (id, name, arr) VALUES ('other', 'Other Co', 0) RETURNING pk"))!;
    await t.store.run("INSERT INTO events (id, account_pk, type, occurred_at, count, properties) VALUES ('x', ?, 'note.logged', ?, 1, ?)", [other, NOW, JSON.stringify({ text: 'Renewal 100% sure' })]);
  });

  it('pages through every event once, newest first, with events of one instant split across pages', async () => {
    // 30 events; five of them share one instant around the page boundary.
    for (let i = 0; i < 30; i++) {
      const at = i >= 22 && i < 27 ? NOW - 22 * 60_000 : NOW - i * 60_000;
      await insertEvent(i % 2 ? 'meeting.held' : 'email.exchanged', at, null, `e${i}`);
    }
    const first = await accountTimelinePage(t.store, pk);
    expect(first.data).toHaveLength(TIMELINE_PAGE_SIZE);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await accountTimelinePage(t.store, pk, { cursor: first.nextCursor });
    expect(second.data).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const all = [...first.data, ...second.data];
    expect(new Set(all.map((e) => e.id)).size).toBe(30);
    const times = all.map((e) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Labels from the catalogue, not keys.
    expect(first.data[0]).toMatchObject({ type: 'email.exchanged', label: 'Email exchanged' });
    // Smaller pages and a type filter follow the same cursors.
    const meetings: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof accountTimelinePage>> = await accountTimelinePage(t.store, pk, { types: ['meeting.held'], limit: 4, cursor });
      meetings.push(...page.data.map((e) => e.id!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(meetings).toHaveLength(15);
    expect(new Set(meetings).size).toBe(15);
    expect(meetings.every((id) => Number(id.slice(1)) % 2 === 1)).toBe(true);
    await expect(accountTimelinePage(t.store, pk, { cursor: 'not-a-cursor' })).rejects.toThrow(AppError);
    // Never more than the largest page, whatever is asked.
    expect((await accountTimelinePage(t.store, pk, { limit: 10_000 })).data).toHaveLength(30);
  });

  it('searches notes case-insensitively, taking %, _, quotes and backslashes literally', async () => {
    const notes = ['Renewal 100% sure', 'Discussed the_plan', 'Customer said "yes" and \'maybe\'', 'UPPER case Note', 'plain words', 'path C:\\temp\\x', 'Renewal 1000 sure', 'theXplan'];
    for (const [i, text] of notes.entries()) await insertEvent('note.logged', NOW - i * 60_000, { text, loggedBy: 'csm@example.com' }, `n${i}`);
    await insertEvent('meeting.held', NOW - 100 * 60_000, { channel: 'call', executiveAttended: true }, 'm1');
    await insertEvent('email.exchanged', NOW - 101 * 60_000, null, 'm2');
    // A property other than the note does not match.
    await insertEvent('note.logged', NOW - 102 * 60_000, { subject: 'plain words' }, 'm3');
    const found = async (q: string) => (await accountTimelinePage(t.store, pk, { q })).data.map((e) => (e.properties as { text: string }).text);
    expect(await found('100%')).toEqual(['Renewal 100% sure']);
    expect(await found('%')).toEqual(['Renewal 100% sure']);
    expect(await found('_')).toEqual(['Discussed the_plan']);
    expect(await found('the_plan')).toEqual(['Discussed the_plan']);
    expect(await found('"yes"')).toEqual(['Customer said "yes" and \'maybe\'']);
    expect(await found("'maybe'")).toEqual(['Customer said "yes" and \'maybe\'']);
    expect(await found('upper CASE note')).toEqual(['UPPER case Note']);
    expect(await found('C:\\temp')).toEqual(['path C:\\temp\\x']);
    expect(await found('  plain  ')).toEqual(['plain words']);
    expect(await found('nothing like it')).toEqual([]);
    // An empty search is no search: every event of the account (not the other account's).
    expect((await accountTimelinePage(t.store, pk, { q: '  ' })).data).toHaveLength(notes.length + 3);
    await expect(accountTimelinePage(t.store, pk, { q: 'x'.repeat(201) })).rejects.toThrow(AppError);
    // Search, type filter and paging together.
    const page1 = await accountTimelinePage(t.store, pk, { q: 'e', types: ['note.logged'], limit: 2 });
    const page2 = await accountTimelinePage(t.store, pk, { q: 'e', types: ['note.logged'], limit: 2, cursor: page1.nextCursor });
    expect([...page1.data, ...page2.data].map((e) => e.id)).toEqual(['n0', 'n1', 'n2', 'n3']);
  });
});
