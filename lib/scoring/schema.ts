/**
 * The model schema (SCORING.md §2). A model is data edited by admins, so every object is strict:
 * a typo in a field name must be an error, never a silently ignored no-op.
 */
import { z } from 'zod';
import { LIFECYCLE_STAGES, TIERS } from './types';

/**
 * Limits of a model's size and numbers. Within them a score is always a finite number: every
 * measure's points are bounded by its cap (or tier points), a dimension sums at most
 * MAX_MEASURES_PER_DIMENSION of them, and event counts are far below the range of doubles, so
 * points x count stays finite before the cap applies.
 */
export const MODEL_LIMITS = {
  dimensions: 20,
  measuresPerDimension: 50,
  bands: 20,
  ratioTiers: 20,
  /** tiers of a recency or trend measure */
  tiers: 20,
  /** the largest recency `maxDays`: scoring reads activity this far back */
  recencyDays: 730,
  attributes: 50,
  eventTypes: 50,
  overrides: 50,
  /** entries of an override's dimensionWeights or measures */
  overrideEntries: 200,
  /** the largest magnitude of points, caps and ratio thresholds */
  magnitude: 1_000_000,
  /** the largest `per` (events per step of points) and departments `min` */
  perStep: 1_000_000,
  departments: 1_000,
  propertyLength: 100,
} as const;

const key = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'use lower-case letters, digits, "_", "-" or "."');
const label = z.string().min(1).max(120);
const eventType = z.string().min(1).max(100);
const eventTypes = z
  .union([eventType, z.array(eventType).min(1)])
  .refine((t) => typeof t === 'string' || t.length <= MODEL_LIMITS.eventTypes, `at most ${MODEL_LIMITS.eventTypes} event types`);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const M = MODEL_LIMITS.magnitude;
/** points, caps and thresholds: finite and at most MODEL_LIMITS.magnitude in size */
const bounded = finite.min(-M, `must be at least ${-M}`).max(M, `must be at most ${M}`);
const property = z.string().min(1).max(MODEL_LIMITS.propertyLength);
const per = z.number().int().positive().max(MODEL_LIMITS.perStep, `must be at most ${MODEL_LIMITS.perStep}`);
const limitedRecord = <T extends z.ZodType>(value: T, what: string) =>
  z.record(z.string().max(64), value).refine((r) => Object.keys(r).length <= MODEL_LIMITS.overrideEntries, `at most ${MODEL_LIMITS.overrideEntries} ${what}`);

export const ratioTierSchema = z.strictObject({ min: bounded.min(0), points: finite.min(0).max(100) });
export const attributeSchema = z.strictObject({ property, points: bounded.min(0) });

/** Ratio tiers are read top-down ("first tier with r >= min"), so they must be in descending order. */
const ratioTiers = z
  .array(ratioTierSchema)
  .min(1)
  .max(MODEL_LIMITS.ratioTiers, `at most ${MODEL_LIMITS.ratioTiers} tiers`)
  .superRefine((tiers, ctx) => {
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i].min >= tiers[i - 1].min) {
        ctx.addIssue({ code: 'custom', path: [i, 'min'], message: 'tiers must be ordered by descending min' });
      }
    }
  });

/** Recency tiers are read top-down ("first tier with daysSince <= maxDays"): ascending maxDays. */
const recencyTiers = z
  .array(z.strictObject({
    maxDays: z.number().int().min(0).max(MODEL_LIMITS.recencyDays, `must be at most ${MODEL_LIMITS.recencyDays}`),
    points: bounded.min(0),
  }))
  .min(1)
  .max(MODEL_LIMITS.tiers, `at most ${MODEL_LIMITS.tiers} tiers`)
  .superRefine((tiers, ctx) => {
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i].maxDays <= tiers[i - 1].maxDays) {
        ctx.addIssue({ code: 'custom', path: [i, 'maxDays'], message: 'tiers must be ordered by ascending maxDays' });
      }
    }
  });

/** Trend tiers are read like ratio tiers ("first tier with ratio >= min"): descending min. */
const trendTiers = z
  .array(z.strictObject({ min: bounded.min(0), points: bounded.min(0) }))
  .min(1)
  .max(MODEL_LIMITS.tiers, `at most ${MODEL_LIMITS.tiers} tiers`)
  .superRefine((tiers, ctx) => {
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i].min >= tiers[i - 1].min) {
        ctx.addIssue({ code: 'custom', path: [i, 'min'], message: 'tiers must be ordered by descending min' });
      }
    }
  });

const base = { key, label };

export const countMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('count'),
  event: eventTypes,
  points: bounded.refine((p) => p !== 0, 'points must not be 0'),
  per: per.default(1),
  cap: bounded,
});
export const ratioMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('ratio'),
  numerator: eventTypes,
  denominator: eventTypes,
  tiers: ratioTiers,
});
export const attributesMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('attributes'),
  event: eventTypes,
  attributes: z.array(attributeSchema).min(1).max(MODEL_LIMITS.attributes, `at most ${MODEL_LIMITS.attributes} attributes`),
});
export const stakeholdersMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('stakeholders'),
  role: z.enum(['executive_sponsor', 'champion', 'power_user', 'user']),
  points: bounded.positive(),
  cap: bounded.positive(),
  /** only contacts engaged through these event types count (needs typed contact buckets) */
  event: eventTypes.optional(),
});
export const departmentsMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('departments'),
  min: z.number().int().min(1).max(MODEL_LIMITS.departments, `must be at most ${MODEL_LIMITS.departments}`),
  points: bounded.positive(),
});
export const adoptionMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('adoption'),
  event: eventTypes,
  property: property.default('feature'),
});

export const activeDaysMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('active_days'),
  event: eventTypes,
  /** points per distinct UTC day in the window with at least one such event */
  points: bounded.positive(),
  cap: bounded.positive(),
});
export const recencyMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('recency'),
  event: eventTypes,
  tiers: recencyTiers,
});
export const trendMeasureSchema = z.strictObject({
  ...base,
  kind: z.literal('trend'),
  event: eventTypes,
  tiers: trendTiers,
});

export const measureSchema = z.discriminatedUnion('kind', [
  countMeasureSchema,
  ratioMeasureSchema,
  attributesMeasureSchema,
  stakeholdersMeasureSchema,
  departmentsMeasureSchema,
  adoptionMeasureSchema,
  activeDaysMeasureSchema,
  recencyMeasureSchema,
  trendMeasureSchema,
]);

export const dimensionSchema = z.strictObject({
  key,
  label,
  weight: finite.min(0).max(100),
  measures: z.array(measureSchema).min(1).max(MODEL_LIMITS.measuresPerDimension, `at most ${MODEL_LIMITS.measuresPerDimension} measures per dimension`),
});

export const bandSchema = z.strictObject({
  key,
  label,
  min: finite.min(0).max(100),
  action: z.string().max(500),
});

export const measureOverrideSchema = z.strictObject({
  points: bounded.optional(),
  cap: bounded.optional(),
  per: per.optional(),
  tiers: ratioTiers.optional(),
  attributes: z.array(attributeSchema).min(1).max(MODEL_LIMITS.attributes, `at most ${MODEL_LIMITS.attributes} attributes`).optional(),
});

export const overrideSchema = z.strictObject({
  match: z
    .strictObject({ tier: z.enum(TIERS).optional(), lifecycleStage: z.enum(LIFECYCLE_STAGES).optional() })
    .refine((m) => m.tier !== undefined || m.lifecycleStage !== undefined, 'match needs a tier or a lifecycleStage'),
  dimensionWeights: limitedRecord(finite.min(0).max(100), 'dimension weights').optional(),
  measures: limitedRecord(measureOverrideSchema, 'measure overrides').optional(),
});

const WEIGHT_TOLERANCE = 1e-6;

/** Which override fields make sense for which kind: anything else would silently do nothing. */
const OVERRIDABLE: Record<string, readonly string[]> = {
  count: ['points', 'cap', 'per'],
  ratio: ['tiers'],
  attributes: ['attributes'],
  stakeholders: ['points', 'cap'],
  departments: ['points'],
  adoption: [],
  active_days: ['points', 'cap'],
  recency: [],
  trend: [],
};

type Ctx = z.core.$RefinementCtx;
type Measure = z.infer<typeof measureSchema>;
type Dimension = z.infer<typeof dimensionSchema>;

/** Sign rules of §2: a positive count needs a positive cap; a penalty's cap is its floor (<= 0). */
function checkPointsCap(kind: string, points: number, cap: number, ctx: Ctx, path: (string | number)[]): void {
  if (kind !== 'count') return;
  if (points > 0 && cap <= 0) ctx.addIssue({ code: 'custom', path, message: 'cap must be above 0 when points are positive' });
  if (points < 0 && cap > 0) ctx.addIssue({ code: 'custom', path, message: 'a penalty (negative points) needs a cap <= 0' });
}

function checkOverride(o: z.infer<typeof overrideSchema>, dims: Dimension[], i: number, ctx: Ctx): void {
  const at = ['overrides', i];
  if (o.dimensionWeights) {
    const weights = new Map(dims.map((d) => [d.key, d.weight]));
    for (const [k, w] of Object.entries(o.dimensionWeights)) {
      if (!weights.has(k)) ctx.addIssue({ code: 'custom', path: [...at, 'dimensionWeights', k], message: `no dimension with key "${k}"` });
      else weights.set(k, w);
    }
    const sum = [...weights.values()].reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 100) > WEIGHT_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: [...at, 'dimensionWeights'], message: `dimension weights must sum to 100 (they sum to ${+sum.toFixed(4)}; unnamed dimensions keep their weight)` });
    }
  }
  if (!o.measures) return;
  const measures = new Map<string, Measure>();
  for (const d of dims) for (const m of d.measures) measures.set(m.key, m);
  for (const [k, mo] of Object.entries(o.measures)) {
    const path = [...at, 'measures', k];
    const m = measures.get(k);
    if (!m) {
      ctx.addIssue({ code: 'custom', path, message: `no measure with key "${k}"` });
      continue;
    }
    for (const field of Object.keys(mo)) {
      if (!OVERRIDABLE[m.kind].includes(field)) {
        const message = Object.prototype.hasOwnProperty.call(m, field)
          ? `the "${field}" of a ${m.kind} measure cannot be overridden (edit the measure itself)`
          : `a ${m.kind} measure has no "${field}" to override`;
        ctx.addIssue({ code: 'custom', path: [...path, field], message });
      }
    }
    if (m.kind === 'count') checkPointsCap('count', mo.points ?? m.points, mo.cap ?? m.cap, ctx, [...path, mo.cap !== undefined ? 'cap' : 'points']);
    if (mo.points !== undefined && m.kind !== 'count' && mo.points <= 0) ctx.addIssue({ code: 'custom', path: [...path, 'points'], message: 'points must be above 0' });
    if (mo.cap !== undefined && (m.kind === 'stakeholders' || m.kind === 'active_days') && mo.cap <= 0) ctx.addIssue({ code: 'custom', path: [...path, 'cap'], message: 'cap must be above 0' });
  }
}

export const modelSchema = z
  .strictObject({
    windowDays: z.number().int().min(1).max(365),
    dimensions: z.array(dimensionSchema).min(1).max(MODEL_LIMITS.dimensions, `at most ${MODEL_LIMITS.dimensions} dimensions`),
    bands: z.array(bandSchema).min(1).max(MODEL_LIMITS.bands, `at most ${MODEL_LIMITS.bands} bands`),
    tierTargets: z.partialRecord(z.enum(TIERS), finite.min(0).max(100)).default({}),
    overrides: z.array(overrideSchema).max(MODEL_LIMITS.overrides, `at most ${MODEL_LIMITS.overrides} overrides`).default([]),
  })
  .superRefine((model, ctx) => {
    const sum = model.dimensions.reduce((a, d) => a + d.weight, 0);
    if (Math.abs(sum - 100) > WEIGHT_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: ['dimensions'], message: `dimension weights must sum to 100 (they sum to ${+sum.toFixed(4)})` });
    }
    const dimKeys = new Set<string>();
    const measureKeys = new Set<string>();
    model.dimensions.forEach((d, i) => {
      if (dimKeys.has(d.key)) ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'key'], message: `duplicate dimension key "${d.key}"` });
      dimKeys.add(d.key);
      let earns = false;
      d.measures.forEach((m, j) => {
        const path = ['dimensions', i, 'measures', j];
        if (measureKeys.has(m.key)) ctx.addIssue({ code: 'custom', path: [...path, 'key'], message: `duplicate measure key "${m.key}"` });
        measureKeys.add(m.key);
        if (m.kind === 'count') checkPointsCap('count', m.points, m.cap, ctx, [...path, 'cap']);
        if (m.kind === 'attributes' && m.attributes.every((a) => a.points === 0)) {
          ctx.addIssue({ code: 'custom', path: [...path, 'attributes'], message: 'at least one attribute must be worth points' });
        }
        if ((m.kind === 'recency' || m.kind === 'trend') && m.tiers.every((t) => t.points === 0)) {
          ctx.addIssue({ code: 'custom', path: [...path, 'tiers'], message: 'at least one tier must be worth points' });
        }
        if (m.kind !== 'count' || m.points > 0) earns = true;
      });
      // A dimension of penalties alone has a maximum of 0 and no score can be normalised from it.
      if (!earns) ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'measures'], message: 'a dimension needs at least one measure that earns points (not only penalties)' });
    });
    const bandKeys = new Set<string>();
    model.bands.forEach((b, i) => {
      if (bandKeys.has(b.key)) ctx.addIssue({ code: 'custom', path: ['bands', i, 'key'], message: `duplicate band key "${b.key}"` });
      bandKeys.add(b.key);
      if (i > 0 && b.min >= model.bands[i - 1].min) {
        ctx.addIssue({ code: 'custom', path: ['bands', i, 'min'], message: 'bands must be ordered by descending min' });
      }
    });
    const last = model.bands[model.bands.length - 1];
    if (last && last.min !== 0) {
      ctx.addIssue({ code: 'custom', path: ['bands', model.bands.length - 1, 'min'], message: 'the last band must have min 0 so every score has a band' });
    }
    model.overrides.forEach((o, i) => checkOverride(o, model.dimensions, i, ctx));
  });

export type Model = z.infer<typeof modelSchema>;
/** The JSON an admin writes: defaults (per, property, tierTargets, overrides) may be left out. */
export type ModelInput = z.input<typeof modelSchema>;
export type MeasureDef = z.infer<typeof measureSchema>;
export type DimensionDef = z.infer<typeof dimensionSchema>;
export type BandDef = z.infer<typeof bandSchema>;
export type OverrideDef = z.infer<typeof overrideSchema>;
export type MeasureOverride = z.infer<typeof measureOverrideSchema>;
export type MeasureKind = MeasureDef['kind'];

export interface ValidationError {
  /** human-readable, e.g. `dimensions[1].measures[0].cap` */
  path: string;
  message: string;
}
export type ValidationResult = { ok: true; model: Model } | { ok: false; errors: ValidationError[] };

/** `['dimensions', 1, 'measures', 0, 'cap']` -> `dimensions[1].measures[0].cap` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(model)';
}

export function validateModel(json: unknown): ValidationResult {
  const parsed = modelSchema.safeParse(json);
  if (parsed.success) return { ok: true, model: parsed.data };
  const errors: ValidationError[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One error per unknown field, pointing at the field itself, so the editor can highlight it.
      for (const k of issue.keys) errors.push({ path: formatPath([...issue.path, k]), message: `unknown field "${k}"` });
    } else {
      errors.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return { ok: false, errors };
}
