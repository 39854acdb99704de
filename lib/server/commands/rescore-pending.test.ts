/** Rescoring after the commit, on a real SQLite file: what is listed, when, and what survives. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '@/db/open';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { createTempDb } from '@/lib/testing/temp-db';
import { upsertAccounts } from './accounts';
import { prepareDatabase } from './catalogue';
import { ingestEventGroup, ingestEvents } from './events';
import { rescoreEverything } from './rescore-all';
import { markRescorePending, pendingRescores, rescorePending, rescorePendingChunk, rescorePendingOneByOne } from './rescore-pending';
import * as scoreCommands from './scores';
import { rescore } from './scores';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const IDS = ['A', 'B', 'C', 'D', 'E'];

let db: Db;
let file: string;
let cleanup: () => void;

beforeEach(() => {
  ({ db, file, cleanup } = createTempDb());
  prepareDatabase(db);
  upsertAccounts(db, IDS.map((id) => ({ id, name: id, tier: 'core', startedAt: NOW - 400 * DAY })));
});
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

const ev = (accountId: string, type: string, daysAgo: number, extra: Record<string, unknown> = {}): EventInput =>
  eventSchema.parse({ accountId, type, occurredAt: new Date(NOW - daysAgo * DAY).toISOString(), ...extra });
const pendingIds = () => db.$client.prepare('SELECT a.id FROM rescore_pending p JOIN accounts a ON a.pk = p.account_pk ORDER BY a.id').pluck().all() as string[];
const scores = () => db.$client.prepare('SELECT account_pk, score, band, velocity, flags, touchpoints, dimensions FROM scores ORDER BY account_pk').all();
const scoreOf = (id: string) => db.$client.prepare('SELECT s.score, s.band, s.flags FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = ?').get(id) as { score: number | null; band: string | null; flags: string };

describe('rescoring the accounts events touched, after the commit', () => {
  it('lists each touched account once in the event transaction and leaves the score for the drain', () => {
    const before = scoreOf('A');
    ingestEventGroup(db, [
      { items: [ev('A', 'meeting.held', 2), ev('B', 'meeting.held', 3)], options: { now: NOW } },
      { items: [ev('A', 'email.exchanged', 1)], options: { now: NOW } },
    ]);
    ingestEvents(db, [ev('A', 'product.login', 1, { count: 5 })], { now: NOW });
    expect(pendingIds()).toEqual(['A', 'B']);
    expect(scoreOf('A')).toEqual(before);

    expect(rescorePending(db, { now: NOW })).toBe(2);
    expect(pendingIds()).toEqual([]);
    expect(scoreOf('A').score).toBeGreaterThan(before.score ?? 0);
  });

  it('leaves the same scores, bands, velocities and flags as a full rescore', () => {
    ingestEvents(db, [...Array.from({ length: 10 }, () => ev('A', 'meeting.held', 45)), ev('A', 'outreach.replied', 20), ...Array.from({ length: 3 }, () => ev('A', 'outreach.sent', 10))], { now: NOW });
    ingestEvents(db, IDS.flatMap((id, i) => Array.from({ length: i + 1 }, () => ev(id, 'meeting.held', i * 7 + 1, { properties: { onTime: true } }))), { now: NOW });
    ingestEvents(db, [ev('C', 'support.interaction', 2), ev('E', 'product.login', 40, { count: 9 })], { now: NOW });
    rescorePending(db, { now: NOW });
    const drained = scores();
    expect(JSON.parse(scoreOf('A').flags)).toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
    rescore(db, { now: NOW });
    expect(scores()).toEqual(drained);
  });

  it('works the list off in chunks, oldest first, each chunk on its own', () => {
    const pk = (id: string) => db.$client.prepare('SELECT pk FROM accounts WHERE id = ?').pluck().get(id) as number;
    markRescorePending(db, [pk('C'), pk('D')], NOW);
    markRescorePending(db, [pk('A'), pk('B'), pk('E')], NOW + 1);
    // Listed again later: it keeps its place.
    markRescorePending(db, [pk('C')], NOW + 2);
    expect(rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(2);
    expect(pendingIds()).toEqual(['A', 'B', 'E']);
    expect(rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(2);
    expect(rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(1);
    expect(rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(0);
    expect(pendingRescores(db)).toBe(0);
  });

  it('lists nothing for a refused batch, a batch rolled back, or a bulk load', () => {
    expect(() => ingestEvents(db, [ev('A', 'meeting.held', 1), ev('NOPE', 'meeting.held', 1)], { now: NOW })).toThrow(/invalid item/);
    expect(() =>
      db.transaction(() => {
        ingestEvents(db, [ev('B', 'meeting.held', 1)], { now: NOW });
        expect(pendingIds()).toEqual(['B']);
        throw new Error('the database failed after the events were written');
      }),
    ).toThrow(/database failed/);
    ingestEvents(db, [ev('C', 'meeting.held', 1)], { now: NOW, score: false });
    expect(pendingIds()).toEqual([]);
    expect(db.$client.prepare('SELECT count(*) FROM events WHERE account_pk IN (SELECT pk FROM accounts WHERE id IN (?, ?))').pluck().get('A', 'B')).toBe(0);
  });

  it('sets aside an account whose rescore fails on its own, and rescores the others', () => {
    ingestEvents(db, [ev('A', 'meeting.held', 1), ev('B', 'meeting.held', 1), ev('C', 'meeting.held', 1)], { now: NOW });
    const bad = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'B'").pluck().get() as number;
    const real = scoreCommands.rescore;
    vi.spyOn(scoreCommands, 'rescore').mockImplementation((d, options) => {
      if (options?.accountPks?.includes(bad)) throw new Error('the engine cannot score this account');
      return real(d, options);
    });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => rescorePendingChunk(db, { now: NOW })).toThrow(/cannot score/);
    expect(pendingIds()).toEqual(['A', 'B', 'C']);
    expect(rescorePendingOneByOne(db, { now: NOW })).toEqual([bad]);
    expect(pendingIds()).toEqual([]);
    expect(scoreOf('A').score).toBeGreaterThan(0);
    expect(scoreOf('C').score).toBeGreaterThan(0);
  });

  it('keeps the list across a restart (closing and reopening the file), and the drain then finishes it', () => {
    ingestEvents(db, [ev('A', 'meeting.held', 2), ev('D', 'email.exchanged', 3)], { now: NOW });
    db.$client.close();
    db = openDatabase(file);
    expect(pendingIds()).toEqual(['A', 'D']);
    rescorePending(db, { now: NOW });
    expect(pendingIds()).toEqual([]);
    const drained = scores();
    rescore(db, { now: NOW });
    expect(scores()).toEqual(drained);
  });

  it('a full rescore leaves nothing waiting, including accounts with events written since it began', () => {
    ingestEvents(db, [ev('B', 'meeting.held', 2)], { now: NOW });
    rescoreEverything(db, { history: false });
    expect(pendingIds()).toEqual([]);
  });

  it('another connection (a command-line tool beside the server) sees the committed list and can work it off', () => {
    ingestEvents(db, [ev('E', 'meeting.held', 2)], { now: NOW });
    const other = openDatabase(file);
    try {
      expect(pendingRescores(other)).toBe(1);
      expect(rescorePending(other, { now: NOW })).toBe(1);
    } finally {
      other.$client.close();
    }
    expect(pendingIds()).toEqual([]);
  });
});
