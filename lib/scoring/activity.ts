/**
 * Building an `AccountActivity` from raw events, at the resolution of an instant (exact scores,
 * tests, previews) or of a UTC day (the shape of the stored aggregates). The aggregation jobs
 * must produce the same numbers, so this is the reference for what a bucket holds.
 */
import { dict } from '@/lib/dict';
import { FLAG_PROP_TYPES, FLAG_TYPES } from './flags';
import { addValue, keepsValues } from './prop-values';
import type { Model } from './schema';
import type { AccountActivity, ContactBucket, FeatureBucket, PropStat, TypeBucket } from './types';
import { DAY_MS } from './window';

export interface RawEvent {
  type: string;
  /** epoch ms or ISO 8601 */
  occurredAt: number | string;
  /** positive integer, default 1 */
  count?: number;
  contactId?: string | null;
  properties?: Record<string, unknown> | null;
}

export interface FeatureSource {
  type: string;
  property: string;
}

export interface BuildActivityOptions {
  /** `instant` (default): one bucket per distinct occurredAt; `day`: per UTC day start */
  resolution?: 'instant' | 'day';
  /** which event property names a feature, per type (default: `feature` of `feature.used`) */
  featureSources?: readonly FeatureSource[];
  /** keep numeric values of the properties medians read (`keepsValues`; default true) */
  keepValues?: boolean;
}

/** The (type, property) pairs the adoption measures of a model read. */
export function featureSourcesOf(model: Model): FeatureSource[] {
  const out: FeatureSource[] = [];
  for (const d of model.dimensions) {
    for (const m of d.measures) {
      if (m.kind !== 'adoption') continue;
      for (const type of typeof m.event === 'string' ? [m.event] : m.event) out.push({ type, property: m.property });
    }
  }
  return out;
}

/**
 * The trigger types whose property statistics scoring reads with this model: the types of its
 * `attributes` measures (overrides cannot change a measure's types) and, when flags are computed,
 * the types the flag rules read. Loaders may leave the other types' `props` out.
 */
export function propTypesOf(model: Model, options: { flags?: boolean } = {}): string[] {
  const out = new Set<string>(options.flags ? FLAG_PROP_TYPES : []);
  for (const d of model.dimensions) {
    for (const m of d.measures) if (m.kind === 'attributes') for (const t of typeof m.event === 'string' ? [m.event] : m.event) out.add(t);
  }
  return [...out];
}

/**
 * Every trigger type whose buckets scoring reads with this model: the types of its measures
 * (ratio denominators included; overrides cannot change them) and, when flags are computed, the
 * types the flag rules read. Buckets of other types never change a result, so loaders may skip them.
 */
export function typesReadBy(model: Model, options: { flags?: boolean } = {}): string[] {
  const out = new Set<string>(options.flags ? FLAG_TYPES : []);
  const add = (e: string | string[] | undefined) => {
    if (e !== undefined) for (const t of typeof e === 'string' ? [e] : e) out.add(t);
  };
  for (const d of model.dimensions) {
    for (const m of d.measures) {
      if (m.kind === 'ratio') {
        add(m.numerator);
        add(m.denominator);
      } else if (m.kind !== 'departments') {
        add(m.event);
      }
    }
  }
  return [...out];
}

/**
 * Property statistics, weighted by the event's count: an event with count k whose property is
 * true adds k to `t`; a numeric value x adds k*x to `s`, k to `c` and, where medians read it, one
 * entry x of weight k to `v`/`w`.
 */
function addProperty(stats: Record<string, PropStat>, type: string, name: string, value: unknown, k: number, keepValues: boolean): void {
  const isNum = typeof value === 'number' && Number.isFinite(value);
  if (value !== true && !isNum) return;
  const p = stats[name] ?? (stats[name] = { t: 0, s: 0, c: 0 });
  if (value === true) p.t += k;
  if (isNum) {
    p.s += value * k;
    p.c += k;
    if (keepValues && keepsValues(type, name)) addValue(p, value, k);
  }
}

export function buildActivity(events: readonly RawEvent[], options: BuildActivityOptions = {}): AccountActivity {
  const day = options.resolution === 'day';
  const sources = options.featureSources ?? [{ type: 'feature.used', property: 'feature' }];
  const keepValues = options.keepValues ?? true;
  const types = new Map<string, TypeBucket>();
  const contacts = new Map<string, ContactBucket>();
  const features = new Map<string, FeatureBucket>();
  let first: number | null = null;

  for (const e of events) {
    const at = typeof e.occurredAt === 'number' ? e.occurredAt : Date.parse(e.occurredAt);
    if (!Number.isFinite(at)) throw new Error(`invalid occurredAt: ${String(e.occurredAt)}`);
    const t = day ? Math.floor(at / DAY_MS) * DAY_MS : at;
    const k = e.count ?? 1;
    if (first === null || at < first) first = at;

    const tk = `${t}|${e.type}`;
    let b = types.get(tk);
    if (!b) types.set(tk, (b = { t, type: e.type, n: 0 }));
    b.n += k;
    if (e.properties) {
      for (const [name, value] of Object.entries(e.properties)) addProperty((b.props ??= dict()), e.type, name, value, k, keepValues);
    }
    if (e.contactId) {
      const ck = `${t}|${e.contactId}|${e.type}`;
      const c = contacts.get(ck);
      if (c) c.n += k;
      else contacts.set(ck, { t, contactId: e.contactId, n: k, type: e.type });
    }
    for (const s of sources) {
      const f = s.type === e.type ? e.properties?.[s.property] : undefined;
      if (typeof f !== 'string' || !f) continue;
      const fk = `${t}|${e.type}|${f}`;
      const fb = features.get(fk);
      if (fb) fb.n += k;
      else features.set(fk, { t, type: e.type, feature: f, n: k });
    }
  }
  const byT = <B extends { t: number }>(a: B, b: B) => a.t - b.t;
  return {
    types: [...types.values()].sort(byT),
    contacts: [...contacts.values()].sort(byT),
    features: [...features.values()].sort(byT),
    firstActivityAt: first,
  };
}
