/** Rescoring after the commit, on a real database: what is listed, when, and what survives. */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { openStore, sqliteStore, type SqliteStore, type Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { logger } from '../log';
import { upsertAccounts } from './accounts';
import { prepareDatabase } from './catalogue';
import { ingestEventGroup, ingestEvents } from './events';
import { rescoreEverything } from './rescore-all';
import { markRescorePending, pendingRescores, releaseClaim, rescorePending, rescorePendingAhead, rescorePendingChunk, rescorePendingOneByOne } from './rescore-pending';
import * as scoringInputs from '../queries/scoring-inputs';
import * as scoreCommands from './scores';
import { rescore } from './scores';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const IDS = ['A', 'B', 'C', 'D', 'E'];

const ev = (accountId: string, type: string, daysAgo: number, extra: Record<string, unknown> = {}): EventInput =>
  eventSchema.parse({ accountId, type, occurredAt: new Date(NOW - daysAgo * DAY).toISOString(), ...extra });

describeEngines('rescoring the accounts events touched, after the commit', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, IDS.map((id) => ({ id, name: id, tier: 'core' as const, startedAt: NOW - 400 * DAY })));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const pendingIds = (on: Store = db) => on.column<string>('SELECT a.id FROM rescore_pending p JOIN accounts a ON a.pk = p.account_pk ORDER BY a.id');
  const scores = () => db.all('SELECT account_pk, score, band, velocity, flags, touchpoints, dimensions FROM scores ORDER BY account_pk');
  const scoreOf = async (id: string) =>
    (await db.get<{ score: number | null; band: string | null; flags: string }>('SELECT s.score, s.band, s.flags FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = ?', [id]))!;
  /** Another connection to the same database: a restarted server, or a command-line tool beside it. */
  const connect = () => (t.engine === 'sqlite' ? Promise.resolve(sqliteStore(t.url)) : openStore(t.url));

  it('lists accounts in pk order whatever order it is given them: two transactions listing the same accounts do not deadlock', async () => {
    const pk = async (id: string) => (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;
    const [a, b] = [await pk('A'), await pk('B')];
    const other = await connect();
    try {
      let secondStarted!: () => void;
      const started = new Promise<void>((resolve) => (secondStarted = resolve));
      let second: Promise<void> | null = null;
      await db.tx(async (tx) => {
        await markRescorePending(tx, [a], NOW);
        // Another process lists B then A while this transaction holds A: in pk order it waits at
        // A, holding nothing; in the order given it would hold B, and the listing of B below
        // would wait for it while it waits for A.
        second = other.tx(async (tx2) => {
          secondStarted();
          await markRescorePending(tx2, [b, a], NOW + 1);
        });
        // (SQLite: the other transaction waits for the write lock until this one commits.)
        if (t.engine === 'postgres') await started;
        await new Promise((resolve) => setTimeout(resolve, 200));
        await markRescorePending(tx, [b], NOW);
      });
      await second;
    } finally {
      await other.close();
    }
    expect(await pendingIds()).toEqual(['A', 'B']);
  });

  it('lists each touched account once in the event transaction and leaves the score for the drain', async () => {
    const before = await scoreOf('A');
    await ingestEventGroup(db, [
      { items: [ev('A', 'meeting.held', 2), ev('B', 'meeting.held', 3)], options: { now: NOW } },
      { items: [ev('A', 'email.exchanged', 1)], options: { now: NOW } },
    ]);
    await ingestEvents(db, [ev('A', 'product.login', 1, { count: 5 })], { now: NOW });
    expect(await pendingIds()).toEqual(['A', 'B']);
    expect(await scoreOf('A')).toEqual(before);

    expect(await rescorePending(db, { now: NOW })).toBe(2);
    expect(await pendingIds()).toEqual([]);
    expect((await scoreOf('A')).score).toBeGreaterThan(before.score ?? 0);
  });

  it('leaves the same scores, bands, velocities and flags as a full rescore', async () => {
    await ingestEvents(db, [...Array.from({ length: 10 }, () => ev('A', 'meeting.held', 45)), ev('A', 'outreach.replied', 20), ...Array.from({ length: 3 }, () => ev('A', 'outreach.sent', 10))], { now: NOW });
    await ingestEvents(db, IDS.flatMap((id, i) => Array.from({ length: i + 1 }, () => ev(id, 'meeting.held', i * 7 + 1, { properties: { onTime: true } }))), { now: NOW });
    await ingestEvents(db, [ev('C', 'support.interaction', 2), ev('E', 'product.login', 40, { count: 9 })], { now: NOW });
    await rescorePending(db, { now: NOW });
    const drained = await scores();
    expect(JSON.parse((await scoreOf('A')).flags)).toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
    await rescore(db, { now: NOW });
    expect(await scores()).toEqual(drained);
  });

  it('works the list off in chunks, oldest first, each chunk on its own', async () => {
    const pk = async (id: string) => (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;
    await markRescorePending(db, [await pk('C'), await pk('D')], NOW);
    await markRescorePending(db, [await pk('A'), await pk('B'), await pk('E')], NOW + 1);
    // Listed again later: it keeps its place.
    await markRescorePending(db, [await pk('C')], NOW + 2);
    expect(await rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(2);
    expect(await pendingIds()).toEqual(['A', 'B', 'E']);
    expect(await rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(2);
    expect(await rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(1);
    expect(await rescorePendingChunk(db, { limit: 2, now: NOW })).toBe(0);
    expect(await pendingRescores(db)).toBe(0);
  });

  it('lists nothing for a refused batch, a batch rolled back, or a bulk load', async () => {
    await expect(ingestEvents(db, [ev('A', 'meeting.held', 1), ev('NOPE', 'meeting.held', 1)], { now: NOW })).rejects.toThrow(/invalid item/);
    await expect(
      db.tx(async (tx) => {
        await ingestEvents(tx, [ev('B', 'meeting.held', 1)], { now: NOW });
        expect(await pendingIds(tx)).toEqual(['B']);
        throw new Error('the database failed after the events were written');
      }),
    ).rejects.toThrow(/database failed/);
    await ingestEvents(db, [ev('C', 'meeting.held', 1)], { now: NOW, score: false });
    expect(await pendingIds()).toEqual([]);
    expect(await db.value('SELECT count(*) FROM events WHERE account_pk IN (SELECT pk FROM accounts WHERE id IN (?, ?))', ['A', 'B'])).toBe(0);
  });

  it('sets aside an account whose rescore fails on its own, and rescores the others', async () => {
    await ingestEvents(db, [ev('A', 'meeting.held', 1), ev('B', 'meeting.held', 1), ev('C', 'meeting.held', 1)], { now: NOW });
    const bad = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'B'"))!;
    const real = scoreCommands.rescore;
    vi.spyOn(scoreCommands, 'rescore').mockImplementation(async (d, options) => {
      if (options?.accountPks?.includes(bad)) throw new Error('the engine cannot score this account');
      return real(d, options);
    });
    const logged = vi.spyOn(logger, 'error');
    await expect(rescorePendingChunk(db, { now: NOW })).rejects.toThrow(/cannot score/);
    expect(await pendingIds()).toEqual(['A', 'B', 'C']);
    expect(await rescorePendingOneByOne(db, { now: NOW })).toEqual([bad]);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ account: bad }), expect.stringContaining('keeps its previous score'));
    expect(await pendingIds()).toEqual([]);
    expect((await scoreOf('A')).score).toBeGreaterThan(0);
    expect((await scoreOf('C')).score).toBeGreaterThan(0);
  });

  /** Runs `during` once, after the next rescore has read its figures and before it writes. */
  const betweenReadAndWrite = (during: () => Promise<unknown>) => {
    const real = scoringInputs.eachInputAsOf;
    let done = false;
    vi.spyOn(scoringInputs, 'eachInputAsOf').mockImplementation(async (...args) => {
      const out = await real(...args);
      if (!done) {
        done = true;
        await during();
      }
      return out;
    });
  };

  it('keeps listed an account whose events arrived while its rescore was running, and stores the newer figures next time', async () => {
    await ingestEvents(db, [ev('A', 'meeting.held', 2)], { now: NOW });
    const before = (await scoreOf('A')).score;
    betweenReadAndWrite(() => ingestEvents(db, Array.from({ length: 6 }, () => ev('A', 'meeting.held', 1)), { now: NOW }));
    expect(await rescorePendingChunk(db, { now: NOW })).toBe(1);
    // Stored from what it read (one meeting), and listed again for the six that came meanwhile.
    const first = (await scoreOf('A')).score;
    expect(first).not.toEqual(before);
    expect(await pendingIds()).toEqual(['A']);
    expect(await db.value('SELECT count(*) FROM rescore_pending WHERE claimed_until IS NOT NULL')).toBe(0);
    expect(await rescorePendingChunk(db, { now: NOW })).toBe(1);
    expect(await pendingIds()).toEqual([]);
    expect((await scoreOf('A')).score).toBeGreaterThan(first ?? 0);
    const drained = await scores();
    await rescore(db, { now: NOW });
    expect(await scores()).toEqual(drained);
  });

  it('does not write a full rescore over a score stored after it read its figures, and lists that account instead', async () => {
    await ingestEvents(db, [ev('B', 'meeting.held', 2)], { now: NOW });
    await rescorePending(db, { now: NOW });
    const pkB = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'B'"))!;
    // While the full rescore scores, B gets events and a drain stores B's newer score.
    betweenReadAndWrite(async () => {
      await ingestEvents(db, Array.from({ length: 8 }, () => ev('B', 'meeting.held', 1)), { now: NOW });
      await rescorePending(db, { now: NOW + 1 });
    });
    const newer = async () => db.get('SELECT score, computed_at FROM scores WHERE account_pk = ?', [pkB]);
    const summary = await rescore(db, { now: NOW + 2 });
    expect(summary.accounts).toBe(IDS.length - 1);
    const kept = (await newer()) as { score: number; computed_at: number };
    expect(kept.computed_at).toBe(NOW + 1);
    // Listed: the drain rescores it from what is committed, which gives the same score.
    expect(await pendingIds()).toEqual(['B']);
    await rescorePending(db, { now: NOW + 3 });
    expect(((await newer()) as { score: number }).score).toBe(kept.score);
  });

  it('claims the next chunk in the transaction that stores a chunk, and gives back a chunk claimed ahead', async () => {
    const pk = async (id: string) => (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;
    await markRescorePending(db, [await pk('A'), await pk('B')], NOW);
    await markRescorePending(db, [await pk('C')], NOW + 1);
    const claimedIds = () => db.column<string>('SELECT a.id FROM rescore_pending p JOIN accounts a ON a.pk = p.account_pk WHERE p.claimed_until IS NOT NULL ORDER BY a.id');
    const first = await rescorePendingAhead(db, { limit: 2, now: NOW }, null);
    expect(first.count).toBe(2);
    // A and B rescored and off the list; C claimed by the same transaction, for the next call.
    expect(await pendingIds()).toEqual(['C']);
    expect(await claimedIds()).toEqual(['C']);
    expect(first.next?.entries.map((e) => e.account_pk)).toEqual([await pk('C')]);
    // Nobody else takes a claimed chunk.
    expect(await rescorePendingChunk(db, { now: NOW })).toBe(0);
    const second = await rescorePendingAhead(db, { limit: 2, now: NOW }, first.next);
    expect(second.count).toBe(1);
    expect(await pendingIds()).toEqual([]);
    expect(second.next?.entries).toEqual([]);
    expect((await rescorePendingAhead(db, { limit: 2, now: NOW }, second.next)).count).toBe(0);

    // A chunk claimed ahead and never rescored (the worker stopping) goes back to the list at once.
    await markRescorePending(db, [await pk('D')], NOW + 2);
    await markRescorePending(db, [await pk('E')], NOW + 3);
    const third = await rescorePendingAhead(db, { limit: 1, now: NOW }, null);
    expect(await claimedIds()).toEqual(['E']);
    await releaseClaim(db, third.next!);
    expect(await claimedIds()).toEqual([]);
    expect(await rescorePendingChunk(db, { now: NOW })).toBe(1);
    expect(await pendingIds()).toEqual([]);
  });

  it('claims nothing ahead when storing a chunk fails, and gives the chunk in hand back', async () => {
    const pk = async (id: string) => (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;
    await markRescorePending(db, [await pk('A')], NOW);
    await markRescorePending(db, [await pk('B')], NOW + 1);
    const first = await rescorePendingAhead(db, { limit: 1, now: NOW }, null);
    expect(first.next?.entries.map((e) => e.account_pk)).toEqual([await pk('B')]);
    vi.spyOn(scoreCommands, 'rescore').mockRejectedValueOnce(new Error('the engine failed'));
    await expect(rescorePendingAhead(db, { limit: 1, now: NOW }, first.next)).rejects.toThrow('the engine failed');
    // B is listed and free for any worker again.
    expect(await pendingIds()).toEqual(['B']);
    expect(await db.value('SELECT count(*) FROM rescore_pending WHERE claimed_until IS NOT NULL')).toBe(0);
  });

  it('leaves accounts another worker holds to it until its lease runs out (a killed worker)', async () => {
    await ingestEvents(db, [ev('C', 'meeting.held', 2)], { now: NOW });
    await db.run('UPDATE rescore_pending SET claimed_until = ?', [Date.now() + 60_000]);
    expect(await rescorePendingChunk(db, { now: NOW })).toBe(0);
    expect(await pendingIds()).toEqual(['C']);
    await db.run('UPDATE rescore_pending SET claimed_until = ?', [Date.now() - 1]);
    expect(await rescorePendingChunk(db, { now: NOW })).toBe(1);
    expect(await pendingIds()).toEqual([]);
  });

  it('keeps the list across a restart (a new connection to the database), and the drain then finishes it', async () => {
    await ingestEvents(db, [ev('A', 'meeting.held', 2), ev('D', 'email.exchanged', 3)], { now: NOW });
    const restarted = await connect();
    try {
      expect(await pendingIds(restarted)).toEqual(['A', 'D']);
      await rescorePending(restarted, { now: NOW });
      expect(await pendingIds(restarted)).toEqual([]);
      const drained = await scores();
      await rescore(restarted, { now: NOW });
      expect(await scores()).toEqual(drained);
    } finally {
      await restarted.close();
    }
  });

  it('a full rescore leaves nothing waiting, including accounts with events written since it began', async () => {
    await ingestEvents(db, [ev('B', 'meeting.held', 2)], { now: NOW });
    await rescoreEverything(db, { history: false });
    expect(await pendingIds()).toEqual([]);
  });

  it('another connection (a command-line tool beside the server) sees the committed list and can work it off', async () => {
    await ingestEvents(db, [ev('E', 'meeting.held', 2)], { now: NOW });
    const other = await connect();
    try {
      expect(await pendingRescores(other)).toBe(1);
      expect(await rescorePending(other, { now: NOW })).toBe(1);
    } finally {
      await other.close();
    }
    expect(await pendingIds()).toEqual([]);
  });

  it('lets several drains work at once, each account taken by one of them', async () => {
    await ingestEvents(db, IDS.map((id) => ev(id, 'meeting.held', 2)), { now: NOW });
    const others = await Promise.all([connect(), connect()]);
    try {
      const drain = async (on: Store) => {
        // One thread holds both SQLite connections: waiting for the other's write lock would stop it. Try again shortly instead.
        for (let done = 0; ; ) {
          try {
            const n = await rescorePendingChunk(on, { limit: 1, now: NOW });
            if (!n) return done;
            done += n;
          } catch (error) {
            if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
      if (t.engine === 'sqlite') for (const o of others) (o as SqliteStore).client.pragma('busy_timeout = 0');
      const done = await Promise.all(others.map(drain));
      expect(done.reduce((a, b) => a + b, 0)).toBe(IDS.length);
    } finally {
      for (const o of others) await o.close();
    }
    expect(await pendingIds()).toEqual([]);
    expect(await db.value("SELECT count(*) FROM scores WHERE state = 'scored'")).toBe(IDS.length);
  });
});
