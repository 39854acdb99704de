/**
 * A suggested model, pure: measures, points, caps and dimension weights fitted on outcomes.
 *
 * For every trigger with enough activity the fit looks at three signals of the window before each
 * sample's date: how many such events (capped near the 90th percentile), on how many distinct
 * days (capped likewise), and how long ago the last one was (in bins). A ridge-penalised logistic
 * regression of the outcome on all of them, with the penalty chosen on the latest training dates,
 * gives each signal a coefficient. Because a health score over measures that always have data is
 * a weighted sum of their points, points proportional to minus each coefficient rank accounts as
 * the regression does: that is the model. Signals that raise the risk become penalties where the
 * engine has them (counts) and are dropped where it has not. Measures of triggers that move
 * together are grouped into one dimension, and each dimension weighs what its measures can give,
 * so the grouping explains the score without changing it.
 */
import { fitLogistic, fitLogisticStepwise, type LogisticFit, type LogisticSample } from './logistic';
import { toWholeWeights } from './fit-weights';
import { auc } from './stats';

export const DAY_MS = 86_400_000;

/** Recency bins (days since the last event); anything older, or never, is the baseline. */
export const RECENCY_EDGES = [7, 14, 28, 56] as const;
/** The last recency tier: older than the last edge, or never seen. */
export const RECENCY_BEYOND = RECENCY_EDGES[RECENCY_EDGES.length - 1] + 1;
const RIDGES = [1e-4, 1e-3, 1e-2, 3e-2, 1e-1];
/** A trigger takes part when this share of the training samples had it in their window. */
const MIN_SHARE = 0.01;
const MAX_TRIGGERS = 40;
/** Largest points of one measure after scaling (recency tiers are at most 100 points). */
const TOTAL_POINTS = 100;
const CORRELATED = 0.5;

/** One trigger's activity before a sample's instant. */
export interface TriggerInputs {
  /** summed count in the window */
  n: number;
  /** distinct UTC days with such an event in the window */
  days: number;
  /** whole UTC days from the last such event's day (before the instant, within the lookback) to the last day before the instant (0: that day); null: none */
  since: number | null;
}

export interface ModelSample {
  /** per trigger, in the order of `triggers` */
  inputs: readonly TriggerInputs[];
  y: boolean;
  /** which sample date it belongs to (ascending with time), for choosing the penalty */
  group: number;
}

export interface TriggerInfo {
  key: string;
  label: string;
}

type Signal = { trigger: number; kind: 'count' } | { trigger: number; kind: 'days' } | { trigger: number; kind: 'recency'; bin: number };

/** Day buckets of one trigger type: `t` the day's start, `n` its count (sorted by `t` or not). */
export interface DayCount {
  t: number;
  n: number;
}

/** The inputs of one trigger as of `asOf` for a window of `windowDays`, from its day buckets. */
export function triggerInputs(buckets: readonly DayCount[], asOf: number, windowDays: number): TriggerInputs {
  const from = asOf - windowDays * DAY_MS;
  let n = 0;
  const days = new Set<number>();
  let last = -Infinity;
  for (const b of buckets) {
    if (b.t >= asOf || b.n <= 0) continue;
    if (b.t > last) last = b.t;
    if (b.t >= from) {
      n += b.n;
      days.add(Math.floor(b.t / DAY_MS));
    }
  }
  // As the engine's recency counts: whole UTC days from the last event's day to the last day before the instant.
  return { n, days: days.size, since: last === -Infinity ? null : Math.floor((asOf - 1) / DAY_MS) - Math.floor(last / DAY_MS) };
}

/** The recency bin of `since` days: 0..edges-1, or the baseline (edges.length). */
export function recencyBin(since: number | null): number {
  if (since === null) return RECENCY_EDGES.length;
  const i = RECENCY_EDGES.findIndex((e) => since <= e);
  return i < 0 ? RECENCY_EDGES.length : i;
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

interface Design {
  signals: Signal[];
  capN: number[];
  capD: number[];
}

function featureOf(s: Signal, d: Design, x: TriggerInputs): number {
  if (s.kind === 'count') return Math.min(x.n, d.capN[s.trigger]!);
  if (s.kind === 'days') return Math.min(x.days, d.capD[s.trigger]!);
  return recencyBin(x.since) === s.bin ? 1 : 0;
}

function rows(samples: readonly ModelSample[], d: Design, signals: readonly Signal[]) {
  return samples.map((s) => ({ x: signals.map((g) => featureOf(g, d, s.inputs[g.trigger]!)), y: s.y }));
}

function aucOf(scores: readonly number[], ys: readonly boolean[]): number | null {
  const retained: number[] = [];
  const churned: number[] = [];
  scores.forEach((v, i) => (ys[i] ? churned : retained).push(v));
  return auc(retained, churned);
}

/** Minus the linear predictor: higher is safer, like a health score. */
function safety(fit: LogisticFit, x: readonly number[]): number {
  let eta = fit.intercept;
  for (let j = 0; j < x.length; j++) eta += fit.coefficients[j]! * x[j]!;
  return -eta;
}

export interface SuggestedMeasure {
  key: string;
  label: string;
  kind: 'count' | 'active_days' | 'recency';
  event: string;
  points?: number;
  per?: number;
  cap?: number;
  tiers?: { maxDays: number; points: number }[];
}

export interface SuggestedDimension {
  key: string;
  label: string;
  weight: number;
  measures: SuggestedMeasure[];
}

export interface ModelFit {
  dimensions: SuggestedDimension[];
  ridge: number;
  /** AUC on the training samples of the fitted points (higher score, less churn) */
  trainAuc: number | null;
  /** AUC on the latest training dates when fitted on the earlier ones, at the chosen penalty */
  validationAuc: number | null;
  samples: number;
  positives: number;
  triggers: string[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Pool-adjacent violators: the non-increasing sequence nearest to `v` (weighted least squares). */
export function nonIncreasing(v: readonly number[], w: readonly number[]): number[] {
  const blocks: { sum: number; weight: number; size: number }[] = [];
  v.forEach((value, i) => {
    const weight = Math.max(w[i]!, 1e-9);
    blocks.push({ sum: value * weight, weight, size: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.weight >= b.sum / b.weight) break;
      blocks.pop();
      a.sum += b.sum;
      a.weight += b.weight;
      a.size += b.size;
    }
  });
  return blocks.flatMap((b) => new Array(b.size).fill(b.sum / b.weight));
}

/** A valid, unique measure key prefix for each trigger key. */
function slugs(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  return keys.map((k, i) => {
    let s = k.toLowerCase().replace(/[^a-z0-9_.-]/g, '_').replace(/^[^a-z0-9]+/, '').slice(0, 40) || `trigger${i}`;
    if (seen.has(s)) s = `${s}-${i}`;
    seen.add(s);
    return s;
  });
}

/**
 * Fits a model on `samples` (their inputs in the order of `triggers`). The work is a series of
 * regressions (one per candidate penalty, then on every sample): `afterFit` is awaited after
 * each, told how many are done of about how many, so a caller can report progress; `between`, if
 * given, is awaited after each iteration of each regression, so a caller's event loop runs.
 */
export async function suggestModel(
  samples: readonly ModelSample[],
  triggers: readonly TriggerInfo[],
  windowDays: number,
  options: { afterFit?: (done: number, expected: number) => Promise<void> | void; between?: () => Promise<void> } = {},
): Promise<ModelFit> {
  const fitRows = (data: readonly LogisticSample[], features: number, ridge: number) =>
    options.between ? fitLogisticStepwise(data, features, { ridge, maxIterations: 30, between: options.between }) : Promise.resolve(fitLogistic(data, features, { ridge, maxIterations: 30 }));
  // The penalties tried, the fit on every sample and usually one fit again without dropped signals.
  const expected = RIDGES.length + 2;
  let fits = 0;
  const fitted = async () => options.afterFit?.(++fits, Math.max(expected, fits));
  const positives = samples.filter((s) => s.y).length;
  if (samples.length === 0 || positives === 0 || positives === samples.length) {
    throw new RangeError('both outcomes must occur in the training samples');
  }
  // Triggers seen often enough, the most frequent first.
  const share = triggers.map((_, t) => samples.reduce((a, s) => a + (s.inputs[t]!.since !== null ? 1 : 0), 0) / samples.length);
  const used = triggers
    .map((_, t) => t)
    .filter((t) => share[t]! >= MIN_SHARE)
    .sort((a, b) => share[b]! - share[a]!)
    .slice(0, MAX_TRIGGERS);
  const capN = triggers.map((_, t) => {
    const v = samples.map((s) => s.inputs[t]!.n).filter((n) => n > 0).sort((a, b) => a - b);
    return Math.max(1, Math.ceil(quantile(v, 0.9)));
  });
  const capD = triggers.map((_, t) => {
    const v = samples.map((s) => s.inputs[t]!.days).filter((n) => n > 0).sort((a, b) => a - b);
    return Math.max(1, Math.min(windowDays, Math.ceil(quantile(v, 0.9))));
  });
  // A trigger whose events go with more of the outcome (on their own) is a risk: its count alone,
  // as a penalty. Any other protects: its count, days and recency, none of them a penalty. A score
  // that rewarded the days of a trigger and took points off for its events would be hard to read.
  const ys = samples.map((s) => (s.y ? 1 : 0));
  const risky = new Set(used.filter((t) => correlation(samples.map((s) => Math.min(s.inputs[t]!.n, capN[t]!)), ys) > 0));
  const design: Design = { signals: [], capN, capD };
  for (const t of used) {
    design.signals.push({ trigger: t, kind: 'count' });
    if (risky.has(t)) continue;
    design.signals.push({ trigger: t, kind: 'days' });
    for (let bin = 0; bin < RECENCY_EDGES.length; bin++) design.signals.push({ trigger: t, kind: 'recency', bin });
  }

  // The penalty: fitted on the earlier training dates, judged on the latest quarter of them.
  const groups = [...new Set(samples.map((s) => s.group))].sort((a, b) => a - b);
  const cut = groups[Math.max(1, Math.floor(groups.length * 0.75))] ?? Infinity;
  const early = samples.filter((s) => s.group < cut);
  const late = samples.filter((s) => s.group >= cut);
  let ridge = 1e-2;
  let validationAuc: number | null = null;
  const lateRows = rows(late, design, design.signals);
  if (early.some((s) => s.y) && early.some((s) => !s.y) && late.some((s) => s.y) && late.some((s) => !s.y)) {
    const earlyRows = rows(early, design, design.signals);
    for (const r of RIDGES) {
      const fit = await fitRows(earlyRows, design.signals.length, r);
      await fitted();
      const a = aucOf(lateRows.map((row) => safety(fit, row.x)), lateRows.map((row) => row.y));
      if (a !== null && (validationAuc === null || a > validationAuc + 1e-4)) {
        validationAuc = a;
        ridge = r;
      }
    }
  }

  // Fit on everything; signals the engine cannot express with their sign are dropped and the rest fitted again.
  let signals = design.signals;
  let fit = await fitRows(rows(samples, design, signals), signals.length, ridge);
  await fitted();
  for (let round = 0; round < 3; round++) {
    const keep = signals.filter((s, j) => {
      const c = fit.coefficients[j]!;
      if (s.kind === 'recency') return true;
      // A protective trigger's count or days that came out risk-raising, or a risk's count that came out protective.
      return risky.has(s.trigger) ? c >= 0 : c <= 0;
    });
    if (keep.length === signals.length) break;
    signals = keep;
    fit = await fitRows(rows(samples, design, signals), signals.length, ridge);
    await fitted();
  }
  const all = rows(samples, design, signals);
  const trainAuc = aucOf(all.map((r) => safety(fit, r.x)), all.map((r) => r.y));

  // Points: minus the coefficients, on a scale where the positive maxima sum to TOTAL_POINTS.
  interface TriggerPoints {
    count?: number;
    days?: number;
    recency: number[];
  }
  const perTrigger = new Map<number, TriggerPoints>();
  signals.forEach((s, j) => {
    const e: TriggerPoints = perTrigger.get(s.trigger) ?? { recency: new Array<number>(RECENCY_EDGES.length + 1).fill(0) };
    const c = -fit.coefficients[j]!;
    if (s.kind === 'count') e.count = c;
    else if (s.kind === 'days') e.days = c;
    else e.recency[s.bin] = c;
    perTrigger.set(s.trigger, e);
  });
  // Recency points non-increasing with age (weighted by how many samples fall in each bin), lowest 0.
  const binCounts = (t: number) => {
    const w = new Array(RECENCY_EDGES.length + 1).fill(0);
    for (const s of samples) w[recencyBin(s.inputs[t]!.since)]++;
    return w;
  };
  for (const [t, e] of perTrigger) {
    const mono = nonIncreasing(e.recency, binCounts(t));
    const low = Math.min(...mono);
    e.recency = mono.map((v) => v - low);
  }
  let positiveMax = 0;
  for (const [t, e] of perTrigger) {
    if (e.count !== undefined && e.count > 0) positiveMax += e.count * capN[t]!;
    if (e.days !== undefined && e.days > 0) positiveMax += e.days * capD[t]!;
    positiveMax += Math.max(...e.recency);
  }
  const scale = positiveMax > 0 ? TOTAL_POINTS / positiveMax : 0;

  // Measures per trigger; values under a hundredth of a point after scaling are left out.
  const measuresOf = new Map<number, SuggestedMeasure[]>();
  const slugOf = slugs(triggers.map((t) => t.key));
  for (const [t, e] of perTrigger) {
    const { key, label } = triggers[t]!;
    const out: SuggestedMeasure[] = [];
    const slug = slugOf[t]!;
    if (e.count !== undefined) {
      const p = round2(e.count * scale);
      if (p !== 0) out.push({ key: `${slug}.count`, label: `${label}: events`, kind: 'count', event: key, points: p, per: 1, cap: round2(p * capN[t]!) });
    }
    if (e.days !== undefined) {
      const p = round2(e.days * scale);
      if (p > 0) out.push({ key: `${slug}.days`, label: `${label}: active days`, kind: 'active_days', event: key, points: p, cap: round2(p * capD[t]!) });
    }
    const tiers = e.recency.map((v) => round2(v * scale));
    if (Math.max(...tiers) > 0) {
      out.push({
        key: `${slug}.recency`,
        label: `${label}: how recent`,
        kind: 'recency',
        event: key,
        tiers: [...RECENCY_EDGES.map((maxDays, i) => ({ maxDays, points: tiers[i]! })), { maxDays: RECENCY_BEYOND, points: tiers[RECENCY_EDGES.length]! }],
      });
    }
    if (out.length) measuresOf.set(t, out);
  }

  // Dimensions: triggers whose signals move together (correlation of their safety contributions).
  const kept = [...measuresOf.keys()];
  const contribution = (t: number) => {
    const e = perTrigger.get(t)!;
    return samples.map((s) => {
      const x = s.inputs[t]!;
      return (e.count ?? 0) * Math.min(x.n, capN[t]!) + Math.max(0, e.days ?? 0) * Math.min(x.days, capD[t]!) + e.recency[recencyBin(x.since)]!;
    });
  };
  const series = new Map(kept.map((t) => [t, contribution(t)]));
  const parent = new Map(kept.map((t) => [t, t]));
  const find = (t: number): number => (parent.get(t) === t ? t : find(parent.get(t)!));
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      if (correlation(series.get(kept[i]!)!, series.get(kept[j]!)!) >= CORRELATED) parent.set(find(kept[j]!), find(kept[i]!));
    }
  }
  const clusters = new Map<number, number[]>();
  for (const t of kept) clusters.set(find(t), [...(clusters.get(find(t)) ?? []), t]);
  const maxOf = (m: SuggestedMeasure) => (m.kind === 'recency' ? Math.max(...m.tiers!.map((x) => x.points)) : Math.max(0, m.cap!));
  let groupsOut = [...clusters.values()].map((ts) => ({ ts, measures: ts.flatMap((t) => measuresOf.get(t)!) }));
  // Penalties join the largest dimension: a dimension's score cannot fall below 0, so a penalty in a
  // small one would stop counting after its first few points (and one of penalties alone has no maximum).
  const penalties = groupsOut.flatMap((g) => g.measures.filter((m) => maxOf(m) <= 0));
  const positive = groupsOut
    .map((g) => ({ ts: g.ts.filter((t) => measuresOf.get(t)!.some((m) => maxOf(m) > 0)), measures: g.measures.filter((m) => maxOf(m) > 0) }))
    .filter((g) => g.measures.length > 0);
  if (positive.length === 0) throw new RangeError('no signal protects against the outcome: nothing to score');
  positive.sort((a, b) => b.measures.reduce((x, m) => x + maxOf(m), 0) - a.measures.reduce((x, m) => x + maxOf(m), 0));
  positive[0]!.measures.push(...penalties);
  groupsOut = positive;
  const weights = toWholeWeights(groupsOut.map((g) => g.measures.reduce((x, m) => x + maxOf(m), 0)));
  const dimensions = groupsOut.map((g, i) => {
    const names = g.ts.slice(0, 3).map((t) => triggers[t]!.label);
    return {
      key: `signals-${i + 1}`,
      label: (names.join(', ') + (g.ts.length > 3 ? ` and ${g.ts.length - 3} more` : '')).slice(0, 120),
      weight: weights[i]!,
      measures: g.measures,
    };
  }).filter((d) => d.weight > 0);
  // Weights of dimensions left out go to the largest one, so they still sum to 100.
  const missing = 100 - dimensions.reduce((a, d) => a + d.weight, 0);
  if (dimensions.length) dimensions[0]!.weight += missing;
  return { dimensions, ridge, trainAuc, validationAuc, samples: samples.length, positives, triggers: used.map((t) => triggers[t]!.key) };
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
