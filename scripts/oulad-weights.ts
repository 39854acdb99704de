/**
 * npx tsx scripts/oulad-weights.ts [--train 2013B,2013J] [--test 2014B,2014J] [--days 28,56,84,112,140]
 *
 * The real-data check of suggested weights, on a database made by `npm run import:oulad`
 * (DATABASE_URL): fit the dimension weights on the enrolments of the training presentations (the
 * same fit as Admin → Model → Suggest weights: churn against the dimension scores of the daily
 * history, at several days into each presentation), then compare on the held-out presentations,
 * which the fit never saw, the AUC of the untuned import model (the live model's stored scores)
 * with the AUC of the suggested weights (every enrolment scored by the engine as of the same dates).
 * "Churn" is withdrawal (the import's `churned` outcomes); a student counts as churned when they
 * withdraw after the as-of date. Read-only: nothing is published or written.
 */
import { parseArgs } from 'node:util';
import { analyzeCohort } from '@/lib/analytics/cohort';
import { fitWeights } from '@/lib/analytics/fit-weights';
import { DAY_MS, type Model } from '@/lib/scoring';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { loadCohortAccounts } from '@/lib/server/queries/cohorts';
import { scoreEveryAccount } from '@/lib/server/queries/model-preview';
import { trainingSamples, withWeights } from '@/lib/server/queries/suggested-weights';
import type { Store } from '@/lib/server/store';
import { run, UsageError, withMigratedStore } from './cli';

/** Long enough to see every later withdrawal: a presentation lasts at most 269 days. */
const HORIZON_DAYS = 300;

const list = (raw: string | undefined, fallback: string) => (raw ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);

run(async () => {
  const { values } = parseArgs({ options: { train: { type: 'string' }, test: { type: 'string' }, days: { type: 'string' } } });
  const train = list(values.train, '2013B,2013J');
  const test = list(values.test, '2014B,2014J');
  const days = list(values.days, '28,56,84,112,140').map((d) => {
    const n = Number(d);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--days must be positive whole numbers, got "${d}"`);
    return n;
  });
  await withMigratedStore((db) => compare(db, train, test, days));
});

async function compare(db: Store, train: string[], test: string[], days: number[]): Promise<void> {
  const { model: live, version } = await ensureLiveModel(db);

  // Each enrolment's presentation is the start of its id ("2014J-123456"); its start is the cohort start.
  const presentationOf = new Map<number, string>();
  const starts = new Map<string, number>();
  for (const { pk, id, startedAt } of await db.all<{ pk: number; id: string; startedAt: number | null }>('SELECT pk, id, started_at AS startedAt FROM accounts')) {
    const p = id.split('-')[0]!;
    presentationOf.set(pk, p);
    if (startedAt !== null && (!starts.has(p) || startedAt < starts.get(p)!)) starts.set(p, startedAt);
  }
  for (const p of [...train, ...test]) if (!starts.has(p)) throw new UsageError(`no enrolments of presentation ${p} in this database`);
  const asOfs = (p: string) => days.map((d) => ({ day: d, asOf: starts.get(p)! + d * DAY_MS }));

  console.log(`live model: version ${version} (${live.dimensions.map((d) => `${d.label} ${d.weight}`).join(', ')}; ${live.windowDays}-day window)`);
  /** The training samples of presentation `p`, one group per as-of date. */
  type Samples = Awaited<ReturnType<typeof trainingSamples>>;
  const samplesOf = async (p: string) => {
    const groups: Samples[] = [];
    for (const { asOf } of asOfs(p)) groups.push(await trainingSamples(db, live, asOf, HORIZON_DAYS, (pk) => presentationOf.get(pk) === p));
    return groups;
  };
  const samples: Samples = [];
  for (const p of train) samples.push(...(await samplesOf(p)).flat());
  const fit = fitWeights(samples, live.dimensions.length);
  const { model: suggested } = withWeights(live, fit.weights);
  console.log(`fitted on ${train.join(' + ')} at days ${days.join(', ')}: ${samples.length} samples, ${fit.churned} withdrew afterwards`);
  console.log(`suggested weights: ${live.dimensions.map((d, i) => `${d.label} ${fit.weights[i]} (coefficient ${fit.coefficients[i]!.toFixed(4)})`).join(', ')}`);

  const aucOf = async (model: Model, asOf: number, p: string, stored: boolean) => {
    const cohort = (await loadCohortAccounts(db, asOf, HORIZON_DAYS)).filter((a) => presentationOf.get(a.id as number) === p);
    const scores = stored ? null : await scoreEveryAccount(db, model, asOf);
    const accounts = scores ? cohort.map((a) => ({ ...a, ...(scores.get(a.id as number) ?? { score: null, band: null }) })) : cohort;
    return analyzeCohort(accounts, { asOf, horizonDays: HORIZON_DAYS, groupBy: 'band', bands: model.bands });
  };
  const rows: { liveAuc: number; suggestedAuc: number }[] = [];
  console.log('\n| held out | as of | enrolled | withdrew after | AUC, import model | AUC, suggested weights | change |');
  console.log('|---|---|---|---|---|---|---|');
  for (const p of test) {
    for (const { day, asOf } of asOfs(p)) {
      const a = await aucOf(live, asOf, p, true);
      const b = await aucOf(suggested, asOf, p, false);
      if (a.auc === null || b.auc === null) continue;
      rows.push({ liveAuc: a.auc, suggestedAuc: b.auc });
      const date = new Date(asOf).toISOString().slice(0, 10);
      console.log(`| ${p} | day ${day} (${date}) | ${a.population.scored} | ${a.population.churned} | ${a.auc.toFixed(3)} | ${b.auc.toFixed(3)} | ${(b.auc - a.auc >= 0 ? '+' : '') + (b.auc - a.auc).toFixed(3)} |`);
    }
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const better = rows.filter((r) => r.suggestedAuc > r.liveAuc).length;
  console.log(
    `\nmean held-out AUC: import model ${mean(rows.map((r) => r.liveAuc)).toFixed(3)}, suggested weights ${mean(rows.map((r) => r.suggestedAuc)).toFixed(3)}; ` +
      `suggested higher at ${better} of ${rows.length} dates`,
  );

  // For reference: how much any choice of dimension weights could do on the held-out data, with
  // weights chosen on that data itself (a grid in steps of 5; scores as the weighted mean of the
  // stored dimension scores, which is the engine's score when every dimension has data).
  if (live.dimensions.length === 3) {
    const groups: Samples[] = [];
    for (const p of test) groups.push(...(await samplesOf(p)));
    const meanAucOf = (w: number[]) => mean(groups.map((g) => rankAuc(g.map((s) => ({ score: weighted(s.x, w), churned: s.churned })))));
    let best = { w: [0, 0, 0], auc: 0 };
    let worst = { w: [0, 0, 0], auc: 1 };
    for (let a = 0; a <= 100; a += 5) {
      for (let b = 0; a + b <= 100; b += 5) {
        const w = [a, b, 100 - a - b];
        const auc = meanAucOf(w);
        if (auc > best.auc) best = { w, auc };
        if (auc < worst.auc) worst = { w, auc };
      }
    }
    console.log(
      `any dimension weights, judged on the held-out data itself: best ${best.w.join('/')} -> ${best.auc.toFixed(3)}, worst ${worst.w.join('/')} -> ${worst.auc.toFixed(3)} ` +
        `(import model ${meanAucOf(live.dimensions.map((d) => d.weight)).toFixed(3)} on the same footing)`,
    );
  }
}

/** Weighted mean of the dimension scores that have data (the engine leaves the others out). */
function weighted(x: readonly (number | null)[], w: readonly number[]): number {
  let num = 0;
  let den = 0;
  x.forEach((v, j) => {
    if (v !== null) {
      num += w[j]! * v;
      den += w[j]!;
    }
  });
  return den ? num / den : 0;
}

/** Probability that a churned account scores lower than one that stayed (ties count half). */
function rankAuc(xs: { score: number; churned: boolean }[]): number {
  const sorted = [...xs].sort((a, b) => a.score - b.score);
  let i = 0;
  let rankSum = 0;
  let positives = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) {
      if (sorted[k]!.churned) {
        rankSum += rank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  return 1 - (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
