/** Events through the real write path (database, aggregates, stored scores), not the engine alone. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { openStore, SqliteStore, sqliteStore, type Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { packedDays, packedTypeDays } from '@/lib/testing/packed-aggregates';
import { aggregatedEventCount, rebuildAggregates } from '../aggregates';
import { AppError } from '../errors';
import { upsertAccounts, upsertContacts } from './accounts';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { publishModel } from './model';
import { rescorePending } from './rescore-pending';
import { rescore } from './scores';
import { rescorePendingChunk } from './rescore-pending';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

function ev(type: string, daysAgo: number, extra: Partial<Record<keyof EventInput, unknown>> = {}): EventInput {
  return eventSchema.parse({ accountId: 'ACME', type, occurredAt: ago(daysAgo), ...extra });
}
const many = (n: number, type: string, daysAgo: number, extra = {}) => Array.from({ length: n }, () => ev(type, daysAgo, extra));

describeEngines('ingesting events', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [{ id: 'ACME', name: 'Acme', tier: 'growth', startedAt: NOW - 400 * DAY }]);
  });

  async function stored(id = 'ACME') {
    return (await db.get<{ score: number | null; band: string | null; state: string; velocity: number | null; flags: string; dimensions: string }>(
      'SELECT s.* FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = ?',
      [id],
    ))!;
  }
  /** Events written, then the rescore the server does just after the commit. */
  async function ingest(items: EventInput[]) {
    const result = await ingestEvents(db, items, { now: NOW });
    await rescorePending(db, { now: NOW });
    return result;
  }
  const count = async (table: string) => (await db.value<number>(`SELECT count(*) FROM ${table}`))!;

  it('reproduces SCORING.md example 4 in the stored score: 61.0, yellow', async () => {
    const features = [
      ['c1', 'core'], ['c2', 'core'], ['c3', 'core'], ['a1', 'advanced'], ['a2', 'advanced'], ['b1', 'basic'], ['b2', 'basic'], ['b3', 'basic'], ['b4', 'basic'],
    ];
    for (const [key, tier] of features) await db.run('INSERT INTO features (key, label, tier) VALUES (?, ?, ?)', [key!, key!, tier!]);
    await upsertContacts(db, [
      { id: 'sponsor', accountId: 'ACME', role: 'executive_sponsor', department: 'Finance' },
      { id: 'ch-ops', accountId: 'ACME', role: 'champion', department: 'Ops' },
      { id: 'ch-it', accountId: 'ACME', role: 'champion', department: 'IT' },
      { id: 'pu-1', accountId: 'ACME', role: 'power_user', department: 'Ops' },
      { id: 'pu-2', accountId: 'ACME', role: 'power_user', department: 'Ops' },
      { id: 'pu-3', accountId: 'ACME', role: 'power_user', department: 'Ops' },
      { id: 'user', accountId: 'ACME', role: 'user', department: 'Sales' },
    ]);
    await ingest([
      ev('support.interaction', 300),
      ev('meeting.held', 20, { contactId: 'sponsor', properties: { onTime: true, activeParticipation: true, strategic: true } }),
      ev('meeting.held', 12, { contactId: 'ch-ops', properties: { onTime: true, executiveAttended: true, followThrough: true } }),
      ev('meeting.held', 4, { contactId: 'ch-it', properties: { onTime: true } }),
      ...many(12, 'email.exchanged', 15, { contactId: 'user' }),
      ev('product.login', 10, { count: 10, contactId: 'pu-1' }),
      ev('product.login', 9, { count: 8, contactId: 'pu-2' }),
      ev('product.login', 8, { count: 5, contactId: 'pu-3' }),
      ...many(2, 'support.interaction', 5),
      ev('training.attended', 3),
      ...many(8, 'outreach.sent', 25),
      ...many(6, 'outreach.replied', 24, { properties: { responseHours: 6 } }),
      ...['c1', 'c2', 'a1', 'b1', 'b2'].map((f) => ev('feature.used', 6, { properties: { feature: f } })),
    ]);
    const s = await stored();
    expect(s.state).toBe('scored');
    expect(s.score).toBe(61.0);
    expect(s.band).toBe('yellow');
    expect(JSON.parse(s.dimensions)).toEqual({ frequency: 47.83, quality: 63.33, breadth: 79.17, product: 57.69 });
  });

  it('moves the stored score, band and velocity once the accounts the events touched are rescored', async () => {
    await ingest([...many(12, 'meeting.held', 45)]);
    const before = await stored();
    expect(before.velocity).toBe(-1);
    await ingest([...many(8, 'meeting.held', 2)]);
    const after = await stored();
    expect(after.score).toBeGreaterThan(before.score!);
    expect(after.velocity).toBeCloseTo(-1 / 3, 6);
  });

  it('refuses a whole batch with one bad item, writing nothing', async () => {
    const good = ev('meeting.held', 3);
    await expect(ingestEvents(db, [good, ev('no.such.trigger', 3), ev('meeting.held', 2, { accountId: 'NOPE' })], { now: NOW })).rejects.toThrowError(AppError);
    try {
      await ingestEvents(db, [good, ev('no.such.trigger', 3), ev('meeting.held', 2, { accountId: 'NOPE' })], { now: NOW });
    } catch (error) {
      expect((error as AppError).details.map((d) => [d.index, d.path])).toEqual([[1, 'type'], [2, 'accountId']]);
    }
    expect(await count('events')).toBe(0);
    expect(await count('agg_packed')).toBe(0);
    expect(await count('account_activity')).toBe(0);
  });

  it('never counts a re-sent event twice, and refuses repeated ids inside one batch', async () => {
    const first = await ingestEvents(db, [ev('meeting.held', 3, { id: 'e-1' }), ev('meeting.held', 3, { id: 'e-2' })], { now: NOW });
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = await ingestEvents(db, [ev('meeting.held', 3, { id: 'e-1' }), ev('meeting.held', 3, { id: 'e-3' })], { now: NOW });
    expect(again).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await packedTypeDays(db, 'meeting.held')).reduce((sum, r) => sum + r.n, 0)).toBe(3);
    await expect(ingestEvents(db, [ev('meeting.held', 3, { id: 'x' }), ev('meeting.held', 3, { id: 'x' })], { now: NOW })).rejects.toThrowError(/invalid item/);
  });

  it('keeps incremental aggregates equal to a rebuild from the raw events', async () => {
    await upsertContacts(db, [{ id: 'c', accountId: 'ACME', role: 'champion', department: 'IT' }]);
    await ingestEvents(db, [ev('meeting.held', 3, { contactId: 'c', properties: { onTime: true, strategic: false } }), ev('email.exchanged', 3, { properties: { sentiment: 0.5 } })], { now: NOW });
    await ingestEvents(db, [ev('meeting.held', 3, { properties: { onTime: false } }), ev('email.exchanged', 3, { count: 2, properties: { sentiment: -0.25 } }), ev('feature.used', 1, { properties: { feature: 'x' } })], { now: NOW });
    await ingestEvents(db, [ev('outreach.replied', 2, { properties: { responseHours: 5 } }), ev('outreach.replied', 2, { count: 1_000_000, properties: { responseHours: 30, other: 1 } })], { now: NOW });
    const snapshot = async () => [await packedDays(db), await db.all('SELECT * FROM account_activity ORDER BY 1')];
    const incremental = await snapshot();
    await rebuildAggregates(db);
    expect(await snapshot()).toEqual(incremental);
    const emails = await packedTypeDays(db, 'email.exchanged');
    expect(emails).toHaveLength(1);
    // Means only for most properties; values (each weighted by its event's count, never repeated) where medians read them.
    expect({ ...emails[0]!.props }).toEqual({ sentiment: { t: 0, s: 0, c: 3 } });
    const replies = await packedTypeDays(db, 'outreach.replied');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.n).toBe(1_000_001);
    expect({ ...replies[0]!.props }).toEqual({ responseHours: { t: 0, s: 5 + 30 * 1_000_000, c: 1_000_001, v: [5, 30], w: [1, 1_000_000] }, other: { t: 0, s: 1_000_000, c: 1_000_000 } });
  });

  it('raises a red flag with evidence and an alert when outreach goes unanswered, and clears it on a reply', async () => {
    await ingest([ev('outreach.replied', 20), ...many(3, 'outreach.sent', 10)]);
    expect(JSON.parse((await stored()).flags)).toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
    const flag = (await db.get<{ evidence: string; cleared_at: number | null }>("SELECT * FROM flags WHERE key = 'unanswered_outreach'"))!;
    expect(flag.evidence).toMatch(/3 outreach/);
    expect(flag.cleared_at).toBeNull();
    expect(await db.value("SELECT count(*) FROM alerts WHERE kind = 'flag' AND key = 'unanswered_outreach'")).toBe(1);
    await ingest([ev('outreach.replied', 1)]);
    expect(JSON.parse((await stored()).flags)).not.toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
    expect(await db.value("SELECT cleared_at FROM flags WHERE key = 'unanswered_outreach'")).not.toBeNull();
  });

  it('records a band drop as a band change and an alert', async () => {
    await publishModel(db, {
      author: 'test',
      model: {
        ...DEFAULT_MODEL,
        dimensions: [{ key: 'frequency', label: 'Meetings', weight: 100, measures: [{ key: 'meetings', label: 'Meetings', kind: 'count', event: 'meeting.held', points: 10, per: 1, cap: 40 }] }],
        overrides: [],
      },
    });
    await ingest(many(4, 'meeting.held', 5));
    expect(await stored()).toMatchObject({ score: 100, band: 'green' });
    await rescore(db, { now: NOW + 30 * DAY });
    expect(await stored()).toMatchObject({ score: 0, band: 'red' });
    expect(await db.get('SELECT from_band, to_band FROM band_changes ORDER BY pk DESC')).toEqual({ from_band: 'green', to_band: 'red' });
    expect(await db.get("SELECT severity, title FROM alerts WHERE kind = 'band_drop'")).toEqual({ severity: 'red', title: 'Dropped to Disengaged' });
  });
});

/**
 * Two processes writing batches for the same accounts at the same moment (PostgreSQL: several web
 * processes; SQLite: a second connection to the file), and two draining the rescore list at once.
 * On SQLite both connections are in this one thread, where waiting for the other's write lock
 * would stop the thread the other needs to finish: they give up at once and try again shortly.
 */
describeEngines('ingesting events from several processes at once', (t) => {
  let other: Store;
  beforeEach(async () => {
    await prepareDatabase(t.store);
    await upsertAccounts(t.store, [{ id: 'ACME', name: 'Acme', tier: 'growth', startedAt: NOW - 400 * DAY }, { id: 'INITECH', name: 'Initech', tier: 'core', startedAt: NOW - 400 * DAY }]);
    other = t.engine === 'sqlite' ? sqliteStore(t.url) : await openStore(t.url);
    for (const db of [t.store, other]) if (db instanceof SqliteStore) db.client.pragma('busy_timeout = 0');
  });
  afterEach(() => other.close());
  async function concurrently<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }

  /** A batch of `n` events, some on a day (a block) no batch wrote before, some re-sent. */
  const batch = (process: string, i: number, n: number): EventInput[] =>
    Array.from({ length: n }, (_, k) =>
      ev(k % 3 ? 'meeting.held' : 'product.login', 1 + ((i * 7 + k) % 40), {
        id: k === 0 ? 'shared-0' : `${process}-${i}-${k}`,
        accountId: k % 2 ? 'ACME' : 'INITECH',
        count: 1 + (k % 4),
        properties: { feature: `f${i % 3}`, onTime: k % 2 === 0 },
      }),
    );
  const write = (db: Store, items: EventInput[]) => concurrently(() => ingestEvents(db, items, { now: NOW, createAccounts: true }));

  it('counts every event exactly once, in the events and in the aggregates, and each account is rescored once per listing', async () => {
    const sent = [0, 1, 2, 3, 4, 5].flatMap((i) => [{ db: t.store, items: batch('a', i, 25) }, { db: other, items: batch('b', i, 25) }]);
    const results = await Promise.all(sent.map(({ db, items }) => write(db, items)));
    const ids = new Set(sent.flatMap(({ items }) => items.map((e) => e.id)));
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(ids.size);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(sent.length * 25 - ids.size);
    const total = (await t.store.value<number>('SELECT sum(count) FROM events'))!;
    expect(await t.store.value('SELECT count(*) FROM events')).toBe(ids.size);
    expect(await aggregatedEventCount(t.store)).toBe(total);
    expect(await t.store.value('SELECT sum(events) FROM account_activity')).toBe(ids.size);
    // The blocks written concurrently equal those a rebuild makes from the events.
    const incremental = await packedDays(t.store);
    await rebuildAggregates(t.store);
    expect(await packedDays(t.store)).toEqual(incremental);

    // Both drains at once: every listed account is taken by one of them.
    expect(await t.store.value('SELECT count(*) FROM rescore_pending')).toBe(2);
    const drained = await Promise.all([t.store, other].map((db) => concurrently(() => rescorePendingChunk(db, { limit: 1, now: NOW }))));
    expect(drained.reduce((a, b) => a + b, 0) + (await rescorePending(t.store, { now: NOW }))).toBe(2);
    expect(await t.store.value("SELECT count(*) FROM scores WHERE state = 'scored'")).toBe(2);
  });

  it('creates an account both name at once only once', async () => {
    const items = (p: string) => Array.from({ length: 5 }, (_, k) => ev('meeting.held', 2, { id: `${p}-${k}`, accountId: 'NEWCO' }));
    const results = await Promise.all([write(t.store, items('a')), write(other, items('b')), write(t.store, items('c')), write(other, items('d'))]);
    expect(results.map((r) => r.accepted)).toEqual([5, 5, 5, 5]);
    expect(await t.store.value("SELECT count(*) FROM accounts WHERE id = 'NEWCO'")).toBe(1);
    expect(await aggregatedEventCount(t.store)).toBe(20);
  });
});
