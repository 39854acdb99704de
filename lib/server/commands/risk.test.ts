/**
 * The churn risk fitted on a stored history, on both engines: a portfolio whose disengaged
 * accounts really churn more gets a risk that says so, judged on later dates it never saw; too
 * few outcomes give none; rescores keep the stored probability up to date; fits are jobs done once.
 */
import { beforeEach, expect, it } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import type { SqlParam, Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { mulberry32 } from '@/lib/testing/random';
import { getJob } from './jobs';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { fitChurnRisk, recordRiskFit, runRiskJobs } from './risk';
import { rescore } from './scores';
import { getAccountDetail } from '../queries/account-detail';
import { listAccounts } from '../queries/accounts';
import { currentRiskModel, riskOverview } from '../queries/risk';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);
const TODAY = Math.floor(NOW / DAY);
const CHUNK = 1000;

/**
 * Accounts with a steady engagement (the frequency dimension) and a daily hazard of churning that
 * is high when engagement is low; the other dimensions are noise. Each has a score row today.
 */
async function seed(db: Store, accounts: number, historyDays: number, strength = 0.06) {
  const rnd = mulberry32(11);
  const snapshots: SqlParam[][] = [];
  const outcomes: SqlParam[][] = [];
  const scores: SqlParam[][] = [];
  await db.tx(async (tx) => {
    for (let i = 0; i < accounts; i++) {
      const pk = (await tx.value<number>('INSERT INTO accounts (id, name, arr, started_at) VALUES (?, ?, ?, ?) RETURNING pk', [`A${i}`, `Account ${i}`, 10_000 + i, (TODAY - historyDays - 10) * DAY]))!;
      const frequency = Math.round(rnd() * 100);
      const dims = JSON.stringify({ frequency, quality: Math.round(rnd() * 100), breadth: 50, product: 50 });
      const p90 = 1 / (1 + Math.exp(-(-0.5 - strength * (frequency - 50))));
      const hazard = -Math.log(1 - p90) / 90;
      let churnDay: number | null = null;
      for (let day = TODAY - historyDays; day < TODAY; day++) {
        if (rnd() < hazard) {
          churnDay = day;
          break;
        }
      }
      for (let day = TODAY - historyDays; day < (churnDay ?? TODAY); day++) snapshots.push([pk, day, 50, 'orange', dims]);
      if (churnDay !== null) outcomes.push([pk, churnDay * DAY + 3_600_000]);
      else scores.push([pk, NOW, dims]);
    }
    for (let i = 0; i < snapshots.length; i += CHUNK) {
      const rows = snapshots.slice(i, i + CHUNK);
      await tx.run(`INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES ${rows.map(() => '(?, ?, 1, ?, ?, ?)').join(', ')}`, rows.flat());
    }
    for (const [pk, at] of outcomes) {
      await tx.run("INSERT INTO outcomes (account_pk, type, occurred_at) VALUES (?, 'churned', ?)", [pk, at]);
      await tx.run('UPDATE accounts SET churned_at = ? WHERE pk = ?', [at, pk]);
    }
    for (const [pk, asOf, dims] of scores) {
      await tx.run("INSERT INTO scores (account_pk, model_version, as_of, state, score, band, dimensions, score_change, computed_at) VALUES (?, 1, ?, 'scored', 50, 'orange', ?, 0, ?)", [pk, asOf, dims, asOf]);
    }
    await tx.run('INSERT INTO account_activity (account_pk, first_at, last_at) SELECT pk, started_at, ? FROM accounts', [NOW - DAY]);
  });
}

describeEngines('churn risk', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
  });

  it('gives the disengaged accounts the higher risk, judged on later dates, with probabilities that match the observed rates', async () => {
    const db = t.store;
    await seed(db, 600, 540);
    const outcome = await fitChurnRisk(db, { now: NOW });
    expect(outcome.fitted).toBe(true);
    const risk = (await currentRiskModel(db))!;
    expect(risk.horizonDays).toBe(90);
    // the held-out dates all come after every training date's horizon
    expect(Date.parse(risk.training.dates.at(-1)!) + 90 * DAY).toBeLessThanOrEqual(Date.parse(risk.heldOut.dates[0]!));
    expect(risk.heldOut.auc!).toBeGreaterThan(0.6);
    expect(risk.heldOut.deciles.reduce((a, d) => a + d.samples, 0)).toBe(risk.heldOut.samples);
    for (const d of risk.heldOut.deciles.filter((r) => r.samples >= 50)) expect(Math.abs(d.predicted! - d.observed)).toBeLessThan(0.12);
    const frequency = risk.features.findIndex((f) => f.key === 'frequency');
    expect(risk.coefficients[frequency]).toBeLessThan(0);

    // every scored account's probability is stored; the disengaged accounts rank highest
    const rows = await db.all<{ churn_risk: number; dimensions: string }>('SELECT churn_risk, dimensions FROM scores ORDER BY churn_risk DESC');
    expect(rows.every((r) => r.churn_risk > 0 && r.churn_risk < 1)).toBe(true);
    const freq = (r: { dimensions: string }) => (JSON.parse(r.dimensions) as { frequency: number }).frequency;
    const tenth = Math.floor(rows.length / 10);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // (the accounts still customers today are the engaged survivors: their engagement runs from about 50 up)
    expect(mean(rows.slice(-tenth).map(freq)) - mean(rows.slice(0, tenth).map(freq))).toBeGreaterThan(30);

    // the account detail: the probability, its horizon, and reasons in words
    const top = await db.value<string>('SELECT a.id FROM accounts a JOIN scores s ON s.account_pk = a.pk ORDER BY s.churn_risk DESC LIMIT 1');
    const detail = (await getAccountDetail(db, top!))!;
    expect(detail.churnRisk).not.toBeNull();
    expect(detail.churnRisk!.horizonDays).toBe(90);
    expect(detail.churnRisk!.reasons[0]!.key).toBe('frequency');
    expect(detail.churnRisk!.reasons[0]!.text).toMatch(/^Interaction frequency \d+ \(typical \d+\) raises the risk most$/);

    // the list: the probability per account, sorted by risk and by ARR at risk
    const byRisk = await listAccounts(db, { sort: '-risk', limit: 5 });
    expect(byRisk.data[0]!.id).toBe(top);
    const probabilities = byRisk.data.map((a) => a.churnRisk!);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    const byArr = await listAccounts(db, { sort: '-arrAtRisk', limit: 20 });
    const atRisk = byArr.data.map((a) => a.churnRisk! * a.arr);
    for (let i = 1; i < atRisk.length; i++) expect(atRisk[i]!).toBeLessThanOrEqual(atRisk[i - 1]! + 1e-6);
    const next = await listAccounts(db, { sort: '-arrAtRisk', limit: 20, cursor: byArr.nextCursor });
    expect(next.data[0]!.churnRisk! * next.data[0]!.arr).toBeLessThanOrEqual(atRisk.at(-1)! + 1e-6);
  });

  it('fits nothing with too few outcomes, and says why', async () => {
    const db = t.store;
    await seed(db, 60, 540, 0.01);
    await db.run("DELETE FROM outcomes WHERE pk NOT IN (SELECT pk FROM outcomes ORDER BY pk LIMIT 5)");
    const outcome = await fitChurnRisk(db, { now: NOW });
    expect(outcome.fitted).toBe(false);
    expect(outcome.fitted ? '' : outcome.message).toMatch(/at least 20 accounts that churned/);
    expect(await currentRiskModel(db)).toBeNull();
    expect((await riskOverview(db)).status?.message).toMatch(/Too few outcomes/);
    expect(await db.value('SELECT count(*) FROM scores WHERE churn_risk IS NOT NULL')).toBe(0);
    const detail = (await getAccountDetail(db, (await db.value<string>('SELECT a.id FROM accounts a JOIN scores s ON s.account_pk = a.pk LIMIT 1'))!))!;
    expect(detail.churnRisk).toBeNull();
  });

  it('keeps the stored probability up to date when an account is rescored', async () => {
    const db = t.store;
    await seed(db, 600, 540);
    await fitChurnRisk(db, { now: NOW });
    const pk = (await db.value<number>("SELECT s.account_pk FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'A0'"))
      ?? (await db.value<number>('SELECT account_pk FROM scores ORDER BY account_pk LIMIT 1'))!;
    const id = (await db.value<string>('SELECT id FROM accounts WHERE pk = ?', [pk]))!;
    const before = (await db.value<number>('SELECT churn_risk FROM scores WHERE account_pk = ?', [pk]))!;
    const at = Date.now() - DAY;
    const events = Array.from({ length: 8 }, (_, n) => eventSchema.parse({ id: `m${n}`, accountId: id, type: 'meeting.held', occurredAt: new Date(at - n * DAY).toISOString() }));
    await ingestEvents(db, events);
    await rescore(db, { accountPks: [pk] });
    const after = (await db.value<number>('SELECT churn_risk FROM scores WHERE account_pk = ?', [pk]))!;
    expect(after).not.toBe(before);
    // what the account detail computes from the same figures
    expect((await getAccountDetail(db, id))!.churnRisk!.probability).toBeCloseTo(after, 4);
  });

  it('fits once per job: a second request joins the waiting one, and a claimed job is not fitted again', async () => {
    const db = t.store;
    await seed(db, 600, 540);
    const first = await recordRiskFit(db, null, 'test');
    expect(await recordRiskFit(db, null, 'test again')).toBe(first);
    const [a, b] = await Promise.all([runRiskJobs(db), runRiskJobs(db)]);
    expect([...a, ...b]).toEqual([first]);
    expect((await getJob(db, first))!.status).toBe('done');
    expect(await db.value('SELECT count(*) FROM risk_models')).toBe(1);
    expect(await runRiskJobs(db)).toEqual([]);
  });
});
