/**
 * Playbooks: rules that give the account's owner tasks when a condition starts to hold on an
 * account (a band drop, a flag raised, a renewal coming up, an overdue cadence item, a score under
 * the tier's target). Pure: the conditions are judged on a plain snapshot of the account.
 *
 * A playbook fires once per episode: when its condition starts to hold it opens a run and creates
 * its steps as tasks; it does not fire again while the condition holds; when the condition ends,
 * the run ends and (if the playbook says so) its open tasks close themselves.
 */
import { z } from 'zod';
import { TIERS, type Tier } from '@/lib/scoring/types';
import { DAY_MS } from './cadence';
import { formatUtcDay } from '@/lib/format';

export const MAX_STEPS = 10;
/** The longest renewal window a playbook may watch. */
export const MAX_RENEWAL_DAYS = 365;

const bandKey = z.string().trim().min(1, 'Choose a band').max(40);

export const conditionSchema = z.discriminatedUnion(
  'kind',
  [
    /** the band is this one or worse (it fell there) */
    z.strictObject({ kind: z.literal('band'), band: bandKey }),
    /** a flag is open (any flag, one key, or one severity) */
    z.strictObject({
      kind: z.literal('flag'),
      flag: z.string().trim().min(1).max(100).optional(),
      severity: z.enum(['red', 'yellow']).optional(),
    }),
    /** the renewal date is within this many days */
    z.strictObject({
      kind: z.literal('renewal'),
      withinDays: z.number({ error: 'Enter a number of days' }).int('Whole days').min(1, 'At least 1 day').max(MAX_RENEWAL_DAYS, `At most ${MAX_RENEWAL_DAYS} days`),
    }),
    /** a cadence item is overdue (any item, or one key) */
    z.strictObject({ kind: z.literal('cadence_overdue'), item: z.string().trim().min(1).max(60).optional() }),
    /** the score is under the tier's target */
    z.strictObject({ kind: z.literal('below_target') }),
  ],
  { error: 'Choose what makes the playbook fire' },
);

export const stepSchema = z.strictObject({
  title: z.string().trim().min(1, 'Enter what to do').max(200, 'At most 200 characters'),
  dueInDays: z.number({ error: 'Enter a number of days' }).int('Whole days').min(0, 'Today at the earliest').max(365, 'At most 365 days'),
});

export const playbookSchema = z.strictObject({
  key: z
    .string()
    .trim()
    .min(1, 'Enter a key, e.g. "red-save-play"')
    .max(60, 'At most 60 characters')
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lower-case letters, digits, "_" or "-"'),
  name: z.string().trim().min(1, 'Enter a name').max(120, 'At most 120 characters'),
  description: z.string().trim().max(500, 'At most 500 characters').optional().nullable(),
  condition: conditionSchema,
  tiers: z.array(z.enum(TIERS)).max(TIERS.length).nullable().optional(),
  steps: z.array(stepSchema).min(1, 'Add at least one step').max(MAX_STEPS, `At most ${MAX_STEPS} steps`),
  autoClose: z.boolean().default(true),
  active: z.boolean().default(true),
});

export type PlaybookCondition = z.infer<typeof conditionSchema>;
export type PlaybookStep = z.infer<typeof stepSchema>;
export type PlaybookInput = z.input<typeof playbookSchema>;
export type PlaybookDefinition = z.infer<typeof playbookSchema>;

/** What the conditions are judged on: one account, now. */
export interface AccountSituation {
  tier: Tier | null;
  score: number | null;
  band: string | null;
  /** bands from best to worst (the live model's order) with their labels */
  bands: readonly { key: string; label: string }[];
  /** when the account last fell into its current band, and to what score (null: not known) */
  bandSince: { at: number; score: number | null } | null;
  /** the tier's target score (null: none) */
  target: number | null;
  belowTarget: boolean;
  flags: readonly { key: string; label: string; severity: 'red' | 'yellow'; raisedAt: number; evidence: string }[];
  renewalDate: number | null;
  cadence: readonly { key: string; label: string; everyDays: number; lastAt: number | null; dueAt: number }[];
}

export interface Verdict {
  holds: boolean;
  /** why it holds, in words (empty when it does not) */
  reason: string;
}

const NO: Verdict = { holds: false, reason: '' };
/** A condition that holds; its reason is put in words only when read (most judgements only need `holds`). */
const yes = (explain: () => string): Verdict => ({
  holds: true,
  get reason() {
    return explain();
  },
});

/** "4 Dec", with the year when it is not the current one. */
const DAY_MONTH = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function shortDate(ms: number, now: number): string {
  const sameYear = new Date(ms).getUTCFullYear() === new Date(now).getUTCFullYear();
  return sameYear ? DAY_MONTH.format(ms) : formatUtcDay(ms);
}

const one = (n: number) => n.toFixed(1);

/** A label inside a sentence: "Business review" -> "business review"; an acronym ("CSM touchpoint") stays. */
export function lowerFirst(label: string): string {
  return /^\p{Lu}\p{Lu}/u.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** Whether the condition holds on this account now, and why. */
export function judge(condition: PlaybookCondition, tiers: readonly Tier[] | null | undefined, s: AccountSituation, now: number): Verdict {
  if (tiers && tiers.length && (!s.tier || !tiers.includes(s.tier))) return NO;
  switch (condition.kind) {
    case 'band': {
      const want = s.bands.findIndex((b) => b.key === condition.band);
      const at = s.band === null ? -1 : s.bands.findIndex((b) => b.key === s.band);
      if (want < 0 || at < 0 || at < want || s.score === null) return NO;
      const { band, bandSince } = s;
      const label = s.bands[at]!.label;
      const score = bandSince?.score ?? s.score;
      return yes(() => `Created because the score fell to ${one(score)} (${band}, “${label}”)${bandSince ? ` on ${shortDate(bandSince.at, now)}` : ''}`);
    }
    case 'flag': {
      const flag = s.flags.find((f) => (!condition.flag || f.key === condition.flag) && (!condition.severity || f.severity === condition.severity));
      if (!flag) return NO;
      return yes(() => `Created because the ${flag.severity} flag “${flag.label}” was raised on ${shortDate(flag.raisedAt, now)}: ${flag.evidence}`);
    }
    case 'renewal': {
      const renewal = s.renewalDate;
      if (renewal === null || renewal < now || renewal > now + condition.withinDays * DAY_MS) return NO;
      const days = Math.ceil((renewal - now) / DAY_MS);
      return yes(() => `Created because the renewal is on ${shortDate(renewal, now)}, in ${days} day${days === 1 ? '' : 's'}`);
    }
    case 'cadence_overdue': {
      let item: AccountSituation['cadence'][number] | undefined;
      for (const c of s.cadence) if ((!condition.item || c.key === condition.item) && c.dueAt < now && (!item || c.dueAt < item.dueAt)) item = c;
      if (!item) return NO;
      const overdue = item;
      return yes(() => {
        const last = overdue.lastAt === null ? 'never done' : `last on ${shortDate(overdue.lastAt, now)}`;
        return `Created because the ${lowerFirst(overdue.label)} was due on ${shortDate(overdue.dueAt, now)} (every ${overdue.everyDays} days; ${last})`;
      });
    }
    case 'below_target': {
      const { score, target, tier } = s;
      if (!s.belowTarget || score === null || target === null) return NO;
      return yes(() => `Created because the score ${one(score)} is under the ${tier} target of ${target}`);
    }
  }
}

/** The condition in words, for lists and the editor ("The band falls to red or worse"). */
export function describeCondition(condition: PlaybookCondition, bands: readonly { key: string; label: string }[] = []): string {
  switch (condition.kind) {
    case 'band': {
      const label = bands.find((b) => b.key === condition.band)?.label;
      return `The band falls to ${condition.band}${label ? ` (${label})` : ''} or worse`;
    }
    case 'flag':
      return condition.flag ? `The flag “${condition.flag}” is raised` : condition.severity ? `A ${condition.severity} flag is raised` : 'Any flag is raised';
    case 'renewal':
      return `The renewal is within ${condition.withinDays} days`;
    case 'cadence_overdue':
      return condition.item ? `The cadence item “${condition.item}” is overdue` : 'A cadence item is overdue';
    case 'below_target':
      return 'The score is under the tier’s target';
  }
}

/** The demo's and a new install's starting playbooks (admins edit them). */
export const DEFAULT_PLAYBOOKS: PlaybookInput[] = [
  {
    key: 'red-save-play',
    name: 'Save play for disengaged accounts',
    description: 'The score fell into the red band: escalate and find out why.',
    condition: { kind: 'band', band: 'red' },
    steps: [
      { title: 'Call the champion to find the root cause', dueInDays: 1 },
      { title: 'Agree an executive escalation and a recovery plan with your manager', dueInDays: 3 },
    ],
    autoClose: true,
  },
  {
    key: 'renewal-prep',
    name: 'Renewal preparation',
    description: 'Sixty days before the renewal: confirm the value and the decision makers.',
    condition: { kind: 'renewal', withinDays: 60 },
    steps: [
      { title: 'Confirm the decision makers and the renewal process', dueInDays: 5 },
      { title: 'Hold a value review with the executive sponsor', dueInDays: 21 },
    ],
    autoClose: false,
  },
  {
    key: 'overdue-touchpoint',
    name: 'Touchpoint overdue',
    description: 'The account has gone longer than its tier’s cadence without a CSM touchpoint.',
    condition: { kind: 'cadence_overdue', item: 'touchpoint' },
    tiers: ['strategic', 'growth'],
    steps: [{ title: 'Schedule a check-in call', dueInDays: 2 }],
    autoClose: true,
  },
];
