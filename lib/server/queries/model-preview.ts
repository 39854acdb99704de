/**
 * What a draft model would do, without publishing it: every current customer scored with the
 * draft from the aggregates (the live scores are the stored ones), the accounts that would change
 * band, and the validation figures of draft and live at an earlier as-of date (every account
 * active then scored with the draft as of that date; the live model's scores as of that date are
 * the daily snapshots, rebuilt with the live model on every publish).
 */
import type { Db } from '@/db/open';
import { analyzeCohort, selectCohort, type CohortAccount, type CohortAnalysis } from '@/lib/analytics/cohort';
import { bandFor, DAY_MS, endOfUtcDay, propTypesOf, scoreAccount, typesReadBy, validateModel, type FeatureInfo, type Model } from '@/lib/scoring';
import { AppError } from '../errors';
import { dayOf } from '../commands/aggregates';
import { ensureLiveModel } from '../commands/model';
import { loadCohortAccounts } from './cohorts';
import { ReadCache } from './read-cache';
import { inputsAsOf, loadCatalogue, type AccountInputs } from './scoring-inputs';

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
 * Every account's inputs for one as-of instant, window length and set of trigger types read, kept
 * while an admin edits: loading them is most of a preview's cost and does not depend on the
 * draft's weights, points or bands, while the
 * editor asks for a new preview every few hundred milliseconds. The inputs are summarised per
 * window (`inputsAsOf`, exact for that instant). When data changes (new events, account or
 * contact edits) only the accounts it touched are loaded again, so previews stay exact under a
 * steady stream of events; a change of the feature catalogue reloads everything.
 */
const INPUT_TTL_MS = 10 * 60_000;
const INPUT_CACHE_SIZE = 4;

interface DataStamp {
  eventPk: number;
  accountsAt: number;
  contactsAt: number;
  catalogue: string;
}
interface CachedInputs {
  at: number;
  stamp: DataStamp;
  inputs: Map<number, AccountInputs>;
  catalogue: FeatureInfo[];
}
const inputCache = new Map<string, CachedInputs>();

function dataStamp(db: Db): DataStamp {
  const [eventPk, accountsAt, contactsAt, catalogue] = db.$client
    .prepare(
      "SELECT coalesce((SELECT max(pk) FROM events), 0), coalesce((SELECT max(updated_at) FROM accounts), 0), coalesce((SELECT max(updated_at) FROM contacts), 0), coalesce((SELECT group_concat(key || ':' || tier || ':' || coalesce(retired_at, ''), ',') FROM features), '')",
    )
    .raw()
    .get() as [number, number, number, string];
  return { eventPk, accountsAt, contactsAt, catalogue };
}

/** What a model reads: only those buckets and statistics are loaded (the others never change a score). */
interface Reads {
  types: string[];
  propTypes: string[];
}

function loadInputs(db: Db, asOf: number, windowDays: number, reads: Reads, accountPks?: number[]): Map<number, AccountInputs> {
  const out = new Map<number, AccountInputs>();
  for (const input of inputsAsOf(db, { asOf, windowDays, accountPks, ...reads }).inputs) out.set(input.pk, input);
  return out;
}

/** The accounts whose inputs may differ from those loaded at `since`. */
function touchedSince(db: Db, since: DataStamp): number[] {
  const c = db.$client;
  // Three queries, not a UNION: each then reads only its range (the events by primary key).
  const pks = new Set<number>([
    // (no DISTINCT: it would walk the account index instead of the primary key range)
    ...(c.prepare('SELECT account_pk FROM events WHERE pk > ?').pluck().all(since.eventPk) as number[]),
    ...(c.prepare('SELECT pk FROM accounts WHERE updated_at >= ?').pluck().all(since.accountsAt) as number[]),
    ...(c.prepare('SELECT DISTINCT account_pk FROM contacts WHERE updated_at >= ?').pluck().all(since.contactsAt) as number[]),
  ]);
  return [...pks];
}

function windowInputs(db: Db, asOf: number, model: Model): CachedInputs {
  const { windowDays } = model;
  const reads: Reads = { types: typesReadBy(model).sort(), propTypes: propTypesOf(model).sort() };
  const key = `${db.$client.name}|${asOf}|${windowDays}|${reads.types.join(',')}|${reads.propTypes.join(',')}`;
  const now = Date.now();
  for (const [k, v] of inputCache) if (now - v.at > INPUT_TTL_MS) inputCache.delete(k);
  const stamp = dataStamp(db);
  const hit = inputCache.get(key);
  if (hit && hit.stamp.catalogue === stamp.catalogue) {
    if (hit.stamp.eventPk !== stamp.eventPk || hit.stamp.accountsAt !== stamp.accountsAt || hit.stamp.contactsAt !== stamp.contactsAt) {
      const touched = touchedSince(db, hit.stamp);
      for (const [pk, input] of loadInputs(db, asOf, windowDays, reads, touched)) hit.inputs.set(pk, input);
      hit.stamp = stamp;
    }
    hit.at = now;
    return hit;
  }
  const entry: CachedInputs = { at: now, stamp, inputs: loadInputs(db, asOf, windowDays, reads), catalogue: loadCatalogue(db) };
  inputCache.delete(key);
  inputCache.set(key, entry);
  while (inputCache.size > INPUT_CACHE_SIZE) inputCache.delete(inputCache.keys().next().value!);
  return entry;
}

/**
 * Loads the inputs the first preview of the live model's window will need (now and the default
 * as-of date), so that an admin opening the editor does not wait for them on the first change.
 */
export function warmPreviewInputs(db: Db, now = Date.now()): void {
  const live = ensureLiveModel(db).model;
  windowInputs(db, endOfUtcDay(now), live);
  const asOf = Date.parse(`${defaultPreviewAsOf(now)}T00:00:00Z`);
  windowInputs(db, asOf, live);
  cohortAt(db, asOf, PREVIEW_HORIZON_DAYS);
}

/**
 * Scores as of an instant with a model, from the aggregates of its window: of the given accounts,
 * or of every account.
 */
export function scoreEveryAccount(db: Db, model: Model, asOf: number, accountPks?: Iterable<number>): Map<number, { score: number | null; band: string | null }> {
  const { inputs, catalogue } = windowInputs(db, asOf, model);
  const out = new Map<number, { score: number | null; band: string | null }>();
  const score = (pk: number, input: AccountInputs) => {
    const r = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf, detail: 'score' });
    out.set(pk, { score: r.score, band: r.band?.key ?? null });
  };
  if (accountPks === undefined) {
    for (const [pk, input] of inputs) score(pk, input);
  } else {
    for (const pk of accountPks) {
      const input = inputs.get(pk);
      if (input) score(pk, input);
    }
  }
  return out;
}

/**
 * The cohort of an as-of date (accounts, their outcomes and the live model's snapshot scores of the
 * day before), kept while it cannot have changed: the same live model, outcomes, accounts and no
 * history rebuilt since.
 */
const cohorts = new ReadCache<CohortAccount[]>(Number.POSITIVE_INFINITY, INPUT_CACHE_SIZE, (db) =>
  JSON.stringify(
    db.$client
      .prepare(
        'SELECT (SELECT max(version) FROM model_versions), (SELECT max(pk) FROM outcomes), (SELECT count(*) FROM outcomes), (SELECT max(updated_at) FROM accounts), (SELECT count(*) FROM accounts), (SELECT count(*) FROM history_stale), (SELECT max(queued_at) FROM history_stale)',
      )
      .raw()
      .get(),
  ),
);

function cohortAt(db: Db, asOf: number, horizonDays: number): CohortAccount[] {
  return cohorts.get(db, `${asOf}|${horizonDays}`, () => loadCohortAccounts(db, asOf, horizonDays));
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
  const byPk = options.scores ?? scoreEveryAccount(db, model, asOf, selectCohort(cohort, asOf, horizonDays).members.map((m) => m.id as number));
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
  const draftNow = scoreEveryAccount(db, draft, endOfUtcDay(now), rows.map((r) => r.pk));
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
  const cohort = cohortAt(db, asOf, horizonDays);
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
