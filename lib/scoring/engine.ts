/**
 * The engine: one account, one instant, one model -> score, band, dimensions with their
 * explanation, velocity, score change and flags (SCORING.md §2-§4). Pure: the caller loads the
 * activity, the engine never does I/O.
 */
import { compileModel, resolveStage, type CompiledModel } from './compile';
import { measureResult, noHistorySnapshot, snapshot } from './explain';
import { computeFlags } from './flags';
import { SlidingWindow } from './sliding-window';
import { accountRefs, evaluateMeasure, WindowContext, type AccountRefs } from './measures';
import { activityNeeds } from './needs';
import type { Model } from './schema';
import type {
  AccountActivity,
  AccountProfile,
  BandResult,
  ContactInfo,
  DimensionResult,
  FeatureInfo,
  MeasureSnapshot,
  ScoreResult,
  ScoreState,
} from './types';
import { countOf, DAY_MS, summarizeWindowsInto, windowBounds, type WindowSummary } from './window';

export type ScoreDetail = 'full' | 'lean' | 'score';

export interface ScoreInput {
  model: Model;
  profile: AccountProfile;
  contacts: readonly ContactInfo[];
  catalogue: readonly FeatureInfo[];
  activity: AccountActivity;
  /** epoch ms; the window is `[asOf - windowDays, asOf)` */
  asOf: number;
  /**
   * `full` (default): explanation texts, previous window, score change and flags.
   * `lean`: what a stored current score needs, for bulk rescoring: everything `full` gives
   * (previous score, score change, velocity, flags with their evidence, dimension scores now and
   * then) except the measures: each dimension has `measures: []`, so no inputs or texts are built.
   * `score`: only what history needs (state, score, band, dimension scores, velocity); measures
   * keep points and max but no inputs or texts, `previous*`, `scoreChange` are null, no flags.
   */
  detail?: ScoreDetail;
}

/** Half up to one decimal; the tiny offset keeps binary noise (79.94999...) from rounding down. */
export function roundScore(x: number): number {
  return Math.round(x * 10 + 1e-7) / 10;
}

export function bandFor(model: Model | CompiledModel, score: number | null): BandResult | null {
  if (score === null) return null;
  for (const b of model.bands) if (b.min <= score) return { key: b.key, label: b.label, min: b.min, action: b.action };
  return null;
}

interface WindowScore {
  state: ScoreState;
  score: number | null;
  partial: boolean;
  missing: { key: string; label: string }[];
  dims: { score: number | null; applied: number; points: number; max: number; measures: MeasureSnapshot[] }[];
}

/** What a window keeps of its measures: snapshots with texts, snapshots without, or nothing. */
type MeasureKeep = 'text' | 'points' | 'none';

const NO_MEASURES: MeasureSnapshot[] = [];

/** Score one window with a resolved model. `hasHistory`: was anything recorded before its end?
 * `before`: the window before it (read by trend measures only). */
function scoreWindow(cm: CompiledModel, w: WindowSummary, before: WindowSummary | null, refs: AccountRefs, hasHistory: boolean, keep: MeasureKeep): WindowScore {
  const detail = keep === 'text';
  const x = new WindowContext(w, refs, detail, before);
  const dims: WindowScore['dims'] = [];
  let weighted = 0;
  let available = 0;
  const missing: { key: string; label: string }[] = [];
  for (const d of cm.dimensions) {
    const measures: MeasureSnapshot[] = keep === 'none' ? NO_MEASURES : [];
    let points = 0;
    let max = 0;
    let anyData = false;
    for (const m of d.measures) {
      if (!hasHistory) {
        if (keep !== 'none') measures.push(noHistorySnapshot(m));
        continue;
      }
      const v = evaluateMeasure(m, x);
      if (keep !== 'none') measures.push(snapshot(m, v, detail));
      if (v.points === null) continue;
      anyData = true;
      points += v.points;
      max += v.max;
    }
    // Penalties alone (max 0) cannot be normalised: such a dimension has no data either.
    const score = anyData && max > 0 ? Math.min(Math.max(points / max, 0), 1) * 100 : null;
    if (score === null) {
      if (hasHistory && d.weight > 0) missing.push({ key: d.key, label: d.label });
    } else {
      weighted += d.weight * score;
      available += d.weight;
    }
    dims.push({ score, applied: 0, points, max, measures });
  }
  if (!hasHistory || available <= 0) {
    return { state: 'no_data', score: null, partial: false, missing: hasHistory ? missing : [], dims };
  }
  cm.dimensions.forEach((d, i) => {
    if (dims[i].score !== null) dims[i].applied = (d.weight / available) * 100;
  });
  return { state: 'scored', score: roundScore(weighted / available), partial: missing.length > 0, missing, dims };
}

function hasHistoryBefore(activity: AccountActivity, t: number): boolean {
  return activity.firstActivityAt !== null && activity.firstActivityAt < t;
}

export function scoreAccount(input: ScoreInput): ScoreResult {
  const { model, profile, activity, asOf } = input;
  const detail = input.detail ?? 'full';
  const d = model.windowDays;
  const prevAsOf = asOf - d * DAY_MS;
  const refs = accountRefs(input.contacts, input.catalogue);
  const b = windowBounds(asOf, d);
  // A trend measure compares each window with the one before it: the previous score's needs a third.
  const trend = activityNeeds(model).trendTypes.length > 0;
  const bounds = trend && detail !== 'score' ? [b.current, b.previous, { from: b.previous.from - d * DAY_MS, to: b.previous.from }] : [b.current, b.previous];
  const [current, previous, beforePrevious] = summarizeWindowsInto(activity, bounds);
  const keep: MeasureKeep = detail === 'full' ? 'text' : detail === 'lean' ? 'none' : 'points';

  const { stage, derived } = resolveStage(profile, asOf);
  const cm = compileModel(model, profile.tier, stage);
  const now = scoreWindow(cm, current, trend ? previous : null, refs, hasHistoryBefore(activity, asOf), keep);

  // The previous score is what history shows one window earlier, so the stage is resolved then.
  let then: WindowScore | null = null;
  if (detail !== 'score') {
    const cmPrev = compileModel(model, profile.tier, resolveStage(profile, prevAsOf).stage);
    then = scoreWindow(cmPrev, previous, beforePrevious ?? null, refs, hasHistoryBefore(activity, prevAsOf), keep);
  }

  const dimensions: DimensionResult[] = cm.dimensions.map((dim, i) => {
    const a = now.dims[i];
    const b = then?.dims[i] ?? null;
    const prevScore = b && then!.state === 'scored' ? b.score : null;
    return {
      key: dim.key,
      label: dim.label,
      weight: dim.weight,
      appliedWeight: a.applied,
      score: now.state === 'scored' ? a.score : null,
      noData: a.score === null,
      points: a.points,
      max: a.max,
      previousScore: prevScore,
      change: now.state === 'scored' && a.score !== null && prevScore !== null ? a.score - prevScore : null,
      measures: keep === 'none' ? [] : dim.measures.map((m, j) => measureResult(m, a.measures[j], b ? b.measures[j] : null)),
    };
  });

  const tpNow = countOf(current, cm.touchpointTypes);
  const tpBefore = countOf(previous, cm.touchpointTypes);
  const score = now.score;
  const previousScore = then?.score ?? null;

  return {
    accountId: profile.id,
    asOf,
    window: { from: current.from, to: current.to, days: d },
    previousWindow: { from: previous.from, to: previous.to },
    tier: profile.tier,
    lifecycleStage: stage,
    stageDerived: derived,
    state: now.state,
    score,
    band: bandFor(cm, score),
    partial: now.partial,
    missing: now.missing,
    target: cm.target,
    belowTarget: score !== null && cm.target !== null && score < cm.target,
    dimensions,
    touchpoints: { current: tpNow, previous: tpBefore },
    velocity: tpBefore > 0 ? (tpNow - tpBefore) / tpBefore : null,
    newActivity: tpBefore === 0 && tpNow > 0,
    previousScore,
    // Both scores have one decimal; rounding the difference only removes binary noise.
    scoreChange: score !== null && previousScore !== null ? roundScore(score - previousScore) : null,
    flags: detail === 'score' ? [] : computeFlags({ current, previous, refs, windowDays: d }),
  };
}

/** One day of history: what `scoreAccount` with `detail: 'score'` gives as of that instant. */
export interface SeriesPoint {
  asOf: number;
  state: ScoreState;
  score: number | null;
  band: BandResult | null;
  /** each dimension's score (unrounded, null without data), in the model's order */
  dimensions: (number | null)[];
}

/**
 * Scores one account as of each instant of `asOfs` (ascending, e.g. every day's end), exactly as
 * `scoreAccount` with `detail: 'score'` would one by one, but sliding one window over the
 * buckets instead of summing it again for each instant.
 */
export function scoreSeries(input: Omit<ScoreInput, 'asOf' | 'detail'>, asOfs: readonly number[]): SeriesPoint[] {
  const { model, profile, activity } = input;
  const refs = accountRefs(input.contacts, input.catalogue);
  const len = model.windowDays * DAY_MS;
  const window = new SlidingWindow(activity, len);
  // Only a model with a trend measure reads the window before (a second window sliding behind).
  const before = activityNeeds(model).trendTypes.length ? new SlidingWindow(activity, len) : null;
  const out: SeriesPoint[] = [];
  let cm: CompiledModel | null = null;
  for (const asOf of asOfs) {
    const stage = resolveStage(profile, asOf).stage;
    if (cm?.stage !== stage) cm = compileModel(model, profile.tier, stage);
    const now = scoreWindow(cm, window.at(asOf), before ? before.at(asOf - len) : null, refs, hasHistoryBefore(activity, asOf), 'none');
    const scored = now.state === 'scored';
    out.push({ asOf, state: now.state, score: now.score, band: bandFor(cm, now.score), dimensions: now.dims.map((d) => (scored ? d.score : null)) });
  }
  return out;
}
