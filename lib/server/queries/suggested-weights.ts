/**
 * Suggested dimension weights: fitted on the earlier half of the score history (churn within the
 * horizon against the dimension scores of the daily snapshots at several as-of dates), then
 * judged on the later half, which the fit never saw: the held-out AUC of the suggestion beside
 * the live model's. A suggestion is only ever loaded as a draft.
 */
import type { Db } from '@/db/open';
import { selectCohort } from '@/lib/analytics/cohort';
import { fitWeights, type FitSample } from '@/lib/analytics/fit-weights';
import { DAY_MS, validateModel, type Model } from '@/lib/scoring';
import { AppError } from '../errors';
import { ensureLiveModel } from '../commands/model';
import { loadCohortAccounts } from './cohorts';
import { snapshotScores, validateAt } from './model-preview';

const TRAINING_DATES = 4;
const MIN_SAMPLES = 30;
const MIN_HORIZON = 30;
const TRAINING_SPREAD = 14;

export interface SuggestedWeights {
  model: Model;
  weights: { key: string; label: string; live: number; suggested: number; coefficient: number }[];
  training: { dates: string[]; samples: number; churned: number; horizonDays: number };
  heldOut: { asOf: string; horizonDays: number; suggestedAuc: number | null; liveAuc: number | null; suggestedLift: number | null; liveLift: number | null };
  /** overrides whose own dimension weights no longer summed to 100 and were left out */
  droppedOverrideWeights: number;
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function suggestWeights(db: Db, options: { horizonDays?: number; now?: number } = {}): SuggestedWeights {
  const live = ensureLiveModel(db).model;
  const c = db.$client;
  const range = c.prepare('SELECT min(day) AS first, max(day) AS last FROM score_snapshots').get() as { first: number | null; last: number | null };
  const today = Math.floor((options.now ?? Date.now()) / DAY_MS);
  if (range.first === null || range.last === null) throw new AppError('invalid', 'There is no score history to learn from yet');
  const first = range.first + live.windowDays + 1;
  const last = Math.min(range.last + 1, today);
  const mid = Math.floor((first + last) / 2);
  // A shorter history gets a shorter horizon (down to MIN_HORIZON), leaving two weeks of training dates.
  const horizon = Math.min(options.horizonDays ?? 90, Math.floor((last - first) / 2) - TRAINING_SPREAD);
  if (horizon < MIN_HORIZON) {
    throw new AppError('invalid', `Not enough history: suggestions need about ${2 * (MIN_HORIZON + TRAINING_SPREAD) + live.windowDays} days of scores (there are ${last - range.first})`);
  }
  // Training as-of dates and their horizons stay in the earlier half; the held-out date is in the later one.
  const trainEnd = mid - horizon;
  const step = (trainEnd - first) / Math.max(1, TRAINING_DATES - 1);
  const days = [...new Set(Array.from({ length: TRAINING_DATES }, (_, i) => Math.round(first + i * step)))];
  const keys = live.dimensions.map((d) => d.key);
  const dimsOf = c.prepare('SELECT account_pk, dimensions FROM score_snapshots WHERE day = ? AND dimensions IS NOT NULL').raw();
  const samples: FitSample[] = [];
  for (const day of days) {
    const asOf = day * DAY_MS;
    const dims = new Map((dimsOf.all(day - 1) as [number, string][]).map(([pk, json]) => [pk, JSON.parse(json) as Record<string, number | null>]));
    for (const m of selectCohort(loadCohortAccounts(db, asOf, horizon), asOf, horizon).members) {
      const d = dims.get(m.id as number);
      if (d) samples.push({ x: keys.map((k) => d[k] ?? null), churned: m.churnedAt !== null });
    }
  }
  const churned = samples.filter((s) => s.churned).length;
  if (samples.length < MIN_SAMPLES || churned === 0) {
    throw new AppError('invalid', `Too few outcomes to learn from in the earlier half of the history (${samples.length} scored accounts, ${churned} churned)`);
  }
  const fit = fitWeights(samples, keys.length);
  let model: Model = { ...live, dimensions: live.dimensions.map((d, i) => ({ ...d, weight: fit.weights[i]! })) };
  let dropped = 0;
  if (!validateModel(model).ok) {
    dropped = model.overrides.filter((o) => o.dimensionWeights).length;
    model = { ...model, overrides: model.overrides.map(({ dimensionWeights: _omit, ...o }) => o) };
  }
  const heldOutDay = last - horizon;
  const asOf = heldOutDay * DAY_MS;
  const cohort = loadCohortAccounts(db, asOf, horizon);
  const suggested = validateAt(db, model, asOf, horizon, { cohort });
  const liveFigures = validateAt(db, live, asOf, horizon, { cohort, scores: snapshotScores(cohort) });
  return {
    model,
    weights: live.dimensions.map((d, i) => ({ key: d.key, label: d.label, live: d.weight, suggested: fit.weights[i]!, coefficient: fit.coefficients[i]! })),
    training: { dates: days.map(isoDay), samples: samples.length, churned, horizonDays: horizon },
    heldOut: { asOf: isoDay(heldOutDay), horizonDays: horizon, suggestedAuc: suggested.auc, liveAuc: liveFigures.auc, suggestedLift: suggested.lift, liveLift: liveFigures.lift },
    droppedOverrideWeights: dropped,
  };
}
