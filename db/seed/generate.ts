/**
 * The demo portfolio generator, without I/O: a plan of the whole portfolio (names, tiers, owners,
 * trajectories; small), then one account at a time its contacts, events and outcomes, so that the
 * writer can stream millions of events with bounded memory.
 *
 * Every account has a latent engagement level in 0..1 per month that follows a trajectory
 * (steady-high, steady-mid, improving, fading, cliff, erratic, dormant, silent). Event rates,
 * reply rates, meeting quality, stakeholder breadth and feature breadth all follow that level,
 * so the default model's score tracks it; churn at renewal is a logistic function of the level
 * over the 60 days before.
 */
import {
  DEPARTMENTS,
  DEPARTMENT_WEIGHTS,
  FIRST_NAMES,
  LAST_NAMES,
  NAME_HEADS,
  NAME_KINDS,
  NAME_TAILS,
  SEED_FEATURES,
  SEED_OWNERS,
  SPONSOR_DEPARTMENTS,
  TIER_SHARES,
  type SeedTier,
} from './catalogue';
import { clamp, mixSeed, Rng } from './random';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** average working days per month: monthly rates are spread over these */
const WORKDAYS_PER_MONTH = 21.7;
/** scales login and feature-use rows (not totals): about 83 rows per account-month at volume 1 */
const ROW_DENSITY = 0.76;

// ---------------------------------------------------------------- time

/** `ms` plus `k` calendar months in UTC (the day is clamped to the target month's length). */
export function addMonthsUtc(ms: number, k: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + k;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** Today's UTC midnight plus one day: data then runs up to and including today. */
export function defaultEnd(now = Date.now()): Date {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS + DAY_MS);
}

export interface SeedRange {
  /** first instant with data (epoch ms) */
  start: number;
  /** exclusive end (epoch ms) */
  end: number;
  months: number;
  /** start of each month period; `monthStarts[months] === end` */
  monthStarts: number[];
}

export function seedRange(end: number, months: number): SeedRange {
  const monthStarts: number[] = [];
  for (let k = months; k >= 0; k--) monthStarts.push(addMonthsUtc(end, -k));
  return { start: monthStarts[0]!, end, months, monthStarts };
}

/** index of the month period holding `t` (clamped to the range) */
function monthIndexOf(range: SeedRange, t: number): number {
  const ms = range.monthStarts;
  if (t < ms[0]!) return 0;
  for (let k = 0; k < range.months; k++) if (t < ms[k + 1]!) return k;
  return range.months - 1;
}

// ---------------------------------------------------------------- the plan

export const TRAJECTORIES = ['steady_high', 'steady_mid', 'improving', 'fading', 'cliff', 'erratic', 'dormant', 'silent'] as const;
export type Trajectory = (typeof TRAJECTORIES)[number];
export const TRAJECTORY_SHARES: Record<Trajectory, number> = {
  steady_high: 0.24,
  steady_mid: 0.2,
  improving: 0.13,
  fading: 0.12,
  cliff: 0.07,
  erratic: 0.14,
  dormant: 0.05,
  silent: 0.05,
};

export interface AccountPlan {
  /** 0-based position in the portfolio */
  index: number;
  id: string;
  name: string;
  domain: string;
  industry: string;
  tier: SeedTier;
  ownerEmail: string;
  trajectory: Trajectory;
}

/** Exact counts for shares (largest remainder), at least one of each when n allows. */
function quotas<K extends string>(n: number, shares: Record<K, number>): K[] {
  const keys = Object.keys(shares) as K[];
  const raw = keys.map((k) => n * shares[k]);
  const counts = raw.map((x) => Math.floor(x));
  if (n >= keys.length) counts.forEach((c, i) => (counts[i] = Math.max(c, 1)));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = keys.map((_, i) => i).sort((a, b) => raw[b]! - counts[b]! - (raw[a]! - counts[a]!) || a - b);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) counts[order[j]!]!++;
  // when the minimum of one each overshot, take back from the largest
  while (left < 0) {
    const i = counts.indexOf(Math.max(...counts));
    counts[i]!--;
    left++;
  }
  const out: K[] = [];
  keys.forEach((k, i) => {
    for (let c = 0; c < counts[i]!; c++) out.push(k);
  });
  return out;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Names, tiers, owners and trajectories of the whole portfolio (a few hundred bytes per account). */
export function planPortfolio(accounts: number, seed: number): AccountPlan[] {
  const rng = new Rng(mixSeed(seed, 0x91a7));
  const tiers = rng.shuffle(quotas(accounts, TIER_SHARES));
  const owners = rng.shuffle(quotas(accounts, Object.fromEntries(SEED_OWNERS.map((o) => [o.email, 1 / SEED_OWNERS.length])) as Record<string, number>));
  const trajectories = rng.shuffle(quotas(accounts, TRAJECTORY_SHARES));
  const used = new Set<string>();
  const plans: AccountPlan[] = [];
  for (let i = 0; i < accounts; i++) {
    let name = '';
    let kind = NAME_KINDS[0]!;
    for (let attempt = 0; ; attempt++) {
      kind = rng.pick(NAME_KINDS);
      name = `${rng.pick(NAME_HEADS)}${rng.pick(NAME_TAILS)} ${kind.word}`;
      if (attempt >= 30) name = `${name} ${attempt}`;
      if (!used.has(name)) break;
    }
    used.add(name);
    plans.push({
      index: i,
      id: `ACC-${String(i + 1).padStart(6, '0')}`,
      name,
      domain: `${slug(name)}.example`,
      industry: kind.industry,
      tier: tiers[i]!,
      ownerEmail: owners[i]!,
      trajectory: trajectories[i]!,
    });
  }
  return plans;
}

// ---------------------------------------------------------------- one account

export type ContactRole = 'executive_sponsor' | 'champion' | 'power_user' | 'user';

export interface GenContact {
  name: string;
  email: string;
  role: ContactRole;
  department: string;
}

/** One event row. `contact` is an index into the account's contacts, or -1. */
export interface GenEvent {
  t: number;
  type: string;
  contact: number;
  count: number;
  /** the properties as JSON text, or null */
  props: string | null;
}

export type OutcomeType = 'renewed' | 'churned' | 'expanded' | 'contracted';

export interface GenOutcome {
  type: OutcomeType;
  t: number;
  arrDelta: number;
  reason: string;
}

export interface GeneratedAccount {
  plan: AccountPlan;
  lifecycleStage: 'renewal' | 'expansion' | null;
  /** ARR at the end of the range, after expansions and contractions */
  arr: number;
  startedAt: number;
  renewalDate: number;
  size: string;
  attributes: Record<string, unknown>;
  contacts: GenContact[];
  /** sorted by time */
  events: GenEvent[];
  outcomes: GenOutcome[];
  /** the latent level per month of the range (for tests and tuning; not stored) */
  levels: number[];
  /** when the account churned (epoch ms), or null */
  churnedAt: number | null;
}

export interface GenerateOptions {
  /** multiplies the number of login and feature-use rows (not the login totals); default 1 */
  volume?: number;
}

const ARR_RANGE: Record<SeedTier, [number, number]> = {
  strategic: [150_000, 1_200_000],
  growth: [50_000, 250_000],
  core: [12_000, 60_000],
  nurture: [3_000, 15_000],
};
const CONTACT_RANGE: Record<SeedTier, [number, number]> = { strategic: [7, 12], growth: [5, 10], core: [3, 8], nurture: [2, 6] };
const SPONSOR_P: Record<SeedTier, number> = { strategic: 0.92, growth: 0.8, core: 0.6, nurture: 0.4 };
const CHAMPION_MEAN: Record<SeedTier, number> = { strategic: 2.6, growth: 2, core: 1.3, nurture: 0.8 };
const SIZES: Record<SeedTier, [string, string]> = {
  strategic: ['1001-5000', '5000+'],
  growth: ['201-1000', '1001-5000'],
  core: ['51-200', '201-1000'],
  nurture: ['1-50', '51-200'],
};
const PLANS: Record<SeedTier, string> = { strategic: 'Enterprise', growth: 'Business', core: 'Team', nurture: 'Starter' };
/** meetings scale with the tier's coverage model */
const MEETING_FACTOR: Record<SeedTier, number> = { strategic: 1.3, growth: 1.1, core: 0.9, nurture: 0.6 };
const REGIONS: readonly { region: string; offsets: readonly number[]; weight: number }[] = [
  { region: 'NA', offsets: [-8, -7, -6, -5, -5], weight: 0.55 },
  { region: 'EMEA', offsets: [0, 1, 1, 2], weight: 0.35 },
  { region: 'APAC', offsets: [8, 9, 10], weight: 0.1 },
];
const FEATURE_RANK = { core: 0, basic: 0.8, advanced: 1.2 } as const;

/**
 * A local working window [start, start + len) in minutes of the local day, narrowed to its
 * longest part inside one UTC day, so that pre-aggregated daily rows (logins, feature use) have
 * exactly one UTC day per local day.
 */
function dailyWindow(start: number, len: number, offsetH: number): [number, number] {
  const a = start - offsetH * 60;
  const cut = (Math.floor(a / 1440) + 1) * 1440;
  if (a + len <= cut) return [start, len];
  const first = cut - a;
  const second = a + len - cut;
  return first >= second ? [start, first] : [start + first, second];
}

const round100 = (x: number) => Math.max(100, Math.round(x / 100) * 100);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The latent engagement level per month of the range. */
function trajectoryLevels(t: Trajectory, months: number, rng: Rng): number[] {
  const out: number[] = [];
  const last = Math.max(1, months - 1);
  switch (t) {
    case 'steady_high': {
      const b = rng.uniform(0.82, 0.98);
      for (let k = 0; k < months; k++) out.push(b + rng.normal(0, 0.04));
      break;
    }
    case 'steady_mid': {
      const b = rng.uniform(0.45, 0.75);
      for (let k = 0; k < months; k++) out.push(b + rng.normal(0, 0.06));
      break;
    }
    case 'improving': {
      const a = rng.uniform(0.15, 0.45);
      const z = rng.uniform(0.7, 0.97);
      for (let k = 0; k < months; k++) out.push(a + ((z - a) * k) / last + rng.normal(0, 0.04));
      break;
    }
    case 'fading': {
      const a = rng.uniform(0.7, 0.95);
      const z = rng.uniform(0.05, 0.4);
      for (let k = 0; k < months; k++) out.push(a + ((z - a) * k) / last + rng.normal(0, 0.04));
      break;
    }
    case 'cliff': {
      const hi = rng.uniform(0.7, 0.95);
      const lo = rng.uniform(0.02, 0.2);
      const at = months <= 1 ? 0 : rng.int(Math.max(1, Math.floor(months * 0.35)), months - 1);
      for (let k = 0; k < months; k++) out.push(k < at ? hi + rng.normal(0, 0.04) : lo + rng.normal(0, 0.03));
      break;
    }
    case 'erratic': {
      let x = rng.uniform(0.3, 0.85);
      for (let k = 0; k < months; k++) {
        x = clamp(x + rng.normal(0, 0.25), 0.05, 0.97);
        out.push(x);
      }
      break;
    }
    case 'dormant': {
      const b = rng.uniform(0.02, 0.08);
      for (let k = 0; k < months; k++) out.push(b);
      break;
    }
    case 'silent':
      for (let k = 0; k < months; k++) out.push(0);
      break;
  }
  return out.map((x) => clamp(x, 0, 1));
}

const CONTACT_PICK_WEIGHT: Record<ContactRole, number> = { executive_sponsor: 0.6, champion: 4, power_user: 2.5, user: 1.2 };
const FEATURE_PICK_WEIGHT: Record<ContactRole, number> = { executive_sponsor: 0.2, champion: 2, power_user: 3, user: 1.5 };

/** Contacts and their roles. Engaged accounts have grown more champions and power users
 * (`level`: the account's mean engagement level). */
function makeContacts(plan: AccountPlan, rng: Rng, level: number): GenContact[] {
  const [lo, hi] = CONTACT_RANGE[plan.tier];
  const n = lo + Math.min(hi - lo, Math.floor((hi - lo + 1) * Math.pow(rng.next(), 1.4 - level)));
  const sponsor = rng.chance(Math.min(0.97, SPONSOR_P[plan.tier] * (0.5 + 0.7 * level))) ? 1 : 0;
  const champions = Math.min(4, n - sponsor, rng.poisson(CHAMPION_MEAN[plan.tier] * (0.3 + 1.8 * level)));
  const powerUsers = Math.min(5, n - sponsor - champions, rng.poisson((0.15 + 0.5 * level) * n));
  const roles: ContactRole[] = [];
  if (sponsor) roles.push('executive_sponsor');
  for (let i = 0; i < champions; i++) roles.push('champion');
  for (let i = 0; i < powerUsers; i++) roles.push('power_user');
  while (roles.length < n) roles.push('user');

  // the account's departments: 2..6 distinct, weighted; champions spread over them
  const deptCount = Math.min(
    DEPARTMENTS.length,
    rng.int(2, 4) + (plan.tier === 'strategic' || plan.tier === 'growth' ? rng.int(0, 2) : 0) + (level > 0.6 ? 1 : 0),
  );
  const weights = [...DEPARTMENT_WEIGHTS];
  const depts: string[] = [];
  while (depts.length < deptCount) {
    const i = rng.weightedIndex(weights);
    depts.push(DEPARTMENTS[i]!);
    weights[i] = 0;
  }
  const emails = new Set<string>();
  let championNo = 0;
  return roles.map((role) => {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase();
    let email = `${local}@${plan.domain}`;
    for (let k = 2; emails.has(email); k++) email = `${local}${k}@${plan.domain}`;
    emails.add(email);
    const department =
      role === 'executive_sponsor' ? rng.pick(SPONSOR_DEPARTMENTS) : role === 'champion' ? depts[championNo++ % depts.length]! : rng.pick(depts);
    return { name: `${first} ${last}`, email, role, department };
  });
}

/** per-role monthly engagement of one contact at level e */
function engagedP(role: ContactRole, e: number): number {
  switch (role) {
    case 'executive_sponsor':
      return clamp(-0.2 + 1.15 * e, 0, 1);
    case 'champion':
      return clamp(0.1 + 0.95 * e, 0, 1);
    case 'power_user':
      return clamp(0.12 + 0.9 * e, 0, 1);
    case 'user':
      return clamp(-0.02 + 0.85 * e, 0, 1);
  }
}
/** login days per month of an engaged contact (before the volume factor) */
function loginDays(role: ContactRole, e: number): number {
  switch (role) {
    case 'executive_sponsor':
      return 1 + 2 * e;
    case 'champion':
      return 3 + 13 * e;
    case 'power_user':
      return 4 + 14 * e;
    case 'user':
      return 2 + 9 * e;
  }
}
/** logins per month of an engaged contact */
function loginTotal(role: ContactRole, e: number): number {
  switch (role) {
    case 'executive_sponsor':
      return 1 + 2 * e;
    case 'champion':
      return 6 + 40 * e * e;
    case 'power_user':
      return 8 + 50 * e * e;
    case 'user':
      return 3 + 15 * e * e;
  }
}

const CHURN_REASONS_LOW = ['Low adoption', 'No clear value realised', 'Executive sponsor left', 'Switched to a competitor', 'Project abandoned'];
const CHURN_REASONS_ANY = ['Budget cuts', 'Acquired by another company', 'Consolidated vendors', 'Switched to a competitor'];
const RENEW_REASONS = ['Renewed on standard terms', 'Renewed for one year', 'Renewed after negotiation', 'Renewed early'];
const EXPAND_REASONS = ['Added seats', 'Upgraded plan', 'New department onboarded', 'Bought an add-on'];
const CONTRACT_REASONS = ['Reduced seats', 'Downgraded plan', 'Dropped an add-on', 'Budget pressure'];

/** Mean level over [from, to), sampled every 5 days (earlier than the range: the first month). */
function meanLevel(range: SeedRange, levels: number[], from: number, to: number): number {
  let s = 0;
  let n = 0;
  for (let t = from; t < to; t += 5 * DAY_MS) {
    s += levels[monthIndexOf(range, t)]!;
    n++;
  }
  return n ? s / n : levels[monthIndexOf(range, from)]!;
}

/** Generates one account. Deterministic in (seed, plan.index, range, options). */
export function generateAccount(plan: AccountPlan, range: SeedRange, seed: number, options: GenerateOptions = {}): GeneratedAccount {
  const volume = ROW_DENSITY * (options.volume ?? 1);
  const rng = new Rng(mixSeed(seed, plan.index, 0x0acc));
  const { start, end, months, monthStarts } = range;
  const tier = plan.tier;

  // -------- the company
  const region = REGIONS[rng.weightedIndex(REGIONS.map((r) => r.weight))]!;
  const offsetH = rng.pick(region.offsets);
  const size = rng.pick(SIZES[tier]);
  const [arrLo, arrHi] = ARR_RANGE[tier];
  let arr = round100(Math.exp(rng.uniform(Math.log(arrLo), Math.log(arrHi))));
  const endDay = Math.floor(end / DAY_MS);
  let startedAt: number;
  const r = rng.next();
  const rangeDays = Math.floor((end - start) / DAY_MS);
  if (r < 0.08) startedAt = (endDay - rng.int(5, 88)) * DAY_MS; // still onboarding
  else if (r < 0.22 && rangeDays > 120) startedAt = (endDay - rng.int(91, rangeDays)) * DAY_MS;
  else startedAt = (Math.floor(start / DAY_MS) - rng.int(1, 1280)) * DAY_MS;
  const levels = trajectoryLevels(plan.trajectory, months, rng);
  const contacts = makeContacts(plan, rng, levels.reduce((a, b) => a + b, 0) / levels.length);
  const seats = Math.max(3, Math.round(arr / rng.uniform(600, 1400)));

  // -------- outcomes: renewals at anniversaries inside the range, mid-term changes
  const outcomes: GenOutcome[] = [];
  let churnedAt: number | null = null;
  type Checkpoint = { t: number; renewal: boolean };
  const checkpoints: Checkpoint[] = [];
  for (let j = 1; ; j++) {
    const a = addMonthsUtc(startedAt, 12 * j);
    if (a >= end) break;
    if (a >= start) checkpoints.push({ t: a, renewal: true });
  }
  for (let k = 0; k < months; k++) {
    const from = Math.max(monthStarts[k]!, startedAt + 120 * DAY_MS);
    const to = monthStarts[k + 1]!;
    if (from >= to) continue;
    checkpoints.push({ t: Math.floor((from + rng.next() * (to - from)) / DAY_MS) * DAY_MS + 14 * HOUR_MS, renewal: false });
  }
  checkpoints.sort((a, b) => a.t - b.t || Number(b.renewal) - Number(a.renewal));
  for (const cp of checkpoints) {
    if (cp.t >= end) continue;
    const e60 = meanLevel(range, levels, cp.t - 60 * DAY_MS, cp.t);
    if (cp.renewal) {
      // logistic: ~45% churn at level 0.1, ~16% at 0.5, ~4% at 0.9
      if (rng.chance(sigmoid(0.17 - 3.72 * e60))) {
        const reason = e60 < 0.4 && rng.chance(0.75) ? rng.pick(CHURN_REASONS_LOW) : rng.pick(CHURN_REASONS_ANY);
        outcomes.push({ type: 'churned', t: cp.t, arrDelta: -arr, reason });
        churnedAt = cp.t;
        break;
      }
      outcomes.push({ type: 'renewed', t: cp.t, arrDelta: 0, reason: rng.pick(RENEW_REASONS) });
      if (rng.chance(sigmoid(-5.2 + 5.5 * e60))) {
        const delta = round100(arr * rng.uniform(0.1, 0.5));
        arr += delta;
        outcomes.push({ type: 'expanded', t: cp.t, arrDelta: delta, reason: rng.pick(EXPAND_REASONS) });
      } else if (e60 > 0.25 && e60 < 0.65 && rng.chance(0.18)) {
        const delta = Math.min(arr - 100, round100(arr * rng.uniform(0.1, 0.35)));
        if (delta > 0) {
          arr -= delta;
          outcomes.push({ type: 'contracted', t: cp.t, arrDelta: -delta, reason: rng.pick(CONTRACT_REASONS) });
        }
      }
    } else {
      // mid-term: the occasional early termination of a disengaged account, or an upsell
      const u = rng.next();
      if (e60 < 0.25 && u < 0.012) {
        outcomes.push({ type: 'churned', t: cp.t, arrDelta: -arr, reason: `Terminated early: ${rng.pick(CHURN_REASONS_LOW).toLowerCase()}` });
        churnedAt = cp.t;
        break;
      }
      if (e60 > 0.75 && u < 0.02) {
        const delta = round100(arr * rng.uniform(0.05, 0.3));
        arr += delta;
        outcomes.push({ type: 'expanded', t: cp.t, arrDelta: delta, reason: rng.pick(EXPAND_REASONS) });
      }
    }
  }

  let renewalDate = startedAt;
  const renewalAfter = churnedAt ?? end;
  for (let j = 1; renewalDate < renewalAfter; j++) renewalDate = addMonthsUtc(startedAt, 12 * j);

  let lifecycleStage: GeneratedAccount['lifecycleStage'] = null;
  const onboarding = end - startedAt < 90 * DAY_MS;
  if (churnedAt === null && !onboarding) {
    if (renewalDate - end <= 90 * DAY_MS && rng.chance(0.5)) lifecycleStage = 'renewal';
    else if (levels[months - 1]! > 0.8 && rng.chance(0.2)) lifecycleStage = 'expansion';
  }

  // -------- events
  const events = plan.trajectory === 'silent' ? [] : generateEvents(plan, range, rng, contacts, levels, startedAt, churnedAt, offsetH, volume);

  return {
    plan,
    lifecycleStage,
    arr,
    startedAt,
    renewalDate,
    size,
    attributes: { region: region.region, plan: PLANS[tier], seats },
    contacts,
    events,
    outcomes,
    levels,
    churnedAt,
  };
}

function generateEvents(
  plan: AccountPlan,
  range: SeedRange,
  rng: Rng,
  contacts: GenContact[],
  levels: number[],
  startedAt: number,
  churnedAt: number | null,
  offsetH: number,
  volume: number,
): GenEvent[] {
  const { start, end, monthStarts } = range;
  const tier = plan.tier;
  const events: GenEvent[] = [];
  const from = Math.max(start, startedAt);
  const to = churnedAt === null ? end : Math.min(end, churnedAt);
  if (from >= to) return events;
  const offsetMs = offsetH * HOUR_MS;
  /** local minute of the day -> instant; kept inside [from, to) */
  const push = (dayStart: number, localMinute: number, type: string, contact: number, count: number, props: string | null) => {
    const t = dayStart + localMinute * MINUTE_MS - offsetMs + Math.floor(rng.next() * 60) * 1000;
    if (t >= from && t < to) events.push({ t, type, contact, count, props });
  };

  const [loginStart, loginLen] = dailyWindow(450, 200, offsetH);
  const [featureStart, featureLen] = dailyWindow(480, 600, offsetH);
  const n = contacts.length;
  const sponsor = contacts.findIndex((c) => c.role === 'executive_sponsor');
  let primary = contacts.findIndex((c) => c.role === 'champion');
  if (primary < 0) primary = contacts.findIndex((c) => c.role === 'power_user');
  if (primary < 0) primary = sponsor >= 0 && n === 1 ? sponsor : contacts.findIndex((c) => c.role === 'user');
  if (primary < 0) primary = 0;

  // the order in which this account adopts features: core first, mostly
  const featureOrder = SEED_FEATURES.map((f) => ({ key: f.key, r: FEATURE_RANK[f.tier] + rng.uniform(0, 1.8) }))
    .sort((a, b) => a.r - b.r)
    .map((f) => f.key);
  const featureProps = featureOrder.map((k) => `{"feature":"${k}"}`);
  const featureCap = rng.uniform(0.7, 1.05);
  const qbrPhase = rng.int(0, 2);
  const npsPhase = rng.int(0, 5);
  const meetFactor = MEETING_FACTOR[tier];
  const hasQbr = tier === 'strategic' || tier === 'growth';

  // per-month state
  let e = 0;
  const engaged: boolean[] = new Array(n).fill(false);
  const loginP: number[] = new Array(n).fill(0);
  const loginExtra: number[] = new Array(n).fill(0);
  let engagedList: number[] = [];
  let pickWeights: number[] = [];
  let featureWeights: number[] = [];
  let activeFeatures = 0;
  let featureP = 0;
  let featureExtra = 0;
  let rMeet = 0, rCancel = 0, rEmail = 0, rOutreach = 0, rSupport = 0, rTraining = 0, rMilestone = 0;
  let pOnTime = 0, pActive = 0, pExec = 0, pFollow = 0, pStrategic = 0, pReschedule = 0, pReply = 0;
  let qbrDay = -1, npsDay = -1;

  const pickEngaged = (weights: number[]): number => (engagedList.length ? engagedList[rng.weightedIndex(weights)]! : primary);

  const setupMonth = (k: number) => {
    e = levels[k]!;
    engagedList = [];
    for (let c = 0; c < n; c++) {
      engaged[c] = rng.chance(engagedP(contacts[c]!.role, e)) || (c === primary && e > 0.03);
      if (engaged[c]) engagedList.push(c);
      const role = contacts[c]!.role;
      const days = Math.min(WORKDAYS_PER_MONTH, loginDays(role, e) * (role === 'executive_sponsor' ? 1 : volume));
      loginP[c] = Math.min(0.95, days / WORKDAYS_PER_MONTH);
      loginExtra[c] = Math.max(0, loginTotal(role, e) / days - 1);
    }
    pickWeights = engagedList.map((c) => CONTACT_PICK_WEIGHT[contacts[c]!.role]);
    featureWeights = engagedList.map((c) => FEATURE_PICK_WEIGHT[contacts[c]!.role]);
    activeFeatures = clamp(Math.round(1 + 13 * e * featureCap), 1, featureOrder.length);
    featureP = Math.min(0.9, ((1.5 + 7 * e) * volume) / WORKDAYS_PER_MONTH);
    featureExtra = 1 + 6 * e * Math.min(2, engagedList.length / 4);
    const perDay = 1 / WORKDAYS_PER_MONTH;
    rMeet = (0.3 + 8 * e * e) * meetFactor * perDay;
    rCancel = (0.15 + 1.3 * (1 - e) * (1 - e)) * meetFactor * perDay;
    rEmail = (1 + 12 * e) * perDay;
    rOutreach = (2.5 + 3 * (1 - e)) * perDay;
    rSupport = (0.4 + 3.8 * e) * perDay;
    rTraining = (0.1 + 2.2 * e * e) * perDay;
    const young = monthStarts[k]! - startedAt < 180 * DAY_MS;
    rMilestone = (young ? 0.6 : 0.12) * (1 - e) * perDay;
    pOnTime = 0.5 + 0.45 * e;
    pActive = 0.2 + 0.75 * e;
    pFollow = 0.15 + 0.8 * e;
    pStrategic = 0.05 + 0.75 * e;
    pExec = sponsor >= 0 ? (engaged[sponsor] ? 0.25 + 0.7 * e : 0.03) : 0.03 + 0.3 * e;
    pReschedule = 0.3 + 0.65 * e;
    pReply = Math.min(0.98, 0.05 + e);
    const monthDays = Math.round((monthStarts[k + 1]! - monthStarts[k]!) / DAY_MS);
    const firstDay = Math.floor(monthStarts[k]! / DAY_MS);
    qbrDay = hasQbr && (k + qbrPhase) % 3 === 0 ? firstDay + rng.int(3, monthDays - 3) : -1;
    npsDay = (k + npsPhase) % 6 === 0 ? firstDay + rng.int(2, monthDays - 2) : -1;
  };

  const bool = (p: number) => (rng.next() < p ? 'true' : 'false');
  const firstDay = Math.floor(from / DAY_MS) - 1; // local times may start the day before in UTC
  const lastDay = Math.floor((to - 1) / DAY_MS) + 1;
  let k = -1;
  for (let day = firstDay; day <= lastDay; day++) {
    const dayStart = day * DAY_MS;
    const mk = monthIndexOf(range, dayStart);
    if (mk !== k) {
      k = mk;
      setupMonth(k);
    }
    const dow = (day + 4) % 7; // 0 = Sunday
    const workday = dow >= 1 && dow <= 5;
    const dayFactor = workday ? 1 : 0.1;

    // product logins: one row per active contact-day, `count` = logins that day
    for (let c = 0; c < n; c++) {
      if (!engaged[c] || rng.next() >= loginP[c]! * dayFactor) continue;
      push(dayStart, loginStart + Math.floor(rng.next() * loginLen), 'product.login', c, 1 + rng.poisson(loginExtra[c]!), null);
    }
    // feature use: one row per feature-day
    for (let f = 0; f < activeFeatures; f++) {
      if (rng.next() >= featureP * dayFactor) continue;
      push(dayStart, featureStart + Math.floor(rng.next() * featureLen), 'feature.used', pickEngaged(featureWeights), 1 + rng.poisson(featureExtra), featureProps[f]!);
    }
    if (!workday) continue;

    for (let i = rng.poisson(rMeet); i > 0; i--) {
      const exec = rng.next() < pExec;
      const contact = exec && sponsor >= 0 ? sponsor : pickEngaged(pickWeights);
      const props = `{"onTime":${bool(pOnTime)},"activeParticipation":${bool(pActive)},"executiveAttended":${exec},"followThrough":${bool(pFollow)},"strategic":${bool(pStrategic)}}`;
      push(dayStart, 540 + 30 * rng.int(0, 15), 'meeting.held', contact, 1, props);
    }
    for (let i = rng.poisson(rCancel); i > 0; i--) {
      push(dayStart, 540 + 30 * rng.int(0, 15), 'meeting.canceled', primary, 1, `{"rescheduled":${bool(pReschedule)}}`);
    }
    for (let i = rng.poisson(rEmail); i > 0; i--) {
      const sentiment = Math.round(clamp(rng.normal(-0.35 + 0.95 * e, 0.25), -1, 1) * 100) / 100;
      push(dayStart, 480 + Math.floor(rng.next() * 660), 'email.exchanged', pickEngaged(pickWeights), 1, `{"sentiment":${sentiment}}`);
    }
    for (let i = rng.poisson(rOutreach); i > 0; i--) {
      const minute = 480 + Math.floor(rng.next() * 540);
      const before = events.length;
      push(dayStart, minute, 'outreach.sent', primary, 1, null);
      if (events.length === before || rng.next() >= pReply) continue;
      const sent = events[events.length - 1]!.t;
      const hours = Math.round(Math.min(400, Math.exp(rng.normal(Math.log(3 + 90 * (1 - e) * (1 - e)), 0.6))) * 10) / 10;
      const t = sent + Math.max(60_000, Math.round(hours * HOUR_MS));
      if (t < to) events.push({ t, type: 'outreach.replied', contact: primary, count: 1, props: `{"responseHours":${hours}}` });
    }
    for (let i = rng.poisson(rSupport); i > 0; i--) {
      push(dayStart, 480 + Math.floor(rng.next() * 600), 'support.interaction', pickEngaged(featureWeights), 1, null);
    }
    for (let i = rng.poisson(rTraining); i > 0; i--) {
      push(dayStart, 600 + 60 * rng.int(0, 6), 'training.attended', pickEngaged(featureWeights), 1, null);
    }
    for (let i = rng.poisson(rMilestone); i > 0; i--) {
      push(dayStart, 540 + Math.floor(rng.next() * 480), 'milestone.missed', -1, 1, null);
    }
    if (day === qbrDay) {
      const held = rng.next() < 0.25 + 0.72 * e;
      const type = held ? 'qbr.held' : rng.next() < 0.55 ? 'qbr.declined' : 'qbr.no_show';
      const contact = held && sponsor >= 0 && engaged[sponsor] ? sponsor : primary;
      push(dayStart, 600 + 60 * rng.int(0, 6), type, contact, 1, null);
    }
    if (day === npsDay) {
      for (const c of engagedList) {
        if (rng.next() >= 0.2 + 0.4 * e) continue;
        const score = Math.round(clamp(rng.normal(2.5 + 7.5 * e, 1.6), 0, 10));
        push(dayStart + rng.int(0, 6) * DAY_MS, 480 + Math.floor(rng.next() * 720), 'nps.response', c, 1, `{"score":${score}}`);
      }
    }
  }

  // after a churn, at most a trickle of logins for a few weeks
  if (churnedAt !== null && churnedAt < end && rng.chance(0.5)) {
    const trickleTo = Math.min(end, churnedAt + 21 * DAY_MS);
    for (let day = Math.floor(churnedAt / DAY_MS) + 1; day * DAY_MS < trickleTo; day++) {
      if (rng.next() >= 0.08) continue;
      const t = day * DAY_MS + (loginStart + Math.floor(rng.next() * loginLen)) * MINUTE_MS - offsetMs;
      if (t >= churnedAt && t < trickleTo) events.push({ t, type: 'product.login', contact: primary, count: 1, props: null });
    }
  }

  events.sort((a, b) => a.t - b.t);
  return events;
}
