/** Suggested weights from snapshots and outcomes written straight into a real SQLite file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { mulberry32 } from '@/lib/testing/random';
import { createTempDb } from '@/lib/testing/temp-db';
import { AppError } from '../errors';
import { prepareDatabase } from '../commands/catalogue';
import { suggestWeights } from './suggested-weights';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const TODAY = Math.floor(NOW / DAY);
const HISTORY_DAYS = 420;

let db: Db;
let cleanup: () => void;

/** Accounts whose churn depends on the quality dimension only; frequency is noise. */
function seed(accounts: number, historyDays: number) {
  const rnd = mulberry32(5);
  const c = db.$client;
  const account = c.prepare('INSERT INTO accounts (id, name, started_at) VALUES (?, ?, ?)');
  const snapshot = c.prepare('INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES (?, ?, 1, ?, ?, ?)');
  const outcome = c.prepare("INSERT INTO outcomes (account_pk, type, occurred_at) VALUES (?, 'churned', ?)");
  db.transaction(() => {
    for (let i = 0; i < accounts; i++) {
      const pk = Number(account.run(`A${i}`, `Account ${i}`, (TODAY - historyDays - 10) * DAY).lastInsertRowid);
      const quality = rnd() * 100;
      const dims = JSON.stringify({ frequency: rnd() * 100, quality, breadth: 50, product: 50 });
      const risk = 1 / (1 + Math.exp(-(2 - 0.08 * quality)));
      const churnDay = rnd() < risk ? TODAY - historyDays + Math.floor(rnd() * historyDays) : null;
      for (let day = TODAY - historyDays; day < (churnDay ?? TODAY); day++) snapshot.run(pk, day, 50, 'orange', dims);
      if (churnDay !== null) outcome.run(pk, churnDay * DAY);
    }
  });
}

beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
});
afterEach(() => cleanup());

describe('suggestWeights', () => {
  it('puts the weight on the dimension that predicts churn in the earlier half', () => {
    seed(400, HISTORY_DAYS);
    const s = suggestWeights(db, { now: NOW });
    const weight = (key: string) => s.weights.find((w) => w.key === key)!.suggested;
    expect(s.weights.reduce((a, w) => a + w.suggested, 0)).toBe(100);
    expect(weight('quality')).toBeGreaterThan(70);
    expect(s.model.dimensions.find((d) => d.key === 'quality')!.weight).toBe(weight('quality'));
    expect(s.training.dates).toHaveLength(4);
    expect(s.training.horizonDays).toBe(90);
    // Every training horizon ends before the held-out date.
    const lastTraining = Date.parse(s.training.dates.at(-1)!) + 90 * DAY;
    expect(lastTraining).toBeLessThanOrEqual(Date.parse(s.heldOut.asOf));
  });

  it('shortens the horizon for a short history and refuses when there is too little', () => {
    seed(200, 200);
    expect(suggestWeights(db, { now: NOW }).training.horizonDays).toBeLessThan(90);
    db.$client.prepare('DELETE FROM score_snapshots WHERE day < ?').run(TODAY - 60);
    expect(() => suggestWeights(db, { now: NOW })).toThrow(AppError);
  });

  it('learns from the history up to the last outcome, not from the empty days after it', () => {
    seed(400, HISTORY_DAYS);
    // Two more years of daily snapshots with nothing happening (data that ended long ago).
    const c = db.$client;
    const idle = c.prepare("INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) SELECT account_pk, ?, 1, 0, 'red', '{}' FROM score_snapshots WHERE day = ?");
    db.transaction(() => {
      for (let day = TODAY; day < TODAY + 730; day++) idle.run(day, TODAY - 1);
    });
    const lastOutcome = c.prepare('SELECT max(occurred_at) FROM outcomes').pluck().get() as number;
    const s = suggestWeights(db, { now: NOW + 730 * DAY });
    expect(Date.parse(s.heldOut.asOf)).toBeLessThan(lastOutcome);
    expect(s.weights.find((w) => w.key === 'quality')!.suggested).toBeGreaterThan(70);
  });
});
