/**
 * Resolving a model for one account: which overrides apply (tier, lifecycle stage), the merged
 * measure parameters, and everything that can be computed once instead of per score. Resolved
 * models are cached per model object, tier and stage, because history scoring asks for the same
 * few combinations millions of times.
 */
import type { BandDef, MeasureDef, Model } from './schema';
import type { AccountProfile, LifecycleStage, Tier } from './types';
import { DAY_MS } from './window';

/** §1: without an explicit stage, an account is onboarding for its first 90 days. */
export const ONBOARDING_DAYS = 90;

export interface CompiledMeasure {
  /** the measure with the matching overrides merged in */
  def: MeasureDef;
  /** event types: `event` (every kind but ratio and departments; the stakeholders filter) or the numerator */
  types: readonly string[];
  /** the ratio's denominator types (empty for other kinds) */
  denominator: readonly string[];
  /** nominal maximum (0 for a penalty) */
  max: number;
}

export interface CompiledDimension {
  key: string;
  label: string;
  weight: number;
  measures: CompiledMeasure[];
}

export interface CompiledModel {
  model: Model;
  tier: Tier | null;
  stage: LifecycleStage;
  windowDays: number;
  dimensions: CompiledDimension[];
  bands: readonly BandDef[];
  target: number | null;
  /** the event types whose summed count is the velocity's touchpoints (see docs/scoring.md) */
  touchpointTypes: readonly string[];
}

export function resolveStage(profile: AccountProfile, asOf: number): { stage: LifecycleStage; derived: boolean } {
  if (profile.lifecycleStage) return { stage: profile.lifecycleStage, derived: false };
  const onboarding = profile.startedAt !== null && asOf < profile.startedAt + ONBOARDING_DAYS * DAY_MS;
  return { stage: onboarding ? 'onboarding' : 'adoption', derived: true };
}

export function asTypes(e: string | string[] | undefined): readonly string[] {
  if (e === undefined) return [];
  return typeof e === 'string' ? [e] : e;
}

function measureMax(m: MeasureDef): number {
  switch (m.kind) {
    case 'count':
      return m.points > 0 ? m.cap : 0;
    case 'ratio':
    case 'adoption':
      return 100;
    case 'attributes':
      return m.attributes.reduce((a, x) => a + x.points, 0);
    case 'stakeholders':
      return m.cap;
    case 'departments':
      return m.points;
    case 'active_days':
      return m.cap;
    case 'recency':
    case 'trend':
      return Math.max(...m.tiers.map((t) => t.points));
  }
}

function compileMeasure(m: MeasureDef): CompiledMeasure {
  const types = m.kind === 'ratio' ? asTypes(m.numerator) : m.kind === 'departments' ? [] : asTypes(m.event);
  const denominator = m.kind === 'ratio' ? asTypes(m.denominator) : [];
  return { def: m, types, denominator, max: measureMax(m) };
}

/** §4: touchpoints are the Frequency dimension's event types. The dimension is the one keyed
 * `frequency`; a model without it (or without earning counts in it) falls back to every earning
 * `count` measure. Penalties are not touchpoints. */
function touchpointTypesOf(model: Model): string[] {
  const earning = (ms: MeasureDef[]) => ms.flatMap((m) => (m.kind === 'count' && m.points > 0 ? asTypes(m.event) : []));
  const freq = model.dimensions.find((d) => d.key === 'frequency');
  let types = freq ? earning(freq.measures) : [];
  if (!types.length) types = earning(model.dimensions.flatMap((d) => d.measures));
  return [...new Set(types)];
}

function compile(model: Model, tier: Tier | null, stage: LifecycleStage): CompiledModel {
  const weights = new Map(model.dimensions.map((d) => [d.key, d.weight]));
  const measureOverrides = new Map<string, Record<string, unknown>>();
  for (const o of model.overrides) {
    if (o.match.tier !== undefined && o.match.tier !== tier) continue;
    if (o.match.lifecycleStage !== undefined && o.match.lifecycleStage !== stage) continue;
    // Matching overrides apply in order: a later one wins field by field.
    if (o.dimensionWeights) for (const [k, w] of Object.entries(o.dimensionWeights)) if (weights.has(k)) weights.set(k, w);
    if (o.measures) {
      for (const [k, mo] of Object.entries(o.measures)) {
        const defined = Object.fromEntries(Object.entries(mo).filter(([, v]) => v !== undefined));
        measureOverrides.set(k, { ...measureOverrides.get(k), ...defined });
      }
    }
  }
  const dimensions = model.dimensions.map((d) => ({
    key: d.key,
    label: d.label,
    weight: weights.get(d.key) ?? d.weight,
    measures: d.measures.map((m) => {
      const mo = measureOverrides.get(m.key);
      return compileMeasure(mo ? ({ ...m, ...mo } as MeasureDef) : m);
    }),
  }));
  return {
    model,
    tier,
    stage,
    windowDays: model.windowDays,
    dimensions,
    bands: model.bands,
    target: tier ? (model.tierTargets[tier] ?? null) : null,
    touchpointTypes: touchpointTypesOf(model),
  };
}

const cache = new WeakMap<Model, Map<string, CompiledModel>>();

/** The model resolved for a tier and stage, compiled once per model object. Models are treated
 * as immutable: edit a copy, never a model already used for scoring. */
export function compileModel(model: Model, tier: Tier | null, stage: LifecycleStage): CompiledModel {
  let byKey = cache.get(model);
  if (!byKey) cache.set(model, (byKey = new Map()));
  const k = `${tier ?? ''}|${stage}`;
  let c = byKey.get(k);
  if (!c) byKey.set(k, (c = compile(model, tier, stage)));
  return c;
}
