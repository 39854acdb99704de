/**
 * The bulk paths (rescore of every account, history rebuild) take shortcuts for speed: windowed
 * activity, the lean engine detail, a sliding window, multi-row writes. On a seeded portfolio they
 * must store what the single-account path computes, on both engines.
 */
import { describe, expect, it } from 'vitest';
import { seedDemo } from '@/db/seed';
import { DAY_MS, scoreAccount, type AccountActivity, type PropStat } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { dayOf, readAccountDays, rebuildAggregates } from '../aggregates';
import { getAccountDetail } from '../queries/account-detail';
import { loadCatalogue, loadScoringInputs } from '../queries/scoring-inputs';
import { prepareDatabase } from './catalogue';
import { rebuildHistory } from './history';
import { ensureLiveModel } from './model';
import { dimensionScores, dimensionsJson } from './score-writer';
import { upsertContacts } from './accounts';
import { rescore } from './scores';
import { rebuildHistoryOnWorkers, rescoreOnWorkers } from './scoring-workers';

const END = Date.UTC(2026, 2, 1);
/** Midday of the last seeded day: scores are as of that day's end. */
const NOW = END - DAY_MS / 2;
const TODAY = dayOf(NOW);

interface StoredScore {
  id: string; pk: number; state: string; score: number | null; band: string | null; velocity: number | null; previous_score: number | null;
  score_change: number | null; touchpoints: number; previous_touchpoints: number; dimensions: string; flags: string;
}

/** The seeded portfolio every test starts from, scored as of today. */
async function seeded(db: Store): Promise<void> {
  await prepareDatabase(db);
  await seedDemo(db, { accounts: 36, months: 5, seed: 11, end: new Date(END), aggregate: (d) => rebuildAggregates(d) });
  await rescore(db, { now: NOW });
}

const stored = (db: Store) => db.all<StoredScore>('SELECT a.id, a.pk, s.* FROM scores s JOIN accounts a ON a.pk = s.account_pk ORDER BY a.pk');

describeEngines('bulk rescore', (t) => {
  it('stores what getAccountDetail computes for each account: score, band, velocity, flags', async () => {
    const db = t.store;
    await seeded(db);
    const rows = await stored(db);
    expect(rows).toHaveLength(36);
    const openFlags = (pk: number) => db.all('SELECT key, severity, evidence, data FROM flags WHERE account_pk = ? AND cleared_at IS NULL ORDER BY key', [pk]);
    let flagged = 0;
    for (const row of rows) {
      const r = (await getAccountDetail(db, row.id, { now: NOW }))!.result;
      expect({ state: row.state, score: row.score, band: row.band, velocity: row.velocity, previousScore: row.previous_score, scoreChange: row.score_change }, row.id).toEqual({
        state: r.state, score: r.score, band: r.band?.key ?? null, velocity: r.velocity, previousScore: r.previousScore, scoreChange: r.scoreChange,
      });
      expect([row.touchpoints, row.previous_touchpoints]).toEqual([r.touchpoints.current, r.touchpoints.previous]);
      expect(row.dimensions).toBe(JSON.stringify(dimensionScores(r)));
      const flags = [...r.flags].sort((a, b) => a.key.localeCompare(b.key));
      expect(await openFlags(row.pk), row.id).toEqual(flags.map((f) => ({ key: f.key, severity: f.severity, evidence: f.evidence, data: JSON.stringify(f.data) })));
      flagged += flags.length;
    }
    expect(flagged).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.band)).size).toBeGreaterThanOrEqual(3);
  });

  it('rescores the account a contact leaves, which then scores as its page does, whichever accounts are rescored with it', async () => {
    const db = t.store;
    await seeded(db);
    // The contact with the most interactions in the current window, and the account it is in.
    const recent = await Promise.all(
      (await stored(db)).map(async (row) => ({ row, days: await readAccountDays(db, row.pk, TODAY - 29, TODAY + 1) })),
    );
    let best: { accountPk: number; contactPk: number; n: number } | null = null;
    for (const { row, days } of recent) {
      const n = new Map<number, number>();
      for (const d of days) for (const [c, k] of d.contacts) n.set(c, (n.get(c) ?? 0) + k);
      for (const [c, k] of n) if (!best || k > best.n) best = { accountPk: row.pk, contactPk: c, n: k };
    }
    expect(best).not.toBeNull();
    const { accountPk, contactPk } = best!;
    const accountId = (await db.value<string>('SELECT id FROM accounts WHERE pk = ?', [accountPk]))!;
    const contactId = (await db.value<string>('SELECT id FROM contacts WHERE pk = ?', [contactPk]))!;
    const other = (await db.get<{ pk: number; id: string }>('SELECT pk, id FROM accounts WHERE pk <> ? ORDER BY pk LIMIT 1', [accountPk]))!;
    const before = (await getAccountDetail(db, accountId, { now: NOW }))!.result;

    const upsertedAt = Date.now();
    await upsertContacts(db, [{ id: contactId, accountId: other.id }]);
    // The account the contact left is rescored with the one it joined.
    expect(await db.value<number>('SELECT computed_at FROM scores WHERE account_pk = ?', [accountPk])).toBeGreaterThanOrEqual(upsertedAt);

    const after = (await getAccountDetail(db, accountId, { now: NOW }))!.result;
    expect(JSON.stringify(after.dimensions), 'the moved contact no longer counts').not.toBe(JSON.stringify(before.dimensions));
    const expected = { score: after.score, band: after.band?.key ?? null, dimensions: JSON.stringify(dimensionScores(after)) };
    const storedScore = async () => {
      const r = (await db.get<StoredScore>('SELECT * FROM scores WHERE account_pk = ?', [accountPk]))!;
      return { score: r.score, band: r.band, dimensions: r.dimensions };
    };
    // Alone, beside the account the contact joined, and with every account: the same score.
    for (const accountPks of [[accountPk], [other.pk, accountPk], undefined]) {
      await rescore(db, { now: NOW, accountPks });
      expect(await storedScore(), JSON.stringify(accountPks ?? 'all')).toEqual(expected);
    }
  });

  it('keeps flag episodes and snapshots as they are when nothing changed', async () => {
    const db = t.store;
    await seeded(db);
    const before = await db.all('SELECT pk, raised_at, cleared_at FROM flags ORDER BY pk');
    const scores = () => db.all<Record<string, unknown>>('SELECT * FROM scores ORDER BY account_pk');
    const scoresBefore = await scores();
    const summary = await rescore(db, { now: NOW + 1000 });
    // Rows with the same values only get their computation time moved.
    expect(await scores()).toEqual(scoresBefore.map((r) => ({ ...r, computed_at: NOW + 1000 })));
    expect(summary.flagsRaised).toBe(0);
    expect(summary.bandChanges).toBe(0);
    expect(await db.all('SELECT pk, raised_at, cleared_at FROM flags ORDER BY pk')).toEqual(before);
    expect(await db.value('SELECT count(*) FROM flags WHERE cleared_at IS NULL AND last_seen_at = ?', [NOW + 1000])).toBe(
      await db.value('SELECT count(*) FROM flags WHERE cleared_at IS NULL'),
    );
  });

  it('days later: refreshes the evidence of flags still firing, clears the others, records band changes', async () => {
    const db = t.store;
    await seeded(db);
    const later = NOW + 3 * DAY_MS;
    const before = new Map(
      (await db.all<{ pk: number; account_pk: number; key: string; evidence: string }>('SELECT pk, account_pk, key, evidence FROM flags WHERE cleared_at IS NULL')).map((f) => [`${f.account_pk}|${f.key}`, f]),
    );
    const bands = new Map((await stored(db)).map((r) => [r.pk, r.band]));
    const summary = await rescore(db, { now: later });
    const openFlags = (pk: number) =>
      db.all<{ pk: number; key: string; severity: string; evidence: string; data: string; raised_at: number }>(
        'SELECT pk, key, severity, evidence, data, raised_at FROM flags WHERE account_pk = ? AND cleared_at IS NULL ORDER BY key',
        [pk],
      );
    let kept = 0;
    let reworded = 0;
    let changes = 0;
    for (const row of await stored(db)) {
      const r = (await getAccountDetail(db, row.id, { now: later }))!.result;
      expect(row.score, row.id).toBe(r.score);
      const open = await openFlags(row.pk);
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
  });
});

/**
 * An account's activity from its packed blocks decoded whole (`decodeDays`), one bucket per
 * day and name: not the streaming walk of `AggregateReader` that bulk scoring uses.
 */
async function activityFromDecodedDays(db: Store, pk: number, fromDay: number, toDay: number): Promise<AccountActivity> {
  const ids = new Map((await db.all<{ pk: number; id: string }>('SELECT pk, id FROM contacts')).map((c) => [c.pk, c.id]));
  const days = await readAccountDays(db, pk, fromDay, toDay);
  const types = days.flatMap((d) => [...d.types].map(([type, { n, props }]) => (props ? { t: d.day * DAY_MS, type, n, props: { ...props } as Record<string, PropStat> } : { t: d.day * DAY_MS, type, n })));
  const contacts = days.flatMap((d) => [...d.contacts].map(([contactPk, n]) => ({ t: d.day * DAY_MS, contactId: ids.get(contactPk)!, n })));
  const features = days.flatMap((d) => [...d.features].flatMap(([type, m]) => [...m].map(([feature, n]) => ({ t: d.day * DAY_MS, type, feature, n }))));
  const firstActivityAt = (await db.value<number>('SELECT first_at FROM account_activity WHERE account_pk = ?', [pk])) ?? null;
  return { types, contacts, features, firstActivityAt };
}

describeEngines('packed aggregates', (t) => {
  it('scores every account as its blocks decoded whole do: scores, bands, dimensions, flags', async () => {
    const db = t.store;
    await seeded(db);
    await rescore(db, { now: NOW });
    const model = (await ensureLiveModel(db)).model;
    const catalogue = await loadCatalogue(db);
    const profile = async (pk: number) =>
      (await db.get('SELECT id, tier, lifecycle_stage AS lifecycleStage, started_at AS startedAt FROM accounts WHERE pk = ?', [pk])) as Parameters<typeof scoreAccount>[0]['profile'];
    const contacts = async (pk: number) => (await db.all('SELECT id, role, department FROM contacts WHERE account_pk = ? ORDER BY pk', [pk])) as Parameters<typeof scoreAccount>[0]['contacts'];
    const openFlags = (pk: number) => db.all('SELECT key, evidence FROM flags WHERE account_pk = ? AND cleared_at IS NULL ORDER BY key', [pk]);
    const asOf = (TODAY + 1) * DAY_MS;
    for (const row of await stored(db)) {
      const activity = await activityFromDecodedDays(db, row.pk, TODAY - 2 * model.windowDays - 1, TODAY + 1);
      const r = scoreAccount({ model, profile: await profile(row.pk), contacts: await contacts(row.pk), catalogue, activity, asOf });
      expect({ state: row.state, score: row.score, band: row.band, velocity: row.velocity, dimensions: row.dimensions }, row.id).toEqual({
        state: r.state, score: r.score, band: r.band?.key ?? null, velocity: r.velocity, dimensions: JSON.stringify(dimensionScores(r)),
      });
      expect(await openFlags(row.pk), row.id).toEqual([...r.flags].sort((a, b) => a.key.localeCompare(b.key)).map((f) => ({ key: f.key, evidence: f.evidence })));
    }
  });
});

describeEngines('history rebuild', (t) => {
  const snapshot = (pk: number, day: number) => t.store.get('SELECT score, band, dimensions FROM score_snapshots WHERE account_pk = ? AND day = ?', [pk, day]);

  it("writes each day's score as scoring that day on its own gives, and today's as the current score", async () => {
    const db = t.store;
    await seeded(db);
    await rebuildHistory(db, { toDay: TODAY });
    for (const row of await stored(db)) expect(await snapshot(row.pk, TODAY), row.id).toEqual({ score: row.score, band: row.band, dimensions: row.state === 'scored' ? row.dimensions : null });

    const model = (await ensureLiveModel(db)).model;
    const catalogue = await loadCatalogue(db);
    const pks = (await stored(db)).map((r) => r.pk).filter((_, i) => i % 6 === 0);
    const inputs = await loadScoringInputs(db, { accountPks: pks, fromDay: TODAY - 160, toDay: TODAY + 1 });
    let compared = 0;
    for (const pk of pks) {
      const input = inputs.get(pk)!;
      for (let day = TODAY - 90; day <= TODAY; day += 7) {
        const r = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf: (day + 1) * DAY_MS, detail: 'score' });
        const row = await snapshot(pk, day);
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

  it('rewrites existing history in place and removes days before an account existed', async () => {
    const db = t.store;
    await seeded(db);
    await rebuildHistory(db, { toDay: TODAY });
    const [a, b] = await stored(db);
    const snapshots = () => db.all('SELECT * FROM score_snapshots ORDER BY account_pk, day');
    const before = await snapshots();
    const started = (await db.value<number>('SELECT started_at FROM accounts WHERE pk = ?', [a.pk]))!;
    const firstDay = Math.min(dayOf(started), (await db.value<number>('SELECT min(day) FROM score_snapshots WHERE account_pk = ?', [a.pk]))!);
    await db.run('INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES (?, ?, 1, 1, ?, NULL)', [a.pk, firstDay - 3, 'red']);
    await db.run("UPDATE score_snapshots SET score = -1, band = 'x', dimensions = '{}' WHERE account_pk = ? AND day = ?", [b.pk, TODAY - 10]);
    await rebuildHistory(db, { fromDay: firstDay - 30, toDay: TODAY });
    expect(await snapshots()).toEqual(before);
  });
});

describe('history rebuild: dimension scores', () => {
  it('formats dimension scores exactly as JSON.stringify does', () => {
    const json = dimensionsJson(['frequency', 'quality', 'breadth']);
    for (const scores of [[47.826086956, null, 100], [0, 33.333333, 12.345], [null, null, null], [-0, 99.995, 1e-9]]) {
      const dimensions = ['frequency', 'quality', 'breadth'].map((key, i) => ({ key, score: scores[i] }));
      expect(json(scores)).toBe(JSON.stringify(dimensionScores({ dimensions } as Parameters<typeof dimensionScores>[0])));
    }
  });
});

describeEngines('on worker threads (on PostgreSQL: in this thread)', (t) => {
  it('stores the same scores, flags and history as the single-threaded paths', async () => {
    const db = t.store;
    await seeded(db);
    const snapshots = () => db.all('SELECT * FROM score_snapshots ORDER BY account_pk, day');
    const flags = () => db.all('SELECT account_pk, key, severity, evidence, data FROM flags WHERE cleared_at IS NULL ORDER BY account_pk, key');
    const clear = async () => {
      for (const table of ['scores', 'flags', 'alerts', 'band_changes', 'score_snapshots']) await db.run(`DELETE FROM ${table}`);
    };
    await clear();
    await rescore(db, { now: NOW });
    await rebuildHistory(db, { toDay: TODAY });
    const before = { scores: await stored(db), flags: await flags(), snapshots: await snapshots() };
    expect(before.flags.length).toBeGreaterThan(5);
    await clear();
    const summary = await rescoreOnWorkers(db, t.url, { now: NOW, workers: 2 });
    expect(summary.accounts).toBe(36);
    const history = await rebuildHistoryOnWorkers(db, t.url, { toDay: TODAY, workers: 2, minAccounts: 0 });
    expect(history.snapshots).toBe(before.snapshots.length);
    expect({ scores: await stored(db), flags: await flags(), snapshots: await snapshots() }).toEqual(before);
  });
});
