/**
 * Plain-words explanations (SCORING.md §4): "why did this score move?" is answered from the
 * numbers each measure used, its points and the same for the previous window.
 */
import type { CompiledMeasure } from './compile';
import type { MeasureValue } from './measures';
import type { MeasureInputs, MeasureResult, MeasureSnapshot } from './types';

/** Singular and plural nouns of the default triggers; other types are named by their key. */
const NOUNS: Record<string, [string, string]> = {
  'meeting.held': ['meeting', 'meetings'],
  'meeting.canceled': ['canceled meeting', 'canceled meetings'],
  'email.exchanged': ['email exchange', 'email exchanges'],
  'outreach.sent': ['outreach email', 'outreach emails'],
  'outreach.replied': ['reply', 'replies'],
  'product.login': ['login', 'logins'],
  'support.interaction': ['support interaction', 'support interactions'],
  'training.attended': ['training', 'trainings'],
  'feature.used': ['feature use', 'feature uses'],
  'qbr.held': ['business review', 'business reviews'],
  'qbr.declined': ['declined business review', 'declined business reviews'],
  'qbr.no_show': ['missed business review', 'missed business reviews'],
  'nps.response': ['NPS response', 'NPS responses'],
  'milestone.missed': ['missed milestone', 'missed milestones'],
};

const ROLE_NOUNS: Record<string, [string, string]> = {
  executive_sponsor: ['executive sponsor', 'executive sponsors'],
  champion: ['champion', 'champions'],
  power_user: ['power user', 'power users'],
  user: ['user', 'users'],
};

/** At most one decimal, no trailing ".0": 46.666 -> "46.7", 80 -> "80". */
export function fmt(x: number): string {
  return String(Math.round(x * 10) / 10);
}

export function pct(fraction: number): string {
  return `${fmt(fraction * 100)}%`;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function plural(n: number, [one, many]: [string, string]): string {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

/** "23 logins"; several or unknown types: "12 events (a.b, c.d)". */
export function countPhrase(n: number, types: readonly string[]): string {
  const noun = types.length === 1 ? NOUNS[types[0]] : undefined;
  if (noun) return plural(n, noun);
  return `${fmt(n)} ${n === 1 ? 'event' : 'events'} (${types.join(', ')})`;
}

function nounOf(types: readonly string[]): string {
  return types.length === 1 && NOUNS[types[0]] ? NOUNS[types[0]][1] : `${types.join(', ')} events`;
}

function singularOf(types: readonly string[]): string {
  return types.length === 1 && NOUNS[types[0]] ? NOUNS[types[0]][0] : `${types.join(', ')} event`;
}

/** "today", "1 day ago", "12 days ago" (days counted back from the window's last day). */
function daysAgo(days: number): string {
  return days === 0 ? 'today' : `${days} ${days === 1 ? 'day' : 'days'} ago`;
}

export function describeMeasure(cm: CompiledMeasure, v: MeasureValue): string {
  const m = cm.def;
  const i = v.inputs ?? {};
  switch (m.kind) {
    case 'count': {
      const unit = m.per === 1 ? `${fmt(m.points)} each` : `${fmt(m.points)} per ${m.per}`;
      if (m.points < 0) return `${countPhrase(i.n, cm.types)} → ${fmt(v.points ?? 0)} points (${unit}, floor ${fmt(m.cap)})`;
      const capped = Math.floor(i.n / m.per) * m.points > m.cap ? ', capped' : '';
      return `${countPhrase(i.n, cm.types)} → ${fmt(v.points ?? 0)} of ${fmt(cm.max)} points (${unit}${capped})`;
    }
    case 'ratio': {
      const outreach = cm.types.length === 1 && cm.types[0] === 'outreach.replied' && cm.denominator.length === 1 && cm.denominator[0] === 'outreach.sent';
      if (v.points === null) return `no ${nounOf(cm.denominator)} in the window → no data`;
      if (outreach) return `${fmt(i.numerator)} of ${plural(i.denominator, NOUNS['outreach.sent'])} answered (${pct(i.rate)}) → ${fmt(v.points)} points`;
      return `${countPhrase(i.numerator, cm.types)} for ${countPhrase(i.denominator, cm.denominator)} (${pct(i.rate)}) → ${fmt(v.points)} points`;
    }
    case 'attributes': {
      if (v.points === null) return `no ${nounOf(cm.types)} in the window → no data`;
      const parts = m.attributes.map((a) => `${a.property} ${fmt(i[a.property] ?? 0)}`).join(', ');
      return `${countPhrase(i.events, cm.types)} (${parts}) → mean ${fmt(v.points)} of ${fmt(cm.max)} points`;
    }
    case 'stakeholders': {
      const via = cm.types.length ? ` through ${cm.types.join(', ')}` : '';
      return `${plural(i.contacts, ROLE_NOUNS[m.role])} engaged${via} → ${fmt(v.points ?? 0)} of ${fmt(cm.max)} points (${fmt(m.points)} each)`;
    }
    case 'departments':
      return `engaged contacts span ${plural(i.departments, ['department', 'departments'])} (${m.min} needed) → ${fmt(v.points ?? 0)} of ${fmt(cm.max)} points`;
    case 'adoption': {
      if (v.points === null) return 'the feature catalogue is empty → no data';
      const parts = (['core', 'advanced', 'basic'] as const)
        .filter((t) => i[`${t}Total`] > 0)
        .map((t) => `${i[`${t}Used`]} of ${i[`${t}Total`]} ${t}`);
      return `${parts.join(', ')} features used → ${pct(i.share)}`;
    }
    case 'active_days': {
      const capped = i.days * m.points > m.cap ? ', capped' : '';
      return `${nounOf(cm.types)} on ${fmt(i.days)} of the last ${fmt(i.windowDays)} days → ${fmt(v.points ?? 0)} of ${fmt(cm.max)} points (${fmt(m.points)} per day${capped})`;
    }
    case 'recency': {
      const within = m.tiers[m.tiers.length - 1].maxDays;
      const when = i.daysSince === undefined ? `no ${singularOf(cm.types)} within the last ${plural(within, ['day', 'days'])}` : `last ${singularOf(cm.types)} ${daysAgo(i.daysSince)}`;
      return `${when} → ${fmt(v.points ?? 0)} of ${fmt(cm.max)} points`;
    }
    case 'trend': {
      if (v.points === null) return `${countPhrase(i.current, cm.types)}, none the window before → no data`;
      return `${countPhrase(i.current, cm.types)} vs ${fmt(i.previous)} the window before (×${Math.round(i.ratio * 100) / 100}) → ${fmt(v.points)} of ${fmt(cm.max)} points`;
    }
  }
}

export function snapshot(cm: CompiledMeasure, v: MeasureValue, detail: boolean): MeasureSnapshot {
  const inputs: MeasureInputs = v.inputs ?? {};
  return { points: v.points, max: v.max, noData: v.points === null, inputs, text: detail ? describeMeasure(cm, v) : '' };
}

/** One measure of the result: now, then and the change in points. */
export function measureResult(cm: CompiledMeasure, now: MeasureSnapshot, previous: MeasureSnapshot | null): MeasureResult {
  const change = previous && now.points !== null && previous.points !== null ? now.points - previous.points : null;
  return { key: cm.def.key, label: cm.def.label, kind: cm.def.kind, ...now, previous, change };
}

/** "No activity recorded yet": what every measure shows for an account without history. */
export function noHistorySnapshot(cm: CompiledMeasure): MeasureSnapshot {
  return { points: null, max: cm.max, noData: true, inputs: {}, text: 'no activity recorded for the account yet → no data' };
}
