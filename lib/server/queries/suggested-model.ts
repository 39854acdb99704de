/**
 * A suggested model (POST /api/v1/model/suggest, Admin → Model): fitted on outcomes of a training
 * period (`suggestModel`, lib/analytics/suggest-model.ts) from the stored per-day aggregates, then
 * judged on a later test period it never saw, beside the live model judged the same way (both
 * scored by the engine as of each test date). Never published by itself: the editor loads it as a
 * draft.
 */
import { selectCohort, type CohortMember } from '@/lib/analytics/cohort';
import { auc, round } from '@/lib/analytics/stats';
import { RECENCY_BEYOND, suggestModel, triggerInputs, type DayCount, type ModelSample, type TriggerInfo } from '@/lib/analytics/suggest-model';
import type { z } from 'zod';
import { suggestModelSchema, type SuggestOutcome } from '@/lib/model/suggest-request';
import { activityDays, DAY_MS, propTypesOf, scoreSeries, typesReadBy, validateModel, type Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { ensureLiveModel } from '../commands/model';
import { loadCohortAccounts } from './cohorts';
import { loadCatalogue, loadScoringInputs } from './scoring-inputs';

export interface Judgement {
  auc: number | null;
  /** the bad outcome's rate in the bottom score quartile over the top one */
  lift: number | null;
  /** the bad outcome's rate among the lowest-scored tenth over the overall rate */
  topDecileLift: number | null;
  samples: number;
  positives: number;
}

export interface SuggestedModel {
  model: Model;
  outcome: SuggestOutcome;
  horizonDays: number;
  train: { auc: number | null; samples: number; positives: number; dates: string[]; ridge: number; validationAuc: number | null };
  test: Judgement & { dates: string[] };
  live: { version: number; test: Judgement };
  /** the trigger keys the fit considered (seen in the window of at least 1% of the training samples) */
  triggers: string[];
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** How far a suggestion has come: a fraction from 0 to 1 and what it is doing, in words. */
export interface SuggestProgress {
  fraction: number;
  message: string;
}

/** Told after each chunk of accounts read; it may throw to stop the work (the asker went away). */
type OnChunk = (done: number, total: number) => void;

/**
 * Between two steps (and two iterations of a regression): lets the event loop go round a few
 * times (on SQLite every read is synchronous, so a suggestion over a large portfolio would
 * otherwise hold the process's requests until it ends). A request needs several rounds (reading
 * it, its handler's steps, writing the answer): with one round per step it would wait for several.
 */
const BREATHS = 20;
const breathe = async () => {
  for (let i = 0; i < BREATHS; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Whether the member had the outcome the model should warn of, within the horizon. */
export function badOutcome(m: CohortMember, outcome: SuggestOutcome): boolean {
  if (outcome === 'churned') return m.churnedAt !== null;
  if (outcome === 'not_renewed') return m.churnedAt !== null || !m.renewed;
  return !m.expanded;
}

/** Every `everyDays` back from `to` as far as `from` (whole UTC days), ascending: the latest date is `to`. */
export function sampleDates(from: string, to: string, everyDays: number): number[] {
  const out: number[] = [];
  for (let t = Date.parse(`${to}T00:00:00Z`); t >= Date.parse(`${from}T00:00:00Z`); t -= everyDays * DAY_MS) out.push(t);
  return out.reverse();
}

/** The cohort of `asOf` (SCORING.md §5) with its outcome, optionally narrowed. */
async function labelled(db: Store, asOf: number, horizonDays: number, outcome: SuggestOutcome, include?: (pk: number) => boolean) {
  const cohort = await loadCohortAccounts(db, asOf, horizonDays);
  return selectCohort(cohort, asOf, horizonDays)
    .members.filter((m) => include === undefined || include(m.id as number))
    .map((m) => ({ pk: m.id as number, y: badOutcome(m, outcome) }));
}

/** Accounts read per query while sampling or judging: bounds the memory of a long period. */
const CHUNK = 500;

/** Per account of any date's cohort: the dates (indexes) it is a member at, with its outcome. */
type Cohorts = Map<number, { date: number; y: boolean }[]>;

/** Each date's cohort with its outcome, and every account in any of them; `onDate` is told after each date. */
async function cohortsOf(db: Store, dates: readonly number[], horizonDays: number, outcome: SuggestOutcome, include?: (pk: number) => boolean, onDate?: OnChunk) {
  const byDate: Awaited<ReturnType<typeof labelled>>[] = [];
  for (const asOf of dates) {
    byDate.push(await labelled(db, asOf, horizonDays, outcome, include));
    onDate?.(byDate.length, dates.length);
    await breathe();
  }
  const memberOf: Cohorts = new Map();
  byDate.forEach((members, date) => {
    for (const m of members) {
      const list = memberOf.get(m.pk);
      if (list) list.push({ date, y: m.y });
      else memberOf.set(m.pk, [{ date, y: m.y }]);
    }
  });
  return memberOf;
}

/** Training samples: each cohort member of each date, its triggers' inputs from the day aggregates. */
export async function modelSamples(
  db: Store,
  dates: readonly number[],
  triggers: readonly TriggerInfo[],
  options: { windowDays: number; horizonDays: number; outcome: SuggestOutcome; include?: (pk: number) => boolean; onDate?: OnChunk; onChunk?: OnChunk },
): Promise<ModelSample[]> {
  if (!dates.length) return [];
  const index = new Map(triggers.map((t, i) => [t.key, i]));
  const lookback = Math.max(options.windowDays, RECENCY_BEYOND) + 1;
  const memberOf = await cohortsOf(db, dates, options.horizonDays, options.outcome, options.include, options.onDate);
  const pks = [...memberOf.keys()].sort((a, b) => a - b);
  // One read per chunk of accounts over the whole period, every date sampled from it.
  const fromDay = Math.ceil(dates[0]! / DAY_MS) - lookback;
  const toDay = Math.ceil(dates[dates.length - 1]! / DAY_MS);
  const samples: ModelSample[] = [];
  for (let i = 0; i < pks.length; i += CHUNK) {
    const chunk = pks.slice(i, i + CHUNK);
    const inputs = await loadScoringInputs(db, { accountPks: chunk, fromDay, toDay, propTypes: [], types: triggers.map((t) => t.key) });
    for (const pk of chunk) {
      const byType: DayCount[][] = triggers.map(() => []);
      for (const b of inputs.get(pk)?.activity.types ?? []) {
        const k = index.get(b.type);
        if (k !== undefined) byType[k]!.push({ t: b.t, n: b.n });
      }
      for (const { date, y } of memberOf.get(pk)!) {
        const asOf = dates[date]!;
        samples.push({ inputs: byType.map((buckets) => triggerInputs(buckets, asOf, options.windowDays)), y, group: date });
      }
    }
    options.onChunk?.(i + chunk.length, pks.length);
    await breathe();
  }
  return samples;
}

/** AUC and lifts of scores (higher: safer) against the bad outcome. */
export function judge(pairs: readonly { score: number; y: boolean }[]): Judgement {
  const positives = pairs.filter((p) => p.y).length;
  const retained = pairs.filter((p) => !p.y).map((p) => p.score);
  const churned = pairs.filter((p) => p.y).map((p) => p.score);
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const rate = (xs: readonly { y: boolean }[]) => (xs.length ? xs.filter((x) => x.y).length / xs.length : null);
  const q = Math.floor(sorted.length / 4);
  const bottom = rate(sorted.slice(0, q));
  const top = rate(sorted.slice(sorted.length - q));
  const decile = rate(sorted.slice(0, Math.max(1, Math.floor(sorted.length / 10))));
  const overall = rate(sorted);
  return {
    auc: round(auc(retained, churned)),
    lift: q > 0 && bottom !== null && top ? round(bottom / top, 2) : null,
    topDecileLift: decile !== null && overall ? round(decile / overall, 2) : null,
    samples: pairs.length,
    positives,
  };
}

/**
 * Scores of a model as of each date against each cohort member's outcome (`cohorts`: the dates'
 * cohorts when the caller has them already): each chunk of accounts
 * read once over the whole period and scored at its dates by the history path of the engine
 * (`scoreSeries`, what `scoreAccount` gives one instant at a time).
 */
export async function judgeModel(
  db: Store,
  model: Model,
  dates: readonly number[],
  options: { horizonDays: number; outcome: SuggestOutcome; include?: (pk: number) => boolean; onChunk?: OnChunk; cohorts?: Cohorts },
): Promise<Judgement> {
  if (!dates.length) return judge([]);
  const memberOf = options.cohorts ?? (await cohortsOf(db, dates, options.horizonDays, options.outcome, options.include));
  const pks = [...memberOf.keys()].sort((a, b) => a - b);
  const fromDay = Math.ceil(dates[0]! / DAY_MS) - activityDays(model, { previous: false }) - 1;
  const toDay = Math.ceil(dates[dates.length - 1]! / DAY_MS);
  const catalogue = await loadCatalogue(db);
  const pairs: { score: number; y: boolean }[] = [];
  for (let i = 0; i < pks.length; i += CHUNK) {
    const chunk = pks.slice(i, i + CHUNK);
    const inputs = await loadScoringInputs(db, { accountPks: chunk, fromDay, toDay, propTypes: propTypesOf(model), types: typesReadBy(model) });
    for (const pk of chunk) {
      const input = inputs.get(pk);
      if (!input) continue;
      const at = memberOf.get(pk)!;
      const series = scoreSeries({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity }, at.map((m) => dates[m.date]!));
      series.forEach((p, k) => {
        if (p.score !== null) pairs.push({ score: p.score, y: at[k]!.y });
      });
    }
    options.onChunk?.(i + chunk.length, pks.length);
    await breathe();
  }
  return judge(pairs);
}

async function catalogueTriggers(db: Store): Promise<TriggerInfo[]> {
  return db.all<TriggerInfo>('SELECT key, label FROM triggers WHERE retired_at IS NULL ORDER BY key');
}

/** The live model with the fitted dimensions (bands, flags and the rest kept; overrides name old measures, so they go). */
export function modelOf(live: Model, dimensions: Model['dimensions']): Model {
  return { ...live, dimensions, overrides: [] };
}

export interface SuggestDefaults {
  horizonDays: number;
  trainFrom: string;
  trainTo: string;
  testFrom: string;
  testTo: string;
  everyDays: number;
}

/**
 * Periods to start from: the history that counts (from the first activity plus a window, to the
 * last activity or outcome, not past today) split in two, training dates in the earlier half with
 * their horizon, test dates in the later half with theirs. Null when the history is too short.
 */
export async function suggestDefaults(db: Store, now = Date.now()): Promise<SuggestDefaults | null> {
  const { model: live } = await ensureLiveModel(db);
  const span = await db.get<{ first: number | null; last: number | null; outcome: number | null }>(
    'SELECT (SELECT min(first_at) FROM account_activity) AS first, (SELECT max(last_at) FROM account_activity) AS last, (SELECT max(occurred_at) FROM outcomes) AS outcome',
  );
  if (!span || span.first === null || span.last === null) return null;
  const first = Math.floor(span.first / DAY_MS) + live.windowDays;
  const last = Math.min(Math.floor(now / DAY_MS), Math.max(Math.floor(span.last / DAY_MS), span.outcome === null ? 0 : Math.floor(span.outcome / DAY_MS)));
  const horizonDays = Math.min(90, Math.floor((last - first) / 4));
  if (horizonDays < 14) return null;
  const mid = Math.floor((first + last) / 2);
  const everyDays = Math.max(1, Math.min(14, Math.floor((mid - horizonDays - first) / 4)));
  const day = (d: number) => isoDay(d * DAY_MS);
  return { horizonDays, trainFrom: day(first), trainTo: day(mid - horizonDays), testFrom: day(mid), testTo: day(last - horizonDays), everyDays };
}

/** The request, checked; refused with the fields that are wrong. */
export function parseSuggestRequest(body: unknown): z.output<typeof suggestModelSchema> {
  const parsed = suggestModelSchema.safeParse(body);
  if (!parsed.success) {
    throw new AppError('invalid', 'Invalid suggestion request', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

/**
 * Fits and judges a suggested model (see the top of this file). `onProgress` is told how far it
 * has come after each date's accounts found, each chunk of accounts read and each regression
 * fitted (reading the training period and fitting count for 30% each, reading the test period 10%,
 * judging each model 15%); it may throw to stop the work. The event loop runs between those steps.
 */
export async function suggestFullModel(db: Store, body: unknown, now = Date.now(), onProgress?: (progress: SuggestProgress) => void): Promise<SuggestedModel> {
  const input = parseSuggestRequest(body);
  const { model: live, version } = await ensureLiveModel(db);
  const trainDates = sampleDates(input.trainFrom, input.trainTo, input.everyDays);
  const testDates = sampleDates(input.testFrom, input.testTo, input.everyDays);
  if (testDates[testDates.length - 1]! + input.horizonDays * DAY_MS > now) {
    throw new AppError('invalid', 'The test period’s outcomes are not all known yet', [{ path: 'testTo', message: `must be at least horizonDays (${input.horizonDays}) before today` }]);
  }
  const triggers = await catalogueTriggers(db);
  const options = { windowDays: live.windowDays, horizonDays: input.horizonDays, outcome: input.outcome };
  // Progress from `from` to `to` over a step's dates or accounts.
  const report = (from: number, to: number, what: string, unit: 'dates' | 'accounts'): OnChunk => (done, total) =>
    onProgress?.({ fraction: from + ((to - from) * done) / Math.max(1, total), message: `${what}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} ${unit}` });
  onProgress?.({ fraction: 0, message: 'Reading the training period' });
  const samples = await modelSamples(db, trainDates, triggers, {
    ...options,
    onDate: report(0, 0.15, 'Reading the training period', 'dates'),
    onChunk: report(0.15, 0.3, 'Reading the training period', 'accounts'),
  });
  const positives = samples.filter((s) => s.y).length;
  if (samples.length < 30 || positives < 5 || samples.length - positives < 5) {
    throw new AppError('invalid', `Too few outcomes to learn from in the training period (${samples.length} account-dates, ${positives} with the outcome): at least 30, with 5 of each`);
  }
  const fitting = `Fitting on ${samples.length.toLocaleString('en')} account-dates`;
  onProgress?.({ fraction: 0.3, message: fitting });
  await breathe();
  let fit;
  try {
    fit = await suggestModel(samples, triggers, live.windowDays, {
      afterFit: (done, expected) => onProgress?.({ fraction: 0.3 + (0.3 * Math.min(done, expected)) / expected, message: `${fitting} (${done} of about ${expected} regressions)` }),
      between: breathe,
    });
  } catch (e) {
    // The fit's own refusals (RangeError); anything else (a progress report that stops the work) goes on up.
    if (!(e instanceof RangeError)) throw e;
    throw new AppError('invalid', `No model to suggest: ${e.message}`);
  }
  const model = modelOf(live, fit.dimensions as Model['dimensions']);
  const checked = validateModel(model);
  if (!checked.ok) throw new AppError('invalid', `The fitted model is not valid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  // The test dates' cohorts once, for both models.
  const cohorts = await cohortsOf(db, testDates, input.horizonDays, input.outcome, undefined, report(0.6, 0.7, 'Reading the test period', 'dates'));
  const test = await judgeModel(db, checked.model, testDates, { ...input, cohorts, onChunk: report(0.7, 0.85, 'Judging the suggested model on the test period', 'accounts') });
  const liveTest = await judgeModel(db, live, testDates, { ...input, cohorts, onChunk: report(0.85, 1, 'Judging the live model on the test period', 'accounts') });
  return {
    model: checked.model,
    outcome: input.outcome,
    horizonDays: input.horizonDays,
    train: { auc: round(fit.trainAuc), samples: fit.samples, positives: fit.positives, dates: trainDates.map(isoDay), ridge: fit.ridge, validationAuc: round(fit.validationAuc) },
    test: { ...test, dates: testDates.map(isoDay) },
    live: { version, test: liveTest },
    triggers: fit.triggers,
  };
}
