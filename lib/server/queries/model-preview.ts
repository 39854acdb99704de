/**
 * What a draft model would do, without publishing it: every current customer scored with the
 * draft from the aggregates (the live scores are the stored ones), the accounts that would change
 * band, and the validation figures of draft and live at an earlier as-of date (every account
 * active then scored with the draft as of that date; the live model's scores as of that date are
 * the daily snapshots, rebuilt with the live model on every publish).
 */
import { analyzeCohort, selectCohort, type CohortAccount, type CohortAnalysis } from '@/lib/analytics/cohort';
import { activityDays, activityNeeds, bandFor, DAY_MS, endOfUtcDay, propTypesOf, scoreAccount, typesReadBy, type FeatureInfo, type Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { dayOf } from '../aggregates';
import { AppError } from '../errors';
import { ensureLiveModel } from '../commands/model';
import { checkedModel } from './model-check';
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

/**
 * Every account's inputs for one as-of instant, window length and set of trigger types read, kept
 * per store while an admin edits: loading them is most of a preview's cost and does not depend on
 * the draft's weights, points or bands, while the
 * editor asks for a new preview every few hundred milliseconds. The inputs are summarised per
 * window (`inputsAsOf`, exact for that instant). When data changes (new events, account or
 * contact edits, from any process) only the accounts it touched are loaded again, so previews
 * stay exact under a steady stream of events; a change of the feature catalogue reloads everything.
 */
const INPUT_TTL_MS = 10 * 60_000;
const INPUT_CACHE_SIZE = 4;
/**
 * PostgreSQL commits concurrent writers in any order: an event can become visible after one with a
 * higher pk, an account edit after one with a later `updated_at`. There a refresh looks back this
 * far (events by the time they were received) and loads again the accounts of the rows it had not
 * seen, so previews stay exact unless a writing transaction stays open longer than this. SQLite
 * commits one writer at a time, so there the newest rows of the last load suffice.
 */
const WRITE_LAG_MS = 60_000;

interface DataStamp {
  eventPk: number;
  accountsAt: number;
  contactsAt: number;
  catalogue: string;
  /** PostgreSQL: the server's snapshot, which every commit moves (see read-cache.ts) */
  snapshot: string | null;
}
interface CachedInputs {
  at: number;
  stamp: DataStamp;
  /** PostgreSQL: the rows written within WRITE_LAG_MS of the last load, which the inputs include */
  seen: Set<string>;
  inputs: Map<number, AccountInputs>;
  catalogue: FeatureInfo[];
  /** the refresh under way: one at a time per entry, so that a preview never reads one half done */
  refreshed: Promise<unknown>;
}
const inputCaches = new WeakMap<Store, Map<string, CachedInputs>>();

async function dataStamp(db: Store): Promise<DataStamp> {
  const features = `SELECT key || ':' || tier || ':' || coalesce(CAST(retired_at AS text), '') AS f FROM features ORDER BY key`;
  return (await db.get<DataStamp>(
    `SELECT coalesce((SELECT max(pk) FROM events), 0) AS eventPk, coalesce((SELECT max(updated_at) FROM accounts), 0) AS accountsAt,
       coalesce((SELECT max(updated_at) FROM contacts), 0) AS contactsAt,
       coalesce((SELECT ${db.dialect.groupConcat('f', ',')} FROM (${features}) c), '') AS catalogue,
       ${db.engine === 'postgres' ? 'CAST(pg_current_snapshot() AS text)' : 'NULL'} AS snapshot`,
  ))!;
}

const sameData = (a: DataStamp, b: DataStamp) =>
  a.eventPk === b.eventPk && a.accountsAt === b.accountsAt && a.contactsAt === b.contactsAt && a.snapshot === b.snapshot;

/** What a model reads: only those buckets and statistics are loaded (the others never change a score). */
interface Reads {
  types: string[];
  propTypes: string[];
  /** the model: what `inputsAsOf` loads for it (window, days, types kept per day) is the same for every model with the same `readsKey` */
  model: Model;
}

/** Everything about a model that decides what `inputsAsOf` loads for it. */
function readsKey(asOf: number, reads: Reads): string {
  const needs = activityNeeds(reads.model);
  return [asOf, reads.model.windowDays, activityDays(reads.model), reads.types, reads.propTypes, needs.dayTypes, needs.recencyTypes, needs.trendTypes].map(String).join('|');
}

async function loadInputs(db: Store, asOf: number, reads: Reads, accountPks?: number[]): Promise<Map<number, AccountInputs>> {
  const out = new Map<number, AccountInputs>();
  for (const input of (await inputsAsOf(db, { asOf, accountPks, ...reads })).inputs) out.set(input.pk, input);
  return out;
}

/** SQLite: the accounts whose inputs may differ from those loaded at `since`. */
async function touchedSince(db: Store, since: DataStamp): Promise<number[]> {
  // Three queries, not a UNION: each then reads only its range (the events by primary key).
  const touched = await Promise.all([
    // (no DISTINCT: it would walk the account index instead of the primary key range)
    db.column<number>('SELECT account_pk FROM events WHERE pk > ?', [since.eventPk]),
    db.column<number>('SELECT pk FROM accounts WHERE updated_at >= ?', [since.accountsAt]),
    db.column<number>('SELECT DISTINCT account_pk FROM contacts WHERE updated_at >= ?', [since.contactsAt]),
  ]);
  return [...new Set<number>(touched.flat())];
}

/** PostgreSQL: the rows written within WRITE_LAG_MS (events, account and contact edits), each with its account. */
async function recentWrites(db: Store): Promise<Map<string, number>> {
  const since = Date.now() - WRITE_LAG_MS;
  const [events, accounts, contacts] = await Promise.all([
    // The newest events, from the primary key's end (the subquery stops at the first one received earlier).
    db.all<{ pk: number; account_pk: number }>('SELECT pk, account_pk FROM events WHERE pk > (SELECT coalesce(max(pk), 0) FROM events WHERE received_at < ?)', [since]),
    db.all<{ pk: number; updated_at: number }>('SELECT pk, updated_at FROM accounts WHERE updated_at >= ?', [since]),
    db.all<{ pk: number; account_pk: number; updated_at: number }>('SELECT pk, account_pk, updated_at FROM contacts WHERE updated_at >= ?', [since]),
  ]);
  const out = new Map<string, number>();
  for (const e of events) out.set(`e${e.pk}`, e.account_pk);
  for (const a of accounts) out.set(`a${a.pk}@${a.updated_at}`, a.pk);
  for (const c of contacts) out.set(`c${c.pk}@${c.updated_at}`, c.account_pk);
  return out;
}

/** Brings an entry up to date with the data: false when the feature catalogue changed (load it all again). */
async function refresh(db: Store, entry: CachedInputs, asOf: number, reads: Reads): Promise<boolean> {
  const stamp = await dataStamp(db);
  if (stamp.catalogue !== entry.stamp.catalogue) return false;
  if (sameData(stamp, entry.stamp)) return true;
  let touched: number[];
  let seen = entry.seen;
  if (db.engine === 'postgres') {
    const recent = await recentWrites(db);
    touched = [...new Set([...recent].filter(([key]) => !entry.seen.has(key)).map(([, pk]) => pk))];
    seen = new Set(recent.keys());
  } else {
    touched = await touchedSince(db, entry.stamp);
  }
  if (touched.length) for (const [pk, input] of await loadInputs(db, asOf, reads, touched)) entry.inputs.set(pk, input);
  entry.stamp = stamp;
  entry.seen = seen;
  return true;
}

async function windowInputs(db: Store, asOf: number, model: Model): Promise<CachedInputs> {
  const reads: Reads = { types: typesReadBy(model).sort(), propTypes: propTypesOf(model).sort(), model };
  const key = readsKey(asOf, reads);
  let inputCache = inputCaches.get(db);
  if (!inputCache) inputCaches.set(db, (inputCache = new Map()));
  const now = Date.now();
  for (const [k, v] of inputCache) if (now - v.at > INPUT_TTL_MS) inputCache.delete(k);
  const hit = inputCache.get(key);
  if (hit) {
    const current = hit.refreshed.then(() => refresh(db, hit, asOf, reads));
    hit.refreshed = current.catch(() => undefined);
    if (await current) {
      hit.at = now;
      return hit;
    }
  }
  // Stamped before loading: what commits meanwhile is loaded again by the next refresh.
  const stamp = await dataStamp(db);
  const seen = db.engine === 'postgres' ? new Set((await recentWrites(db)).keys()) : new Set<string>();
  const [inputs, catalogue] = await Promise.all([loadInputs(db, asOf, reads), loadCatalogue(db)]);
  const entry: CachedInputs = { at: now, stamp, seen, inputs, catalogue, refreshed: Promise.resolve() };
  inputCache.delete(key);
  inputCache.set(key, entry);
  while (inputCache.size > INPUT_CACHE_SIZE) inputCache.delete(inputCache.keys().next().value!);
  return entry;
}

/**
 * Loads the inputs the first preview of the live model's window will need (now and the default
 * as-of date), so that an admin opening the editor does not wait for them on the first change.
 */
export async function warmPreviewInputs(db: Store, now = Date.now()): Promise<void> {
  const live = (await ensureLiveModel(db)).model;
  const asOf = Date.parse(`${defaultPreviewAsOf(now)}T00:00:00Z`);
  await Promise.all([windowInputs(db, endOfUtcDay(now), live), windowInputs(db, asOf, live), cohortAt(db, asOf, PREVIEW_HORIZON_DAYS)]);
}

/**
 * Scores as of an instant with a model, from the aggregates of its window: of the given accounts,
 * or of every account.
 */
export async function scoreEveryAccount(db: Store, model: Model, asOf: number, accountPks?: Iterable<number>): Promise<Map<number, { score: number | null; band: string | null }>> {
  const { inputs, catalogue } = await windowInputs(db, asOf, model);
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
 * history rebuilt since. Sums rather than maxima of the times, so that an edit is seen even when
 * it commits after a later one (PostgreSQL commits concurrent writers in any order).
 */
const cohorts = new ReadCache<CohortAccount[]>(Number.POSITIVE_INFINITY, INPUT_CACHE_SIZE, async (db) =>
  JSON.stringify(
    await db.get(
      `SELECT (SELECT max(version) FROM model_versions) AS version, (SELECT max(pk) FROM outcomes) AS outcome_pk, (SELECT count(*) FROM outcomes) AS outcomes,
         (SELECT CAST(sum(updated_at) AS text) FROM accounts) AS accounts_at, (SELECT count(*) FROM accounts) AS accounts,
         (SELECT count(*) FROM history_stale) AS stale, (SELECT CAST(sum(queued_at) AS text) FROM history_stale) AS stale_at`,
    ),
  ),
);

async function cohortAt(db: Store, asOf: number, horizonDays: number): Promise<CohortAccount[]> {
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
export async function validateAt(db: Store, model: Model, asOf: number, horizonDays: number, options: { scores?: Scores; cohort?: CohortAccount[] } = {}): Promise<ValidationFigures> {
  const cohort = options.cohort ?? (await loadCohortAccounts(db, asOf, horizonDays));
  const byPk = options.scores ?? (await scoreEveryAccount(db, model, asOf, selectCohort(cohort, asOf, horizonDays).members.map((m) => m.id as number)));
  const accounts = cohort.map((a) => ({ ...a, ...(byPk.get(a.id as number) ?? { score: null, band: null }) }));
  return figures(analyzeCohort(accounts, { asOf, horizonDays, groupBy: 'band', bands: model.bands }));
}

/** The live model's scores as of D: the snapshots of D - 1, already in the cohort rows. */
export function snapshotScores(cohort: readonly CohortAccount[]): Scores {
  return new Map(cohort.map((a) => [a.id as number, { score: a.score, band: a.band }]));
}

export async function previewModel(db: Store, json: unknown, options: PreviewOptions = {}): Promise<ModelPreview> {
  const started = performance.now();
  const draft = await checkedModel(db, json);
  const live = (await ensureLiveModel(db)).model;
  const now = options.now ?? Date.now();
  const horizonDays = options.horizonDays ?? PREVIEW_HORIZON_DAYS;
  const asOfDate = options.asOf ?? defaultPreviewAsOf(now);
  const asOf = Date.parse(`${asOfDate}T00:00:00Z`);
  if (!Number.isFinite(asOf)) throw new AppError('invalid', 'asOf must be a date (YYYY-MM-DD)', [{ path: 'asOf', message: 'must be a date (YYYY-MM-DD)' }]);
  if (asOf > now) throw new AppError('invalid', 'asOf is in the future', [{ path: 'asOf', message: 'must not be after today' }]);

  // Current customers: the draft scored now against the stored live scores.
  const rows = await db.all<{ pk: number; id: string; name: string; arr: number; score: number | null; band: string | null }>(
    'SELECT a.pk, a.id, a.name, a.arr, s.score, s.band FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE a.churned_at IS NULL ORDER BY a.pk',
  );
  const draftNow = await scoreEveryAccount(db, draft, endOfUtcDay(now), rows.map((r) => r.pk));
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
  const cohort = await cohortAt(db, asOf, horizonDays);
  const validation = {
    asOf: asOfDate,
    horizonDays,
    complete: asOf + horizonDays * DAY_MS <= now,
    draft: await validateAt(db, draft, asOf, horizonDays, { cohort }),
    live: await validateAt(db, live, asOf, horizonDays, { cohort, scores: snapshotScores(cohort) }),
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
