/**
 * What a draft model would do, without publishing it: every current customer scored with the
 * draft from the aggregates (the live scores are the stored ones), the accounts that would change
 * band, and the validation figures of draft and live at an earlier as-of date (every account
 * active then scored with the draft as of that date; the live model's scores as of that date are
 * the daily snapshots, rebuilt with the live model on every publish).
 */
import type { Db } from '@/db/open';
import { analyzeCohort, type CohortAccount, type CohortAnalysis } from '@/lib/analytics/cohort';
import { bandFor, DAY_MS, endOfUtcDay, scoreAccount, validateModel, type FeatureInfo, type Model } from '@/lib/scoring';
import { AppError } from '../errors';
import { dayOf } from '../commands/aggregates';
import { ensureLiveModel } from '../commands/model';
import { loadCohortAccounts } from './cohorts';
import { loadCatalogue, loadScoringInputs, type AccountInputs } from './scoring-inputs';

export const PREVIEW_HORIZON_DAYS = 90;
const TOP_CHANGES = 25;

export interface PreviewOptions {
  /** YYYY-MM-DD; default: 90 days before today */
  asOf?: string;
  horizonDays?: number;
  now?: number;
}

export interface BandChange {
  id: string;
  name: string;
  arr: number;
  liveScore: number | null;
  draftScore: number | null;
  from: string | null;
  to: string | null;
}

export interface ValidationFigures {
  auc: number | null;
  aucInterval: [number, number] | null;
  lift: number | null;
  correlation: number | null;
  churnRates: { bottom: number | null; top: number | null };
  population: CohortAnalysis['population'];
  /** retention by band (of the model the figures are for) */
  bands: { key: string; label: string; accounts: number; churned: number; retention: number | null }[];
}

export interface ModelPreview {
  distribution: { bin: string; draft: number; live: number }[];
  bands: { key: string; label: string; draft: number; live: number }[];
  noScore: { draft: number; live: number };
  changes: { total: number; up: number; down: number; arrMoved: number; top: BandChange[] };
  validation: { asOf: string; horizonDays: number; complete: boolean; draft: ValidationFigures; live: ValidationFigures };
  ms: number;
}

export function checkedDraft(json: unknown): Model {
  const checked = validateModel(json);
  if (!checked.ok) {
    throw new AppError('invalid', `The model is not valid (${checked.errors.length} problem${checked.errors.length > 1 ? 's' : ''})`, checked.errors.map((e) => ({ path: e.path, message: e.message })));
  }
  return checked.model;
}

/**
 * The inputs of one window for every account, kept for a short while: loading them is most of a
 * preview's cost and does not depend on the draft, while an admin moving a slider asks for a new
 * preview every few hundred milliseconds. The key includes a stamp of the data (newest event,
 * latest account and contact change, the feature catalogue), so new data is never scored stale.
 */
const INPUT_TTL_MS = 120_000;
const INPUT_CACHE_SIZE = 4;
const inputCache = new Map<string, { at: number; inputs: Map<number, AccountInputs>; catalogue: FeatureInfo[] }>();

function windowInputs(db: Db, fromDay: number, toDay: number) {
  const stamp = db.$client
    .prepare("SELECT (SELECT max(pk) FROM events), (SELECT max(updated_at) FROM accounts), (SELECT max(updated_at) FROM contacts), (SELECT group_concat(key || ':' || tier || ':' || coalesce(retired_at, ''), ',') FROM features)")
    .raw()
    .get() as unknown[];
  const key = `${db.$client.name}|${fromDay}|${toDay}|${JSON.stringify(stamp)}`;
  const now = Date.now();
  for (const [k, v] of inputCache) if (now - v.at > INPUT_TTL_MS) inputCache.delete(k);
  const hit = inputCache.get(key);
  if (hit) return hit;
  const entry = { at: now, inputs: loadScoringInputs(db, { fromDay, toDay }), catalogue: loadCatalogue(db) };
  inputCache.set(key, entry);
  while (inputCache.size > INPUT_CACHE_SIZE) inputCache.delete(inputCache.keys().next().value!);
  return entry;
}

/** Scores of every account as of an instant with a model, from the aggregates of its window. */
export function scoreEveryAccount(db: Db, model: Model, asOf: number): Map<number, { score: number | null; band: string | null }> {
  const toDay = Math.ceil(asOf / DAY_MS);
  const { inputs, catalogue } = windowInputs(db, toDay - model.windowDays - 1, toDay);
  const out = new Map<number, { score: number | null; band: string | null }>();
  for (const [pk, input] of inputs) {
    const r = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf, detail: 'score' });
    out.set(pk, { score: r.score, band: r.band?.key ?? null });
  }
  return out;
}

const BINS = Array.from({ length: 10 }, (_, i) => i * 10);
const binOf = (score: number) => Math.min(9, Math.floor(score / 10));

function figures(analysis: CohortAnalysis): ValidationFigures {
  return {
    auc: analysis.auc,
    aucInterval: analysis.aucInterval,
    lift: analysis.lift,
    correlation: analysis.correlation,
    churnRates: analysis.churnRates,
    population: analysis.population,
    bands: analysis.groups.map((g) => ({ key: g.key, label: g.label, accounts: g.accounts, churned: g.churned, retention: g.retention })),
  };
}

export function defaultPreviewAsOf(now = Date.now()): string {
  return new Date((dayOf(now) - PREVIEW_HORIZON_DAYS) * DAY_MS).toISOString().slice(0, 10);
}

type Scores = Map<number, { score: number | null; band: string | null }>;

/**
 * Validation figures of a model at an as-of date: every account scored with it as of that date
 * (or the given scores), against the cohort's outcomes (`loadCohortAccounts`, loaded once by callers
 * comparing two models).
 */
export function validateAt(db: Db, model: Model, asOf: number, horizonDays: number, options: { scores?: Scores; cohort?: CohortAccount[] } = {}) {
  const cohort = options.cohort ?? loadCohortAccounts(db, asOf, horizonDays);
  const byPk = options.scores ?? scoreEveryAccount(db, model, asOf);
  const accounts = cohort.map((a) => ({ ...a, ...(byPk.get(a.id as number) ?? { score: null, band: null }) }));
  return figures(analyzeCohort(accounts, { asOf, horizonDays, groupBy: 'band', bands: model.bands }));
}

/** The live model's scores as of D: the snapshots of D - 1, already in the cohort rows. */
export function snapshotScores(cohort: readonly CohortAccount[]): Scores {
  return new Map(cohort.map((a) => [a.id as number, { score: a.score, band: a.band }]));
}

export function previewModel(db: Db, json: unknown, options: PreviewOptions = {}): ModelPreview {
  const started = performance.now();
  const draft = checkedDraft(json);
  const live = ensureLiveModel(db).model;
  const now = options.now ?? Date.now();
  const horizonDays = options.horizonDays ?? PREVIEW_HORIZON_DAYS;
  const asOfDate = options.asOf ?? defaultPreviewAsOf(now);
  const asOf = Date.parse(`${asOfDate}T00:00:00Z`);
  if (!Number.isFinite(asOf)) throw new AppError('invalid', 'asOf must be a date (YYYY-MM-DD)', [{ path: 'asOf', message: 'must be a date (YYYY-MM-DD)' }]);
  if (asOf > now) throw new AppError('invalid', 'asOf is in the future', [{ path: 'asOf', message: 'must not be after today' }]);

  // Current customers: the draft scored now against the stored live scores.
  const rows = db.$client
    .prepare('SELECT a.pk, a.id, a.name, a.arr, s.score, s.band FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE a.churned_at IS NULL')
    .all() as { pk: number; id: string; name: string; arr: number; score: number | null; band: string | null }[];
  const draftNow = scoreEveryAccount(db, draft, endOfUtcDay(now));
  const distribution = BINS.map((from) => ({ bin: `${from}–${from + 10}`, draft: 0, live: 0 }));
  const bandCount = new Map<string, { draft: number; live: number }>();
  const count = (band: string | null, side: 'draft' | 'live') => {
    if (band === null) return;
    const c = bandCount.get(band) ?? { draft: 0, live: 0 };
    c[side] += 1;
    bandCount.set(band, c);
  };
  const noScore = { draft: 0, live: 0 };
  const rank = (model: Model, band: string | null) => (band === null ? model.bands.length : model.bands.findIndex((b) => b.key === band));
  const moved: BandChange[] = [];
  let up = 0;
  let down = 0;
  let arrMoved = 0;
  for (const r of rows) {
    const d = draftNow.get(r.pk) ?? { score: null, band: null };
    // A stored band the live model no longer has is read from its score.
    const liveBand = r.score === null ? null : (bandFor(live, r.score)?.key ?? r.band);
    if (r.score === null) noScore.live++;
    else distribution[binOf(r.score)]!.live++;
    if (d.score === null) noScore.draft++;
    else distribution[binOf(d.score)]!.draft++;
    count(liveBand, 'live');
    count(d.band, 'draft');
    if (liveBand === d.band) continue;
    moved.push({ id: r.id, name: r.name, arr: r.arr, liveScore: r.score, draftScore: d.score, from: liveBand, to: d.band });
    arrMoved += r.arr;
    // Bands are compared by their score ranges: a lower index is a better band.
    const fromMin = live.bands[rank(live, liveBand)]?.min ?? -1;
    const toMin = draft.bands[rank(draft, d.band)]?.min ?? -1;
    if (toMin > fromMin) up++;
    else down++;
  }
  moved.sort((a, b) => b.arr - a.arr || a.name.localeCompare(b.name));
  const bandKeys = [...new Set([...draft.bands.map((b) => b.key), ...live.bands.map((b) => b.key)])];
  const labelOf = (k: string) => draft.bands.find((b) => b.key === k)?.label ?? live.bands.find((b) => b.key === k)?.label ?? k;

  // Validation at the as-of date: the draft scored as of D, the live model's snapshots of D - 1.
  const cohort = loadCohortAccounts(db, asOf, horizonDays);
  const validation = {
    asOf: asOfDate,
    horizonDays,
    complete: asOf + horizonDays * DAY_MS <= now,
    draft: validateAt(db, draft, asOf, horizonDays, { cohort }),
    live: validateAt(db, live, asOf, horizonDays, { cohort, scores: snapshotScores(cohort) }),
  };
  return {
    distribution,
    bands: bandKeys.map((k) => ({ key: k, label: labelOf(k), draft: bandCount.get(k)?.draft ?? 0, live: bandCount.get(k)?.live ?? 0 })),
    noScore,
    changes: { total: moved.length, up, down, arrMoved, top: moved.slice(0, TOP_CHANGES) },
    validation,
    ms: Math.round(performance.now() - started),
  };
}
