/**
 * The measure kinds of SCORING.md §2 (and active_days, recency, trend), each yielding points and
 * max for one window.
 * "No data is not zero": a measure that cannot be observed returns `points: null`.
 */
import type { CompiledMeasure } from './compile';
import { DEFAULT_FEATURE_WEIGHTS } from './default-model';
import type { ContactInfo, ContactRole, FeatureInfo, FeatureTier, MeasureInputs } from './types';
import type { ContactIndex, FeatureIndex } from './activity-index';
import { activeDaysOf, contactsOfTypes, countOf, DAY_MS, daysSinceLast, trueCountOf, type WindowSummary } from './window';

export interface MeasureValue {
  points: number | null;
  max: number;
  /** null unless details were asked for (history scoring skips them) */
  inputs: MeasureInputs | null;
}

/** Per-account lookups, built once per contacts/catalogue array and reused across days. */
export interface AccountRefs {
  contacts: ReadonlyMap<string, ContactInfo>;
  catalogue: readonly FeatureInfo[];
  catalogueWeight: number;
}

const contactMaps = new WeakMap<readonly ContactInfo[], Map<string, ContactInfo>>();
const catalogueWeights = new WeakMap<readonly FeatureInfo[], number>();

export function accountRefs(contacts: readonly ContactInfo[], catalogue: readonly FeatureInfo[]): AccountRefs {
  let map = contactMaps.get(contacts);
  if (!map) contactMaps.set(contacts, (map = new Map(contacts.map((c) => [c.id, c]))));
  let weight = catalogueWeights.get(catalogue);
  if (weight === undefined) catalogueWeights.set(catalogue, (weight = catalogue.reduce((a, f) => a + DEFAULT_FEATURE_WEIGHTS[f.tier], 0)));
  return { contacts: map, catalogue, catalogueWeight: weight };
}

/** Who was engaged in a window, computed at most once per window and only when asked. */
export interface Engagement {
  engaged: number;
  byRole: Record<ContactRole, number>;
  departments: number;
}

/** Departments are compared trimmed and case-insensitively so "Ops" and "ops " are one. */
export function departmentKey(d: string | null): string | null {
  const k = d?.trim().toLowerCase();
  return k ? k : null;
}

/** Each interned contact's role and department, resolved once per account's contact list. */
interface ResolvedContacts {
  roles: (ContactRole | null)[];
  /** department ids (-1: none or unknown contact) */
  departments: Int32Array;
  departmentCount: number;
}

const resolved = new WeakMap<ReadonlyMap<string, ContactInfo>, WeakMap<ContactIndex, ResolvedContacts>>();

function resolveContacts(ci: ContactIndex, contacts: ReadonlyMap<string, ContactInfo>): ResolvedContacts {
  let byIndex = resolved.get(contacts);
  if (!byIndex) resolved.set(contacts, (byIndex = new WeakMap()));
  let r = byIndex.get(ci);
  if (!r) {
    const ids = new Map<string, number>();
    const departments = new Int32Array(ci.names.length).fill(-1);
    const roles = ci.names.map((name, i) => {
      const c = contacts.get(name);
      const d = c ? departmentKey(c.department) : null;
      if (d !== null) {
        let id = ids.get(d);
        if (id === undefined) ids.set(d, (id = ids.size));
        departments[i] = id;
      }
      return c?.role ?? null;
    });
    byIndex.set(ci, (r = { roles, departments, departmentCount: ids.size }));
  }
  return r;
}

export function engagementOf(w: WindowSummary, refs: AccountRefs): Engagement {
  const byRole: Record<ContactRole, number> = { executive_sponsor: 0, champion: 0, power_user: 0, user: 0 };
  const { roles, departments, departmentCount } = resolveContacts(w.ci, refs.contacts);
  const seen = new Uint8Array(departmentCount);
  let depts = 0;
  for (const id of w.engaged) {
    const role = roles[id];
    if (role) byRole[role]++;
    const d = departments[id];
    if (d >= 0 && seen[d] === 0) {
      seen[d] = 1;
      depts++;
    }
  }
  return { engaged: w.engaged.length, byRole, departments: depts };
}

export class WindowContext {
  private eng: Engagement | null = null;
  constructor(
    readonly w: WindowSummary,
    readonly refs: AccountRefs,
    readonly detail: boolean,
    /** the window just before `w`, for a trend (null when the model has none) */
    readonly before: WindowSummary | null = null,
  ) {}
  get engagement(): Engagement {
    return this.eng ?? (this.eng = engagementOf(this.w, this.refs));
  }
}

function clampCount(n: number, per: number, points: number, cap: number): number {
  const raw = Math.floor(n / per) * points;
  return points > 0 ? Math.min(raw, cap) : Math.max(raw, cap);
}

/** Distinct contacts with a role engaged through the given types (typed contact buckets only). */
function filteredRoleCount(x: WindowContext, types: readonly string[], role: ContactRole): number {
  let k = 0;
  for (const id of contactsOfTypes(x.w, types)) if (x.refs.contacts.get(id)?.role === role) k++;
  return k;
}

export function evaluateMeasure(cm: CompiledMeasure, x: WindowContext): MeasureValue {
  const m = cm.def;
  const { w, detail } = x;
  switch (m.kind) {
    case 'count': {
      const n = countOf(w, cm.types);
      return { points: clampCount(n, m.per, m.points, m.cap), max: cm.max, inputs: detail ? { n } : null };
    }
    case 'ratio': {
      const num = countOf(w, cm.types);
      const den = countOf(w, cm.denominator);
      if (den === 0) return { points: null, max: cm.max, inputs: detail ? { numerator: num, denominator: 0 } : null };
      const rate = num / den;
      let points = 0;
      for (const tier of m.tiers) {
        if (rate >= tier.min) {
          points = tier.points;
          break;
        }
      }
      return { points, max: cm.max, inputs: detail ? { numerator: num, denominator: den, rate } : null };
    }
    case 'attributes': {
      // An event with count k counts k times, so the mean is over summed counts.
      const n = countOf(w, cm.types);
      if (n === 0) return { points: null, max: cm.max, inputs: detail ? { events: 0 } : null };
      let sum = 0;
      const inputs: MeasureInputs | null = detail ? { events: n } : null;
      for (const a of m.attributes) {
        const t = trueCountOf(w, cm.types, a.property);
        sum += a.points * t;
        if (inputs) inputs[a.property] = t;
      }
      const points = sum / n;
      if (inputs) inputs.mean = points;
      return { points, max: cm.max, inputs };
    }
    case 'stakeholders': {
      const k = cm.types.length ? filteredRoleCount(x, cm.types, m.role) : x.engagement.byRole[m.role];
      return { points: Math.min(k * m.points, m.cap), max: cm.max, inputs: detail ? { contacts: k } : null };
    }
    case 'departments': {
      const d = x.engagement.departments;
      return { points: d >= m.min ? m.points : 0, max: cm.max, inputs: detail ? { departments: d, min: m.min } : null };
    }
    case 'adoption':
      return evaluateAdoption(cm, x);
    case 'active_days': {
      const days = activeDaysOf(w, cm.types);
      return { points: Math.min(days * m.points, m.cap), max: cm.max, inputs: detail ? { days, windowDays: Math.round((w.to - w.from) / DAY_MS) } : null };
    }
    case 'recency': {
      const last = m.tiers[m.tiers.length - 1];
      // Older than every tier reads as never seen (the last tier's points, no daysSince): the
      // result does not depend on how far back the activity was loaded.
      let daysSince = daysSinceLast(w, cm.types);
      if (daysSince !== null && daysSince > last.maxDays) daysSince = null;
      let points = last.points;
      if (daysSince !== null) {
        for (const tier of m.tiers) {
          if (daysSince <= tier.maxDays) {
            points = tier.points;
            break;
          }
        }
      }
      return { points, max: cm.max, inputs: detail ? (daysSince === null ? {} : { daysSince }) : null };
    }
    case 'trend': {
      const current = countOf(w, cm.types);
      const previous = x.before ? countOf(x.before, cm.types) : 0;
      if (previous === 0) return { points: null, max: cm.max, inputs: detail ? { current, previous: 0 } : null };
      const ratio = current / previous;
      let points = 0;
      for (const tier of m.tiers) {
        if (ratio >= tier.min) {
          points = tier.points;
          break;
        }
      }
      return { points, max: cm.max, inputs: detail ? { current, previous, ratio } : null };
    }
  }
}

const FEATURE_TIER_ORDER: readonly FeatureTier[] = ['core', 'advanced', 'basic'];

/** For each catalogue feature and each of a measure's types, the (type, feature) pair id of the
 * activity's feature index, or -1: resolved once per account instead of per window. */
const pairIds = new WeakMap<FeatureIndex, WeakMap<readonly FeatureInfo[], Map<readonly string[], Int32Array>>>();

function catalogueIds(fi: FeatureIndex, catalogue: readonly FeatureInfo[], types: readonly string[]): Int32Array {
  let byCatalogue = pairIds.get(fi);
  if (!byCatalogue) pairIds.set(fi, (byCatalogue = new WeakMap()));
  let byTypes = byCatalogue.get(catalogue);
  if (!byTypes) byCatalogue.set(catalogue, (byTypes = new Map()));
  let ids = byTypes.get(types);
  if (!ids) {
    ids = new Int32Array(catalogue.length * types.length);
    catalogue.forEach((f, i) => types.forEach((t, j) => (ids![i * types.length + j] = fi.byType.get(t)?.get(f.key) ?? -1)));
    byTypes.set(types, ids);
  }
  return ids;
}

function evaluateAdoption(cm: CompiledMeasure, x: WindowContext): MeasureValue {
  const { catalogue, catalogueWeight } = x.refs;
  if (catalogue.length === 0 || catalogueWeight <= 0) return { points: null, max: cm.max, inputs: x.detail ? { features: 0 } : null };
  let used = 0;
  const inputs: MeasureInputs | null = x.detail ? {} : null;
  if (inputs) {
    for (const t of FEATURE_TIER_ORDER) {
      inputs[`${t}Used`] = 0;
      inputs[`${t}Total`] = 0;
    }
  }
  const ids = catalogueIds(x.w.fi, catalogue, cm.types);
  const k = cm.types.length;
  const usedFlags = x.w.featureUsed;
  catalogue.forEach((f, i) => {
    let hit = false;
    for (let j = 0; j < k; j++) {
      const id = ids[i * k + j];
      if (id >= 0 && usedFlags[id] === 1) hit = true;
    }
    if (hit) used += DEFAULT_FEATURE_WEIGHTS[f.tier];
    if (inputs) {
      inputs[`${f.tier}Total`]++;
      if (hit) inputs[`${f.tier}Used`]++;
    }
  });
  const share = used / catalogueWeight;
  if (inputs) Object.assign(inputs, { weightUsed: used, weightTotal: catalogueWeight, share });
  return { points: share * 100, max: cm.max, inputs };
}
