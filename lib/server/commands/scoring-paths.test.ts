/**
 * The bulk paths (rescore of every account, history rebuild) take shortcuts for speed: windowed
 * activity, the lean engine detail, a sliding window, multi-row writes. On a seeded portfolio they
 * must store what the single-account path computes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { DAY_MS, scoreAccount, type AccountActivity, type PropStat } from '@/lib/scoring';
import { createTempDb } from '@/lib/testing/temp-db';
import { getAccountDetail } from '../queries/account-detail';
import { readAccountDays } from '../queries/aggregate-reader';
import { loadCatalogue, loadScoringInputs } from '../queries/scoring-inputs';
import { dayOf, rebuildAggregates } from './aggregates';
import { prepareDatabase } from './catalogue';
import { rebuildHistory } from './history';
import { ensureLiveModel } from './model';
import { dimensionScores, dimensionsJson } from './score-writer';
import { rescore } from './scores';
import { rebuildHistoryOnWorkers, rescoreOnWorkers } from './scoring-workers';

const END = Date.UTC(2026, 2, 1);
/** Midday of the last seeded day: scores are as of that day's end. */
const NOW = END - DAY_MS / 2;
const TODAY = dayOf(NOW);

let db: Db;
let file: string;
let cleanup: () => void;
beforeAll(() => {
  ({ db, file, cleanup } = createTempDb());
  prepareDatabase(db);
  seedDemo(db, { accounts: 36, months: 5, seed: 11, end: new Date(END), aggregate: (d) => void rebuildAggregates(d) });
  rescore(db, { now: NOW });
});
afterAll(() => cleanup());

interface StoredScore {
  id: string; pk: number; state: string; score: number | null; band: string | null; velocity: number | null; previous_score: number | null;
  score_change: number | null; touchpoints: number; previous_touchpoints: number; dimensions: string; flags: string;
}
const stored = () =>
  db.$client.prepare('SELECT a.id, a.pk, s.* FROM scores s JOIN accounts a ON a.pk = s.account_pk ORDER BY a.pk').all() as StoredScore[];

describe('bulk rescore', () => {
  it('stores what getAccountDetail computes for each account: score, band, velocity, flags', () => {
    const rows = stored();
    expect(rows).toHaveLength(36);
    const openFlags = db.$client.prepare('SELECT key, severity, evidence, data FROM flags WHERE account_pk = ? AND cleared_at IS NULL ORDER BY key');
    let flagged = 0;
    for (const row of rows) {
      const r = getAccountDetail(db, row.id, { now: NOW })!.result;
      expect({ state: row.state, score: row.score, band: row.band, velocity: row.velocity, previousScore: row.previous_score, scoreChange: row.score_change }, row.id).toEqual({
        state: r.state, score: r.score, band: r.band?.key ?? null, velocity: r.velocity, previousScore: r.previousScore, scoreChange: r.scoreChange,
      });
      expect([row.touchpoints, row.previous_touchpoints]).toEqual([r.touchpoints.current, r.touchpoints.previous]);
      expect(row.dimensions).toBe(JSON.stringify(dimensionScores(r)));
      const flags = [...r.flags].sort((a, b) => a.key.localeCompare(b.key));
      expect(openFlags.all(row.pk), row.id).toEqual(flags.map((f) => ({ key: f.key, severity: f.severity, evidence: f.evidence, data: JSON.stringify(f.data) })));
      flagged += flags.length;
    }
    expect(flagged).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.band)).size).toBeGreaterThanOrEqual(3);
  });

  it('keeps flag episodes and snapshots as they are when nothing changed', () => {
    const before = db.$client.prepare('SELECT pk, raised_at, cleared_at FROM flags ORDER BY pk').all();
    const scores = db.$client.prepare('SELECT * FROM scores ORDER BY account_pk');
    const scoresBefore = scores.all() as Record<string, unknown>[];
    const summary = rescore(db, { now: NOW + 1000 });
    // Rows with the same values only get their computation time moved.
    expect(scores.all()).toEqual(scoresBefore.map((r) => ({ ...r, computed_at: NOW + 1000 })));
    expect(summary.flagsRaised).toBe(0);
    expect(summary.bandChanges).toBe(0);
    expect(db.$client.prepare('SELECT pk, raised_at, cleared_at FROM flags ORDER BY pk').all()).toEqual(before);
    expect(db.$client.prepare('SELECT count(*) FROM flags WHERE cleared_at IS NULL AND last_seen_at = ?').pluck().get(NOW + 1000)).toBe(
      db.$client.prepare('SELECT count(*) FROM flags WHERE cleared_at IS NULL').pluck().get(),
    );
  });

  it('days later: refreshes the evidence of flags still firing, clears the others, records band changes', () => {
    const later = NOW + 3 * DAY_MS;
    const before = new Map(
      (db.$client.prepare('SELECT pk, account_pk, key, evidence FROM flags WHERE cleared_at IS NULL').all() as { pk: number; account_pk: number; key: string; evidence: string }[]).map((f) => [`${f.account_pk}|${f.key}`, f]),
    );
    const bands = new Map(stored().map((r) => [r.pk, r.band]));
    const summary = rescore(db, { now: later });
    const openFlags = db.$client.prepare('SELECT pk, key, severity, evidence, data, raised_at FROM flags WHERE account_pk = ? AND cleared_at IS NULL ORDER BY key');
    let kept = 0;
    let reworded = 0;
    let changes = 0;
    for (const row of stored()) {
      const r = getAccountDetail(db, row.id, { now: later })!.result;
      expect(row.score, row.id).toBe(r.score);
      const open = openFlags.all(row.pk) as { pk: number; key: string; severity: string; evidence: string; data: string; raised_at: number }[];
      const flags = [...r.flags].sort((a, b) => a.key.localeCompare(b.key));
      expect(open.map(({ key, severity, evidence, data }) => ({ key, severity, evidence, data })), row.id).toEqual(
        flags.map((f) => ({ key: f.key, severity: f.severity, evidence: f.evidence, data: JSON.stringify(f.data) })),
      );
      for (const f of open) {
        const was = before.get(`${row.pk}|${f.key}`);
        if (was) {
          expect(f.pk).toBe(was.pk); // the same episode goes on
          kept += 1;
          if (f.evidence !== was.evidence) reworded += 1;
        } else {
          expect(f.raised_at).toBe(later);
        }
      }
      if (bands.get(row.pk) !== row.band) changes += 1;
    }
    expect(kept).toBeGreaterThan(0);
    expect(reworded).toBeGreaterThan(0);
    expect(summary.bandChanges).toBe(changes);
    rescore(db, { now: NOW }); // back to today for the history tests
  });
});

/**
 * An account's activity from its packed blocks decoded whole (`decodeDays`), one bucket per
 * day and name: not the streaming walk of `AggregateReader` that bulk scoring uses.
 */
function activityFromDecodedDays(pk: number, fromDay: number, toDay: number): AccountActivity {
  const c = db.$client;
  const ids = new Map(c.prepare('SELECT pk, id FROM contacts').raw().all() as [number, string][]);
  const days = readAccountDays(db, pk, fromDay, toDay);
  const types = days.flatMap((d) => [...d.types].map(([type, { n, props }]) => (props ? { t: d.day * DAY_MS, type, n, props: { ...props } as Record<string, PropStat> } : { t: d.day * DAY_MS, type, n })));
  const contacts = days.flatMap((d) => [...d.contacts].map(([contactPk, n]) => ({ t: d.day * DAY_MS, contactId: ids.get(contactPk)!, n })));
  const features = days.flatMap((d) => [...d.features].flatMap(([type, m]) => [...m].map(([feature, n]) => ({ t: d.day * DAY_MS, type, feature, n }))));
  const firstActivityAt = (c.prepare('SELECT first_at FROM account_activity WHERE account_pk = ?').pluck().get(pk) as number | undefined) ?? null;
  return { types, contacts, features, firstActivityAt };
}

describe('packed aggregates', () => {
  it('scores every account as its blocks decoded whole do: scores, bands, dimensions, flags', () => {
    rescore(db, { now: NOW });
    const model = ensureLiveModel(db).model;
    const catalogue = loadCatalogue(db);
    const profile = db.$client.prepare('SELECT id, tier, lifecycle_stage AS lifecycleStage, started_at AS startedAt FROM accounts WHERE pk = ?');
    const contacts = db.$client.prepare('SELECT id, role, department FROM contacts WHERE account_pk = ?');
    const openFlags = db.$client.prepare('SELECT key, evidence FROM flags WHERE account_pk = ? AND cleared_at IS NULL ORDER BY key');
    const asOf = (TODAY + 1) * DAY_MS;
    for (const row of stored()) {
      const activity = activityFromDecodedDays(row.pk, TODAY - 2 * model.windowDays - 1, TODAY + 1);
      const r = scoreAccount({ model, profile: profile.get(row.pk) as Parameters<typeof scoreAccount>[0]['profile'], contacts: contacts.all(row.pk) as Parameters<typeof scoreAccount>[0]['contacts'], catalogue, activity, asOf });
      expect({ state: row.state, score: row.score, band: row.band, velocity: row.velocity, dimensions: row.dimensions }, row.id).toEqual({
        state: r.state, score: r.score, band: r.band?.key ?? null, velocity: r.velocity, dimensions: JSON.stringify(dimensionScores(r)),
      });
      expect(openFlags.all(row.pk), row.id).toEqual([...r.flags].sort((a, b) => a.key.localeCompare(b.key)).map((f) => ({ key: f.key, evidence: f.evidence })));
    }
  });
});

describe('history rebuild', () => {
  it("writes each day's score as scoring that day on its own gives, and today's as the current score", () => {
    rebuildHistory(db, { toDay: TODAY });
    const snapshot = db.$client.prepare('SELECT score, band, dimensions FROM score_snapshots WHERE account_pk = ? AND day = ?');
    for (const row of stored()) expect(snapshot.get(row.pk, TODAY), row.id).toEqual({ score: row.score, band: row.band, dimensions: row.state === 'scored' ? row.dimensions : null });

    const model = ensureLiveModel(db).model;
    const catalogue = loadCatalogue(db);
    const pks = stored().map((r) => r.pk).filter((_, i) => i % 6 === 0);
    const inputs = loadScoringInputs(db, { accountPks: pks, fromDay: TODAY - 160, toDay: TODAY + 1 });
    let compared = 0;
    for (const pk of pks) {
      const input = inputs.get(pk)!;
      for (let day = TODAY - 90; day <= TODAY; day += 7) {
        const r = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf: (day + 1) * DAY_MS, detail: 'score' });
        const row = snapshot.get(pk, day);
        if (!row) {
          // no snapshot before the account existed
          expect(r.state, `${pk} ${day}`).toBe('no_data');
          continue;
        }
        expect(row, `${pk} ${day}`).toEqual({ score: r.score, band: r.band?.key ?? null, dimensions: r.state === 'scored' ? JSON.stringify(dimensionScores(r)) : null });
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('rewrites existing history in place and removes days before an account existed', () => {
    const c = db.$client;
    const [a, b] = stored();
    const before = c.prepare('SELECT * FROM score_snapshots ORDER BY account_pk, day').all();
    const started = c.prepare('SELECT started_at FROM accounts WHERE pk = ?').pluck().get(a.pk) as number;
    const firstDay = Math.min(dayOf(started), c.prepare('SELECT min(day) FROM score_snapshots WHERE account_pk = ?').pluck().get(a.pk) as number);
    c.prepare('INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES (?, ?, 1, 1, ?, NULL)').run(a.pk, firstDay - 3, 'red');
    c.prepare("UPDATE score_snapshots SET score = -1, band = 'x', dimensions = '{}' WHERE account_pk = ? AND day = ?").run(b.pk, TODAY - 10);
    rebuildHistory(db, { fromDay: firstDay - 30, toDay: TODAY });
    expect(c.prepare('SELECT * FROM score_snapshots ORDER BY account_pk, day').all()).toEqual(before);
  });

  it('formats dimension scores exactly as JSON.stringify does', () => {
    const json = dimensionsJson(['frequency', 'quality', 'breadth']);
    for (const scores of [[47.826086956, null, 100], [0, 33.333333, 12.345], [null, null, null], [-0, 99.995, 1e-9]]) {
      const dimensions = ['frequency', 'quality', 'breadth'].map((key, i) => ({ key, score: scores[i] }));
      expect(json(scores)).toBe(JSON.stringify(dimensionScores({ dimensions } as Parameters<typeof dimensionScores>[0])));
    }
  });
});

describe('on worker threads', () => {
  it('stores the same scores, flags and history as the single-threaded paths', async () => {
    const c = db.$client;
    const snapshots = () => c.prepare('SELECT * FROM score_snapshots ORDER BY account_pk, day').all();
    const flags = () => c.prepare('SELECT account_pk, key, severity, evidence, data FROM flags WHERE cleared_at IS NULL ORDER BY account_pk, key').all();
    const clear = () => ['scores', 'flags', 'alerts', 'band_changes', 'score_snapshots'].forEach((t) => c.prepare(`DELETE FROM ${t}`).run());
    clear();
    rescore(db, { now: NOW });
    rebuildHistory(db, { toDay: TODAY });
    const before = { scores: stored(), flags: flags(), snapshots: snapshots() };
    expect(before.flags.length).toBeGreaterThan(5);
    clear();
    const summary = await rescoreOnWorkers(db, file, { now: NOW, workers: 2 });
    expect(summary.accounts).toBe(36);
    const history = await rebuildHistoryOnWorkers(db, file, { toDay: TODAY, workers: 2, minAccounts: 0 });
    expect(history.snapshots).toBe(before.snapshots.length);
    expect({ scores: stored(), flags: flags(), snapshots: snapshots() }).toEqual(before);
  });
});
