/** Shared fixtures of the scoring tests (not a test file itself). */
import { mulberry32 } from '@/lib/testing/random';
import { buildActivity, type RawEvent } from './activity';
import { DEFAULT_MODEL, DEFAULT_TRIGGERS } from './default-model';
import { scoreAccount, type ScoreInput } from './engine';
import type { Model } from './schema';
import type { AccountProfile, ContactInfo, FeatureInfo, ScoreResult } from './types';
import { DAY_MS } from './window';

/** The as-of instant of the tests: the end of 2026-03-30 (UTC), i.e. 2026-03-31T00:00Z. */
export const T = Date.UTC(2026, 2, 31);
export const HOUR_MS = 3_600_000;

/** An instant `days` days (and `hours` hours) before T. */
export const ago = (days: number, hours = 0) => T - days * DAY_MS - hours * HOUR_MS;

export function ev(type: string, at: number, extra: Omit<RawEvent, 'type' | 'occurredAt'> = {}): RawEvent {
  return { type, occurredAt: at, ...extra };
}

/** `n` events of a type, spread one hour apart from `at`. */
export function many(n: number, type: string, at: number, extra: Omit<RawEvent, 'type' | 'occurredAt'> = {}): RawEvent[] {
  return Array.from({ length: n }, (_, i) => ev(type, at + i * HOUR_MS, extra));
}

export const PROFILE: AccountProfile = { id: 'acc-1', tier: 'core', lifecycleStage: null, startedAt: ago(365) };

/** An event long ago so the account "has history" without touching either window. */
export const OLD = ev('note.logged', ago(200));

export interface ScoreOpts extends Partial<Omit<ScoreInput, 'activity'>> {
  day?: boolean;
}

export function score(events: RawEvent[], opts: ScoreOpts = {}): ScoreResult {
  const model: Model = opts.model ?? DEFAULT_MODEL;
  return scoreAccount({
    model,
    profile: opts.profile ?? PROFILE,
    contacts: opts.contacts ?? [],
    catalogue: opts.catalogue ?? [],
    activity: buildActivity(events, { resolution: opts.day ? 'day' : 'instant' }),
    asOf: opts.asOf ?? T,
    detail: opts.detail,
  });
}

export const dim = (r: ScoreResult, key: string) => r.dimensions.find((d) => d.key === key)!;
export const measure = (r: ScoreResult, key: string) => r.dimensions.flatMap((d) => d.measures).find((m) => m.key === key)!;
export const flagKeys = (r: ScoreResult) => r.flags.map((f) => f.key);

export function catalogue(core: number, advanced: number, basic: number): FeatureInfo[] {
  const mk = (tier: FeatureInfo['tier'], n: number) => Array.from({ length: n }, (_, i) => ({ key: `${tier}-${i + 1}`, tier }));
  return [...mk('core', core), ...mk('advanced', advanced), ...mk('basic', basic)];
}

export function contact(id: string, role: ContactInfo['role'], department: string | null = null): ContactInfo {
  return { id, role, department };
}

/** A one-dimension model of count measures (SCORING.md §6 example 1 style). */
export function countModel(measures: { key: string; event: string; points: number; cap: number; per?: number }[], windowDays = 30): Model {
  return {
    ...DEFAULT_MODEL,
    windowDays,
    dimensions: [
      { key: 'engagement', label: 'Engagement', weight: 100, measures: measures.map((m) => ({ label: m.key, kind: 'count' as const, per: 1, ...m })) },
    ],
    overrides: [],
  };
}

/** A deterministic generator, so a failure can be replayed. */
export const rng = mulberry32;

export const RANDOM_CONTACTS: ContactInfo[] = [
  contact('sponsor', 'executive_sponsor', 'Finance'),
  contact('champ-1', 'champion', 'Ops'),
  contact('champ-2', 'champion', 'IT'),
  contact('power', 'power_user', 'ops '),
  contact('user', 'user', null),
];
export const RANDOM_FEATURES = catalogue(3, 2, 4);

/** Events of every default type with their properties, mostly inside two 30-day windows before T. */
export function randomEvents(rand: () => number): RawEvent[] {
  const events: RawEvent[] = [];
  const n = Math.floor(rand() * 120);
  const pick = <X>(xs: readonly X[]) => xs[Math.floor(rand() * xs.length)];
  for (let i = 0; i < n; i++) {
    const type = pick(DEFAULT_TRIGGERS).key;
    const properties: Record<string, unknown> = {};
    if (type === 'meeting.held') for (const p of ['onTime', 'activeParticipation', 'executiveAttended', 'followThrough', 'strategic']) properties[p] = rand() < 0.5;
    if (type === 'meeting.canceled') properties.rescheduled = rand() < 0.3;
    if (type === 'email.exchanged') properties.sentiment = Math.round((rand() * 2 - 1) * 100) / 100;
    if (type === 'outreach.replied') properties.responseHours = Math.round(rand() * 1000) / 10;
    if (type === 'feature.used') properties.feature = pick(RANDOM_FEATURES).key;
    events.push({
      type,
      // mostly inside the two windows, some older, a few at the edges
      occurredAt: T - Math.floor(rand() * 75 * DAY_MS) - (rand() < 0.05 ? 200 * DAY_MS : 0),
      count: rand() < 0.8 ? 1 : 1 + Math.floor(rand() * 12),
      contactId: rand() < 0.7 ? pick(RANDOM_CONTACTS).id : null,
      properties,
    });
  }
  return events;
}

/**
 * The default model with a fifth dimension of the kinds that read activity day by day or beyond
 * the window: active days (over two types, one of them read by an attributes measure too),
 * recency (one reaching back 100 days, past both 30-day windows; one on outreach), trend (one on a
 * type also read day by day).
 */
export const KINDS_MODEL: Model = {
  ...DEFAULT_MODEL,
  dimensions: [
    ...DEFAULT_MODEL.dimensions.map((d) => ({ ...d, weight: ({ frequency: 25, quality: 30, breadth: 15, product: 10 } as Record<string, number>)[d.key]! })),
    {
      key: 'momentum',
      label: 'Momentum',
      weight: 20,
      measures: [
        { key: 'active_days', label: 'Active days', kind: 'active_days', event: ['product.login', 'meeting.held'], points: 2, cap: 30 },
        { key: 'last_meeting', label: 'Last meeting', kind: 'recency', event: 'meeting.held', tiers: [{ maxDays: 7, points: 20 }, { maxDays: 45, points: 10 }, { maxDays: 100, points: 5 }] },
        { key: 'last_outreach', label: 'Last outreach', kind: 'recency', event: 'outreach.sent', tiers: [{ maxDays: 3, points: 5 }, { maxDays: 20, points: 0 }] },
        { key: 'email_trend', label: 'Email trend', kind: 'trend', event: 'email.exchanged', tiers: [{ min: 1.2, points: 10 }, { min: 0.8, points: 5 }, { min: 0, points: 0 }] },
        { key: 'login_trend', label: 'Login trend', kind: 'trend', event: 'product.login', tiers: [{ min: 1, points: 10 }, { min: 0, points: 2 }] },
      ],
    },
  ],
  overrides: [
    { match: { lifecycleStage: 'onboarding' }, dimensionWeights: { frequency: 35, quality: 25, breadth: 10, product: 10, momentum: 20 } },
    { match: { tier: 'strategic' }, measures: { active_days: { points: 3, cap: 45 } } },
  ],
};
