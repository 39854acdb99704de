/** The preview of a draft model on a real database. */
import { beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, outcomeSchema } from '@/lib/ingest/schemas';
import { DEFAULT_MODEL, type Model } from '@/lib/scoring';
import { openStore } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { insertOutcomes, upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { ingestEvents } from '../commands/events';
import { rebuildHistory } from '../commands/history';
import { rescorePending } from '../commands/rescore-pending';
import { rescore } from '../commands/scores';
import { previewModel, scoreEveryAccount } from './model-preview';

const DAY = 86_400_000;
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

const withWeights = (weights: number[]): Model => ({ ...DEFAULT_MODEL, dimensions: DEFAULT_MODEL.dimensions.map((d, i) => ({ ...d, weight: weights[i]! })) });

describeEngines('previewModel', (t) => {
  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    const ids = Array.from({ length: 12 }, (_, i) => `A${i}`);
    await upsertAccounts(db, ids.map((id, i) => ({ id, name: `Account ${i}`, tier: 'growth' as const, arr: 1000 * (i + 1), startedAt: NOW - 400 * DAY })));
    const events = ids.flatMap((id, i) =>
      [120, 100, 20, 10, 5].flatMap((days) => [
        ...Array.from({ length: i }, () => eventSchema.parse({ accountId: id, type: 'meeting.held', occurredAt: ago(days), properties: { onTime: i % 2 === 0 } })),
        eventSchema.parse({ accountId: id, type: 'product.login', occurredAt: ago(days), count: 30 - 2 * i }),
      ]),
    );
    await ingestEvents(db, events);
    // The accounts with few meetings churn after the as-of date.
    await insertOutcomes(db, ids.slice(0, 4).map((id) => outcomeSchema.parse({ accountId: id, type: 'churned', occurredAt: ago(60) })));
    await rescore(db);
    await rebuildHistory(db);
  });

  const pkOf = async (id: string) => (await t.store.value<number>('SELECT pk FROM accounts WHERE id = ?', [id]))!;

  describe('previewModel', () => {
    it('scores as the stored scores do: the live model as a draft moves no account', async () => {
      const p = await previewModel(t.store, DEFAULT_MODEL, { now: NOW });
      expect(p.changes.total).toBe(0);
      expect(p.distribution.map((b) => b.draft)).toEqual(p.distribution.map((b) => b.live));
      // Churned accounts are not current customers.
      expect(p.distribution.reduce((a, b) => a + b.live, 0) + p.noScore.live).toBe(8);
      // The draft scored as of D gives the figures of the snapshots rebuilt with the same model.
      expect(p.validation.draft).toEqual(p.validation.live);
      expect(p.validation.live.population.churned).toBe(4);
      expect(p.validation.live.auc).not.toBeNull();
    });

    it('lists the accounts that change band, biggest ARR first', async () => {
      const lenient: Model = { ...DEFAULT_MODEL, bands: DEFAULT_MODEL.bands.map((b, i, all) => ({ ...b, min: all.length - 1 - i })) };
      const p = await previewModel(t.store, lenient, { now: NOW });
      expect(p.changes.total).toBeGreaterThan(0);
      expect(p.changes.up).toBe(p.changes.total);
      const arrs = p.changes.top.map((c) => c.arr);
      expect(arrs).toEqual([...arrs].sort((a, b) => b - a));
      expect(p.changes.top[0]!.to).toBe('green');
      expect(p.bands.find((b) => b.key === 'green')!.draft).toBe(8);
    });

    it('scores every account with the draft at an instant', async () => {
      const frequency = await scoreEveryAccount(t.store, withWeights([100, 0, 0, 0]), NOW);
      const live = await scoreEveryAccount(t.store, DEFAULT_MODEL, NOW);
      expect(frequency.size).toBe(12);
      expect([...frequency.values()].map((s) => s.score)).not.toEqual([...live.values()].map((s) => s.score));
    });

    it('never scores stale inputs: new events are seen at once', async () => {
      const db = t.store;
      const pk = await pkOf('A0');
      const before = (await scoreEveryAccount(db, DEFAULT_MODEL, NOW)).get(pk)!.score;
      await ingestEvents(db, Array.from({ length: 5 }, () => eventSchema.parse({ accountId: 'A0', type: 'training.attended', occurredAt: ago(1) })));
      const after = (await scoreEveryAccount(db, DEFAULT_MODEL, NOW)).get(pk)!.score;
      expect(after).toBeGreaterThan(before ?? 0);
      // Only that account was loaded again, and it now scores as the stored score does once rescored.
      await rescorePending(db);
      const stored = (await db.get<{ score: number; asOf: number }>('SELECT score, as_of AS asOf FROM scores WHERE account_pk = ?', [pk]))!;
      expect((await scoreEveryAccount(db, DEFAULT_MODEL, stored.asOf)).get(pk)!.score).toBe(stored.score);
      expect((await previewModel(db, DEFAULT_MODEL, { now: NOW })).changes.total).toBe(0);
    });

    it('refuses an invalid draft with the path of each problem', async () => {
      try {
        await previewModel(t.store, withWeights([50, 35, 20, 15]));
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).details[0]!.path).toBe('dimensions');
      }
      await expect(previewModel(t.store, DEFAULT_MODEL, { asOf: '2999-01-01' })).rejects.toThrow(/future/);
    });
  });
});

describeEngines(
  'previewModel with writers committing out of order',
  (t) => {
    it('sees events that commit after others written later', async () => {
      const db = t.store;
      await prepareDatabase(db);
      await upsertAccounts(db, [
        { id: 'SLOW', name: 'Slow', tier: 'growth', startedAt: NOW - 400 * DAY },
        { id: 'FAST', name: 'Fast', tier: 'growth', startedAt: NOW - 400 * DAY },
      ]);
      const login = (accountId: string) => eventSchema.parse({ accountId, type: 'product.login', occurredAt: ago(3), count: 5 });
      // Every name the writers use is known already: neither waits for the other's new names.
      await ingestEvents(db, [login('SLOW'), login('FAST'), eventSchema.parse({ accountId: 'FAST', type: 'training.attended', occurredAt: ago(2) })]);
      const slow = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'SLOW'"))!;
      const before = (await scoreEveryAccount(db, DEFAULT_MODEL, NOW)).get(slow)!.score;
      const other = await openStore(t.url);
      try {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let written!: () => void;
        const inserted = new Promise<void>((resolve) => (written = resolve));
        // SLOW's events take the lower pks but commit last.
        const slowWriter = other.tx(async (tx) => {
          await ingestEvents(tx, Array.from({ length: 5 }, () => eventSchema.parse({ accountId: 'SLOW', type: 'training.attended', occurredAt: ago(1) })));
          written();
          await held;
        });
        await inserted;
        await ingestEvents(db, [eventSchema.parse({ accountId: 'FAST', type: 'training.attended', occurredAt: ago(1) })]);
        expect((await scoreEveryAccount(db, DEFAULT_MODEL, NOW)).get(slow)!.score).toBe(before);
        release();
        await slowWriter;
        expect((await scoreEveryAccount(db, DEFAULT_MODEL, NOW)).get(slow)!.score).toBeGreaterThan(before ?? 0);
      } finally {
        await other.close();
      }
    });
  },
  // SQLite has one writer at a time: the second would wait for the first.
  { engines: ['postgres'] },
);
