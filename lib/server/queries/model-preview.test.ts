/** The preview of a draft model on a real SQLite file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { eventSchema, outcomeSchema } from '@/lib/ingest/schemas';
import { DEFAULT_MODEL, type Model } from '@/lib/scoring';
import { createTempDb } from '@/lib/testing/temp-db';
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

let db: Db;
let cleanup: () => void;

beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
  const ids = Array.from({ length: 12 }, (_, i) => `A${i}`);
  upsertAccounts(db, ids.map((id, i) => ({ id, name: `Account ${i}`, tier: 'growth' as const, arr: 1000 * (i + 1), startedAt: NOW - 400 * DAY })));
  const events = ids.flatMap((id, i) =>
    [120, 100, 20, 10, 5].flatMap((days) => [
      ...Array.from({ length: i }, () => eventSchema.parse({ accountId: id, type: 'meeting.held', occurredAt: ago(days), properties: { onTime: i % 2 === 0 } })),
      eventSchema.parse({ accountId: id, type: 'product.login', occurredAt: ago(days), count: 30 - 2 * i }),
    ]),
  );
  ingestEvents(db, events);
  // The accounts with few meetings churn after the as-of date.
  insertOutcomes(db, ids.slice(0, 4).map((id) => outcomeSchema.parse({ accountId: id, type: 'churned', occurredAt: ago(60) })));
  rescore(db);
  rebuildHistory(db);
});
afterEach(() => cleanup());

const withWeights = (weights: number[]): Model => ({ ...DEFAULT_MODEL, dimensions: DEFAULT_MODEL.dimensions.map((d, i) => ({ ...d, weight: weights[i]! })) });

describe('previewModel', () => {
  it('scores as the stored scores do: the live model as a draft moves no account', () => {
    const p = previewModel(db, DEFAULT_MODEL, { now: NOW });
    expect(p.changes.total).toBe(0);
    expect(p.distribution.map((b) => b.draft)).toEqual(p.distribution.map((b) => b.live));
    // Churned accounts are not current customers.
    expect(p.distribution.reduce((a, b) => a + b.live, 0) + p.noScore.live).toBe(8);
    // The draft scored as of D gives the figures of the snapshots rebuilt with the same model.
    expect(p.validation.draft).toEqual(p.validation.live);
    expect(p.validation.live.population.churned).toBe(4);
    expect(p.validation.live.auc).not.toBeNull();
  });

  it('lists the accounts that change band, biggest ARR first', () => {
    const lenient: Model = { ...DEFAULT_MODEL, bands: DEFAULT_MODEL.bands.map((b, i, all) => ({ ...b, min: all.length - 1 - i })) };
    const p = previewModel(db, lenient, { now: NOW });
    expect(p.changes.total).toBeGreaterThan(0);
    expect(p.changes.up).toBe(p.changes.total);
    const arrs = p.changes.top.map((c) => c.arr);
    expect(arrs).toEqual([...arrs].sort((a, b) => b - a));
    expect(p.changes.top[0]!.to).toBe('green');
    expect(p.bands.find((b) => b.key === 'green')!.draft).toBe(8);
  });

  it('scores every account with the draft at an instant', () => {
    const frequency = scoreEveryAccount(db, withWeights([100, 0, 0, 0]), NOW);
    const live = scoreEveryAccount(db, DEFAULT_MODEL, NOW);
    expect(frequency.size).toBe(12);
    expect([...frequency.values()].map((s) => s.score)).not.toEqual([...live.values()].map((s) => s.score));
  });

  it('never scores stale inputs: new events are seen at once', () => {
    const pk = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'A0'").pluck().get() as number;
    const before = scoreEveryAccount(db, DEFAULT_MODEL, NOW).get(pk)!.score;
    ingestEvents(db, Array.from({ length: 5 }, () => eventSchema.parse({ accountId: 'A0', type: 'training.attended', occurredAt: ago(1) })));
    const after = scoreEveryAccount(db, DEFAULT_MODEL, NOW).get(pk)!.score;
    expect(after).toBeGreaterThan(before ?? 0);
    // Only that account was loaded again, and it now scores as the stored score does once rescored.
    rescorePending(db);
    const stored = db.$client.prepare('SELECT score, as_of AS asOf FROM scores WHERE account_pk = ?').get(pk) as { score: number; asOf: number };
    expect(scoreEveryAccount(db, DEFAULT_MODEL, stored.asOf).get(pk)!.score).toBe(stored.score);
    expect(previewModel(db, DEFAULT_MODEL, { now: NOW }).changes.total).toBe(0);
  });

  it('refuses an invalid draft with the path of each problem', () => {
    try {
      previewModel(db, withWeights([50, 35, 20, 15]));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details[0]!.path).toBe('dimensions');
    }
    expect(() => previewModel(db, DEFAULT_MODEL, { asOf: '2999-01-01' })).toThrow(/future/);
  });
});
