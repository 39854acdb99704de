/**
 * An experiment's definition, as the API, the form and the database hold it: a population, arms
 * with weights (the first is the baseline) each with its own programme (cadence intervals changed
 * per item, playbooks switched on or off), stratification, a seed, start and end, and what happens
 * to accounts that join the population later. Strict: unknown fields are refused by name.
 */
import { z } from 'zod';
import { MAX_EVERY_DAYS } from '@/lib/programme/cadence';
import { TIERS } from '@/lib/scoring/types';

export const MAX_ARMS = 6;
export const MAX_WEIGHT = 100;
export const MAX_POPULATION_IDS = 10_000;
export const MAX_OWNERS = 100;
export const MAX_DURATION_DAYS = 730;
/** The largest page of an experiment's assignments. */
export const MAX_ASSIGNMENTS_PAGE = 500;
/** How far back a start may be given (a form sent a minute after it was filled in is not refused). */
export const START_GRACE_MS = 24 * 3_600_000;
export const STRATA = ['tier', 'band', 'owner'] as const;
export type StratifyBy = (typeof STRATA)[number];
export const LATE_JOINERS = ['assign', 'exclude'] as const;
export type LateJoiners = (typeof LATE_JOINERS)[number];

const CONTROL = /[\u0000-\u001f\u007f]/;
const plain = (max: number, what: string) =>
  z.string({ error: `Enter ${what}` }).trim().max(max, `At most ${max} characters`).refine((s) => !CONTROL.test(s), 'No control characters');

export const experimentKey = z
  .string({ error: 'Enter a key, e.g. "weekly-calls"' })
  .trim()
  .min(1, 'Enter a key, e.g. "weekly-calls"')
  .max(60, 'At most 60 characters')
  .regex(/^[a-z][a-z0-9_-]*$/, 'Start with a lower-case letter; then letters, digits, "_" or "-"');
const armKey = z
  .string({ error: 'Enter a key, e.g. "weekly"' })
  .trim()
  .min(1, 'Enter a key, e.g. "weekly"')
  .max(40, 'At most 40 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lower-case letters, digits, "_" or "-"');
const itemKey = z.string().trim().min(1, 'Name the cadence item').max(60, 'At most 60 characters').regex(/^[a-z0-9][a-z0-9_-]*$/, 'A cadence item key');
const playbookKey = z.string().trim().min(1, 'Name the playbook').max(60, 'At most 60 characters').regex(/^[a-z0-9][a-z0-9_-]*$/, 'A playbook key');
const instant = (what: string) => z.iso.datetime({ offset: true, error: `${what}: an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z` });

/** A single value is taken as a list of one. */
const listOf = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(item).min(1, `Name at least one ${what}, or leave it out`).max(max, `At most ${max}`));

export const populationSchema = z.strictObject({
  tier: listOf(z.enum(TIERS, { error: `one of ${TIERS.join(', ')}` }), TIERS.length, 'tier').optional(),
  band: listOf(z.string().trim().min(1).max(40, 'At most 40 characters').regex(/^[A-Za-z0-9_-]+$/, 'A band key, e.g. "yellow"'), 10, 'band').optional(),
  owner: listOf(plain(320, 'an owner email').pipe(z.string().min(3, 'An owner email')), MAX_OWNERS, 'owner').optional(),
  accountIds: listOf(plain(200, 'an account id').pipe(z.string().min(1, 'An account id')), MAX_POPULATION_IDS, 'account id').optional(),
});

export const cadenceOverrideSchema = z.strictObject({
  item: itemKey,
  /** the item's interval in this arm; null: the arm does without the item */
  everyDays: z
    .number({ error: 'Enter a number of days, or null for none' })
    .int('Whole days')
    .min(1, 'At least every day')
    .max(MAX_EVERY_DAYS, `At most every ${MAX_EVERY_DAYS} days`)
    .nullable(),
});

export const armPlaybooksSchema = z.strictObject({
  /** playbooks that run for this arm even when switched off for everyone else */
  on: z.array(playbookKey).max(20, 'At most 20').default([]),
  /** playbooks that do not run for this arm ("all": none do, e.g. a holdout) */
  off: z.union([z.literal('all'), z.array(playbookKey).max(50, 'At most 50')], { error: '"all" or a list of playbook keys' }).default([]),
});

export const armSchema = z.strictObject({
  key: armKey,
  label: plain(80, 'a label').pipe(z.string().min(1, 'Enter a label people will read')),
  weight: z.number({ error: 'Enter a whole number' }).int('A whole number').min(1, 'At least 1').max(MAX_WEIGHT, `At most ${MAX_WEIGHT}`),
  cadence: z.array(cadenceOverrideSchema).max(12, 'At most 12 items').default([]),
  playbooks: armPlaybooksSchema.default({ on: [], off: [] }),
});

export const experimentSchema = z
  .strictObject({
    key: experimentKey,
    name: plain(120, 'a name').pipe(z.string().min(1, 'Enter a name')),
    hypothesis: plain(1000, 'the hypothesis').optional().nullable(),
    population: populationSchema.default({}),
    arms: z.array(armSchema, { error: 'List the arms: [{ key, label, weight }]' }).min(2, 'At least two arms: a baseline and a treatment').max(MAX_ARMS, `At most ${MAX_ARMS} arms`),
    stratifyBy: z.array(z.enum(STRATA, { error: `one of ${STRATA.join(', ')}` })).max(STRATA.length).default(['tier', 'band']),
    seed: z.number({ error: 'A whole number' }).int('A whole number').min(0, 'At least 0').max(2 ** 31 - 1, 'At most 2147483647').optional(),
    startAt: instant('startAt'),
    endAt: instant('endAt').optional().nullable(),
    /** accounts that join the population after the start: assigned as they come, or left out */
    lateJoiners: z.enum(LATE_JOINERS, { error: 'assign or exclude' }).default('assign'),
  })
  .superRefine((v, ctx) => {
    const arms = new Set<string>();
    v.arms.forEach((arm, i) => {
      if (arms.has(arm.key)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'key'], message: `"${arm.key}" is used by two arms` });
      arms.add(arm.key);
      const items = new Set<string>();
      arm.cadence.forEach((c, j) => {
        if (items.has(c.item)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'cadence', j, 'item'], message: `"${c.item}" is changed twice in this arm` });
        items.add(c.item);
      });
      const off = arm.playbooks.off;
      if (off !== 'all') {
        for (const [j, k] of arm.playbooks.on.entries()) if (off.includes(k)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'playbooks', 'on', j], message: `"${k}" is both on and off` });
      }
    });
    if (new Set(v.stratifyBy).size !== v.stratifyBy.length) ctx.addIssue({ code: 'custom', path: ['stratifyBy'], message: 'A dimension is named twice' });
    if (v.endAt) {
      const start = Date.parse(v.startAt);
      const end = Date.parse(v.endAt);
      if (end <= start) ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'The end must be after the start' });
      else if (end - start > MAX_DURATION_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['endAt'], message: `At most ${MAX_DURATION_DAYS} days after the start` });
    }
  });

export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentDefinition = z.infer<typeof experimentSchema>;
export type Population = z.infer<typeof populationSchema>;
export type Arm = z.infer<typeof armSchema>;
export type CadenceOverride = z.infer<typeof cadenceOverrideSchema>;

export type ExperimentState = 'planned' | 'running' | 'finished';

/** Planned before its start, running until its end (when it has one), finished after. */
export function stateOf(e: { startAt: number; endAt: number | null }, now: number): ExperimentState {
  if (now < e.startAt) return 'planned';
  if (e.endAt !== null && now >= e.endAt) return 'finished';
  return 'running';
}

/** Whether an account matches the population's filters (each one given must hold). */
export function inPopulation(p: Population, a: { id: string; tier: string | null; band: string | null; owner: string | null }): boolean {
  if (p.tier && !(a.tier !== null && (p.tier as string[]).includes(a.tier))) return false;
  if (p.band && !(a.band !== null && p.band.includes(a.band))) return false;
  if (p.owner && !(a.owner !== null && p.owner.some((o) => o.toLowerCase() === a.owner!.toLowerCase()))) return false;
  if (p.accountIds && !p.accountIds.includes(a.id)) return false;
  return true;
}

/**
 * Whether two populations can hold a common account, now or later: not when a filter both give
 * has no value in common.
 */
export function populationsMayOverlap(a: Population, b: Population): boolean {
  const disjoint = (x: readonly string[] | undefined, y: readonly string[] | undefined, fold = false) => {
    if (!x || !y) return false;
    const ys = new Set(y.map((v) => (fold ? v.toLowerCase() : v)));
    return !x.some((v) => ys.has(fold ? v.toLowerCase() : v));
  };
  return !(disjoint(a.tier, b.tier) || disjoint(a.band, b.band) || disjoint(a.owner, b.owner, true) || disjoint(a.accountIds, b.accountIds));
}

/**
 * What an arm changes of the programme, as names: `cadence:<item>` per item it overrides,
 * `playbook:<key>` per playbook it switches on or off, `playbook:*` when it switches them all off.
 * Two experiments that change a common thing cannot run on the same account at once.
 */
export function programmeChanges(arms: readonly Pick<Arm, 'cadence' | 'playbooks'>[]): Set<string> {
  const out = new Set<string>();
  for (const arm of arms) {
    for (const c of arm.cadence) out.add(`cadence:${c.item}`);
    for (const k of arm.playbooks.on) out.add(`playbook:${k}`);
    if (arm.playbooks.off === 'all') out.add('playbook:*');
    else for (const k of arm.playbooks.off) out.add(`playbook:${k}`);
  }
  return out;
}

/** The changes two experiments both make (`playbook:*` meets every playbook), in words for an error. */
export function commonChanges(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const c of a) if (b.has(c)) out.add(c);
  const playbooks = (s: ReadonlySet<string>) => [...s].filter((c) => c.startsWith('playbook:'));
  if (a.has('playbook:*')) for (const c of playbooks(b)) out.add(c);
  if (b.has('playbook:*')) for (const c of playbooks(a)) out.add(c);
  return [...out].sort().map((c) => (c === 'playbook:*' ? 'the playbooks' : c.startsWith('cadence:') ? `the cadence item "${c.slice(8)}"` : `the playbook "${c.slice(9)}"`));
}
