/**
 * Suggested dimension weights: fitted on the earlier half of the score history (churn within the
 * horizon against the dimension scores of the daily snapshots at several as-of dates), then
 * judged on the later half, which the fit never saw: the held-out AUC of the suggestion beside
 * the live model's. A suggestion is only ever loaded as a draft.
 */
import { selectCohort } from '@/lib/analytics/cohort';
import { fitWeights, type FitSample } from '@/lib/analytics/fit-weights';
import { DAY_MS, validateModel, type Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { ensureLiveModel } from '../commands/model';
import { loadCohortAccounts } from './cohorts';
import { snapshotScores, validateAt } from './model-preview';
import { historyRange } from './score-source';

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

/**
 * One training sample per account of the cohort of `asOf` (SCORING.md §5: started before it, not
 * churned at it) that had dimension scores the day before: those scores, and whether it churned
 * within the horizon. `include` narrows the cohort (e.g. to the accounts of one start period).
 */
export async function trainingSamples(db: Store, live: Model, asOf: number, horizonDays: number, include?: (accountPk: number) => boolean): Promise<FitSample[]> {
  const keys = live.dimensions.map((d) => d.key);
  const [rows, cohort] = await Promise.all([
    db.all<{ account_pk: number; dimensions: string }>('SELECT account_pk, dimensions FROM score_snapshots WHERE day = ? AND dimensions IS NOT NULL', [Math.floor(asOf / DAY_MS) - 1]),
    loadCohortAccounts(db, asOf, horizonDays),
  ]);
  const dims = new Map(rows.map((r) => [r.account_pk, JSON.parse(r.dimensions) as Record<string, number | null>]));
  const samples: FitSample[] = [];
  for (const m of selectCohort(cohort, asOf, horizonDays).members) {
    const pk = m.id as number;
    const d = dims.get(pk);
    if (d && (include === undefined || include(pk))) samples.push({ x: keys.map((k) => d[k] ?? null), churned: m.churnedAt !== null });
  }
  return samples;
}

/**
 * The model with new dimension weights (in the order of its dimensions). Overrides whose own
 * dimension weights would no longer sum to 100 are left out, and counted.
 */
export function withWeights(live: Model, weights: readonly number[]): { model: Model; droppedOverrideWeights: number } {
  const model: Model = { ...live, dimensions: live.dimensions.map((d, i) => ({ ...d, weight: weights[i]! })) };
  if (validateModel(model).ok) return { model, droppedOverrideWeights: 0 };
  return {
    model: { ...model, overrides: model.overrides.map(({ dimensionWeights: _omit, ...o }) => o) },
    droppedOverrideWeights: model.overrides.filter((o) => o.dimensionWeights).length,
  };
}

export async function suggestWeights(db: Store, options: { horizonDays?: number; now?: number } = {}): Promise<SuggestedWeights> {
  const live = (await ensureLiveModel(db)).model;
  const range = await historyRange(db);
  const today = Math.floor((options.now ?? Date.now()) / DAY_MS);
  if (range.first === null || range.last === null) throw new AppError('invalid', 'There is no score history to learn from yet');
  const first = range.first + live.windowDays + 1;
  // Daily snapshots run on to today, but days after the last activity and the last outcome teach
  // nothing (every window is empty, nobody churns): the history that counts ends there.
  const lastKnown = (await db.value<number>(
    `SELECT ${db.dialect.greatest('coalesce((SELECT max(last_at) FROM account_activity), 0)', 'coalesce((SELECT max(occurred_at) FROM outcomes), 0)')}`,
  ))!;
  const last = Math.min(range.last + 1, today, lastKnown === 0 ? today : Math.floor(lastKnown / DAY_MS) + 1);
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
  const samples = (await Promise.all(days.map((day) => trainingSamples(db, live, day * DAY_MS, horizon)))).flat();
  const churned = samples.filter((s) => s.churned).length;
  if (samples.length < MIN_SAMPLES || churned === 0) {
    throw new AppError('invalid', `Too few outcomes to learn from in the earlier half of the history (${samples.length} scored accounts, ${churned} churned)`);
  }
  const fit = fitWeights(samples, live.dimensions.length);
  const { model, droppedOverrideWeights: dropped } = withWeights(live, fit.weights);
  const heldOutDay = last - horizon;
  const asOf = heldOutDay * DAY_MS;
  const cohort = await loadCohortAccounts(db, asOf, horizon);
  const suggested = await validateAt(db, model, asOf, horizon, { cohort });
  const liveFigures = await validateAt(db, live, asOf, horizon, { cohort, scores: snapshotScores(cohort) });
  return {
    model,
    weights: live.dimensions.map((d, i) => ({ key: d.key, label: d.label, live: d.weight, suggested: fit.weights[i]!, coefficient: fit.coefficients[i]! })),
    training: { dates: days.map(isoDay), samples: samples.length, churned, horizonDays: horizon },
    heldOut: { asOf: isoDay(heldOutDay), horizonDays: horizon, suggestedAuc: suggested.auc, liveAuc: liveFigures.auc, suggestedLift: suggested.lift, liveLift: liveFigures.lift },
    droppedOverrideWeights: dropped,
  };
}
