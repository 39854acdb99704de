/**
 * The ideal engagement cadence per tier (the framework SCORING.md follows): which touchpoints an
 * account of each tier calls for, how often, and which events fulfil each one. Pure: no I/O.
 *
 * A touch is what the database keeps per account (account_touches): a trigger key, or
 * `trigger#property` for events of that trigger whose property is true (an executive check-in is
 * a meeting the executive attended).
 */
import { z } from 'zod';
import { TIERS, type Tier } from '@/lib/scoring/types';

export const DAY_MS = 86_400_000;
/** The longest interval an item may ask for (two years). */
export const MAX_EVERY_DAYS = 730;
export const MAX_ITEMS_PER_TIER = 12;
export const MAX_FULFILLERS = 10;

const itemKey = z
  .string()
  .trim()
  .min(1, 'Enter a key, e.g. "touchpoint"')
  .max(60, 'At most 60 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lower-case letters, digits, "_" or "-"');
const triggerKey = z.string().trim().min(1, 'Name the trigger that fulfils this item').max(100, 'At most 100 characters');
const propertyName = z
  .string()
  .trim()
  .min(1)
  .max(60, 'At most 60 characters')
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'A property name is letters, digits and "_"');

export const fulfillerSchema = z.strictObject({
  trigger: triggerKey,
  /** only events whose property is true (e.g. `executiveAttended`) */
  property: propertyName.optional(),
});

export const cadenceItemSchema = z.strictObject({
  key: itemKey,
  label: z.string().trim().min(1, 'Enter a label people will read').max(80, 'At most 80 characters'),
  everyDays: z
    .number({ error: 'Enter a number of days' })
    .int('Whole days')
    .min(1, 'At least every day')
    .max(MAX_EVERY_DAYS, `At most every ${MAX_EVERY_DAYS} days`),
  fulfilledBy: z.array(fulfillerSchema).min(1, 'Name at least one trigger that fulfils it').max(MAX_FULFILLERS, `At most ${MAX_FULFILLERS} triggers`),
});

const tierItems = z
  .array(cadenceItemSchema)
  .max(MAX_ITEMS_PER_TIER, `At most ${MAX_ITEMS_PER_TIER} items per tier`)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.key)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `"${item.key}" is used twice in this tier` });
      seen.add(item.key);
    });
  });

export const cadenceSchema = z.strictObject({
  tiers: z.strictObject({ strategic: tierItems, growth: tierItems, core: tierItems, nurture: tierItems }),
});

export type Fulfiller = z.infer<typeof fulfillerSchema>;
export type CadenceItem = z.infer<typeof cadenceItemSchema>;
export type Cadence = z.infer<typeof cadenceSchema>;

const touchpoint = (everyDays: number): CadenceItem => ({
  key: 'touchpoint',
  label: 'CSM touchpoint',
  everyDays,
  fulfilledBy: [{ trigger: 'meeting.held' }, { trigger: 'email.exchanged' }],
});
const review = (everyDays: number): CadenceItem => ({ key: 'business-review', label: 'Business review', everyDays, fulfilledBy: [{ trigger: 'qbr.held' }] });
const executive = (everyDays: number): CadenceItem => ({
  key: 'executive-checkin',
  label: 'Executive check-in',
  everyDays,
  fulfilledBy: [{ trigger: 'meeting.held', property: 'executiveAttended' }],
});

/**
 * The framework's defaults: strategic: touchpoint weekly, business review quarterly, executive
 * check-in monthly; growth: touchpoints every two weeks, review quarterly, executive twice a year;
 * core: touchpoints monthly, review yearly; nurture: none (automated only).
 */
export const DEFAULT_CADENCE: Cadence = {
  tiers: {
    strategic: [touchpoint(7), review(91), executive(30)],
    growth: [touchpoint(14), review(91), executive(182)],
    core: [touchpoint(30), review(365)],
    nurture: [],
  },
};

export function touchOf(f: Fulfiller): string {
  return f.property ? `${f.trigger}#${f.property}` : f.trigger;
}

/** Every touch a cadence reads, with the trigger and property it stands for. */
export function touchesOf(cadence: Cadence): Map<string, Fulfiller> {
  const touches = new Map<string, Fulfiller>();
  for (const tier of TIERS) for (const item of cadence.tiers[tier]) for (const f of item.fulfilledBy) touches.set(touchOf(f), f);
  return touches;
}

/** Trigger keys a cadence names (for checking them against the catalogue). */
export function triggersOf(cadence: Cadence): { trigger: string; path: string }[] {
  const out: { trigger: string; path: string }[] = [];
  for (const tier of TIERS) {
    cadence.tiers[tier].forEach((item, i) => item.fulfilledBy.forEach((f, j) => out.push({ trigger: f.trigger, path: `tiers.${tier}[${i}].fulfilledBy[${j}].trigger` })));
  }
  return out;
}

/** The items a tier calls for; none for no tier or a name that is not a tier. */
export function itemsOfTier(cadence: Cadence, tier: string | null): CadenceItem[] {
  return tier !== null && Object.hasOwn(cadence.tiers, tier) ? cadence.tiers[tier as Tier] : [];
}

export interface CadenceStatusItem {
  key: string;
  label: string;
  everyDays: number;
  /** when it was last done (null: never) */
  lastAt: number | null;
  /** what did it last */
  lastTouch: string | null;
  dueAt: number;
}

/**
 * An account's cadence items from its last touches. An item never done is due `everyDays` after
 * the account started (`since`), so a new account is not overdue on its first day.
 */
export function cadenceStatus(cadence: Cadence, tier: Tier | null, touches: ReadonlyMap<string, number>, since: number): CadenceStatusItem[] {
  return tier ? statusOfItems(cadence.tiers[tier], touches, since) : [];
}

/** `cadenceStatus` of a list of items (a tier's, or a tier's under an experiment arm's programme). */
export function statusOfItems(items: readonly CadenceItem[], touches: ReadonlyMap<string, number>, since: number): CadenceStatusItem[] {
  return items.map((item) => {
    let lastAt: number | null = null;
    let lastTouch: string | null = null;
    for (const f of item.fulfilledBy) {
      const touch = touchOf(f);
      const at = touches.get(touch);
      if (at !== undefined && (lastAt === null || at > lastAt)) {
        lastAt = at;
        lastTouch = touch;
      }
    }
    return { key: item.key, label: item.label, everyDays: item.everyDays, lastAt, lastTouch, dueAt: (lastAt ?? since) + item.everyDays * DAY_MS };
  });
}

export const isOverdue = (item: { dueAt: number }, now: number): boolean => item.dueAt < now;

/** "every 7 days", "every 2 weeks", "monthly", "quarterly", "yearly" */
export function everyLabel(days: number): string {
  if (days === 1) return 'daily';
  if (days === 7) return 'weekly';
  if (days === 14) return 'every 2 weeks';
  if (days >= 28 && days <= 31) return 'monthly';
  if (days >= 89 && days <= 92) return 'quarterly';
  if (days >= 180 && days <= 184) return 'twice a year';
  if (days >= 364 && days <= 366) return 'yearly';
  return `every ${days} days`;
}
