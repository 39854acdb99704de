/** Suggested weights from snapshots and outcomes written straight into a real database. */
import { beforeEach, expect, it } from 'vitest';
import type { SqlParam, Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { mulberry32 } from '@/lib/testing/random';
import { AppError } from '../errors';
import { prepareDatabase } from '../commands/catalogue';
import { suggestWeights } from './suggested-weights';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const TODAY = Math.floor(NOW / DAY);
const HISTORY_DAYS = 420;

const CHUNK = 1000;

/** Accounts whose churn depends on the quality dimension only; frequency is noise. */
async function seed(db: Store, accounts: number, historyDays: number) {
  const rnd = mulberry32(5);
  const snapshots: SqlParam[][] = [];
  const outcomes: SqlParam[][] = [];
  await db.tx(async (tx) => {
    for (let i = 0; i < accounts; i++) {
      const pk = (await tx.value<number>('INSERT INTO accounts (id, name, started_at) VALUES (?, ?, ?) RETURNING pk', [`A${i}`, `Account ${i}`, (TODAY - historyDays - 10) * DAY]))!;
      const quality = rnd() * 100;
      const dims = JSON.stringify({ frequency: rnd() * 100, quality, breadth: 50, product: 50 });
      const risk = 1 / (1 + Math.exp(-(2 - 0.08 * quality)));
      const churnDay = rnd() < risk ? TODAY - historyDays + Math.floor(rnd() * historyDays) : null;
      for (let day = TODAY - historyDays; day < (churnDay ?? TODAY); day++) snapshots.push([pk, day, 50, 'orange', dims]);
      if (churnDay !== null) outcomes.push([pk, churnDay * DAY]);
    }
    // Many rows per statement: the history is a few hundred thousand snapshots.
    for (let i = 0; i < snapshots.length; i += CHUNK) {
      const rows = snapshots.slice(i, i + CHUNK);
      await tx.run(`INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES ${rows.map(() => '(?, ?, 1, ?, ?, ?)').join(', ')}`, rows.flat());
    }
    for (let i = 0; i < outcomes.length; i += CHUNK) {
      const rows = outcomes.slice(i, i + CHUNK);
      await tx.run(`INSERT INTO outcomes (account_pk, type, occurred_at) VALUES ${rows.map(() => "(?, 'churned', ?)").join(', ')}`, rows.flat());
    }
  });
}

describeEngines('suggestWeights', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
  });

  it('puts the weight on the dimension that predicts churn in the earlier half', async () => {
    const db = t.store;
    await seed(db, 400, HISTORY_DAYS);
    const s = await suggestWeights(db, { now: NOW });
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

  it('shortens the horizon for a short history and refuses when there is too little', async () => {
    const db = t.store;
    await seed(db, 200, 200);
    expect((await suggestWeights(db, { now: NOW })).training.horizonDays).toBeLessThan(90);
    await db.run('DELETE FROM score_snapshots WHERE day < ?', [TODAY - 60]);
    await expect(suggestWeights(db, { now: NOW })).rejects.toThrow(AppError);
  });

  it('learns from the history up to the last outcome, not from the empty days after it', async () => {
    const db = t.store;
    await seed(db, 400, HISTORY_DAYS);
    // Two more years of daily snapshots with nothing happening (data that ended long ago).
    await db.run(
      `WITH RECURSIVE idle(day) AS (SELECT CAST(? AS bigint) UNION ALL SELECT day + 1 FROM idle WHERE day + 1 < ?)
       INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions)
       SELECT s.account_pk, idle.day, 1, 0, 'red', '{}' FROM score_snapshots s, idle WHERE s.day = ?`,
      [TODAY, TODAY + 730, TODAY - 1],
    );
    const lastOutcome = (await db.value<number>('SELECT max(occurred_at) FROM outcomes'))!;
    const s = await suggestWeights(db, { now: NOW + 730 * DAY });
    expect(Date.parse(s.heldOut.asOf)).toBeLessThan(lastOutcome);
    expect(s.weights.find((w) => w.key === 'quality')!.suggested).toBeGreaterThan(70);
  });
});
