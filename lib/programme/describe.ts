/**
 * The programme's settings in words, for the admin pages (cadence, playbooks) and anywhere else
 * they are shown. Pure: importable by client components.
 */
import type { z } from 'zod';
import { formatPath } from '@/lib/scoring/schema';
import type { Tier } from '@/lib/scoring/types';
import { everyLabel, type Fulfiller } from './cadence';

export const TIER_NAMES: Record<Tier, string> = { strategic: 'Strategic', growth: 'Growth', core: 'Core', nurture: 'Nurture' };

/** "every 7 days (weekly)", "every 45 days", "every day (daily)" */
export function intervalText(days: number): string {
  const base = days === 1 ? 'every day' : `every ${days} days`;
  const plain = everyLabel(days);
  return plain === base ? base : `${base} (${plain})`;
}

/** "Meeting held", "Meeting held with executiveAttended"; a trigger the catalogue lacks shows by its key. */
export function fulfillerText(f: Fulfiller, triggerLabels: ReadonlyMap<string, string>): string {
  const label = triggerLabels.get(f.trigger) ?? f.trigger;
  return f.property ? `${label} with ${f.property}` : label;
}

/** "All tiers", "Strategic", "Strategic and growth", "Strategic, growth and core" */
export function tiersText(tiers: readonly Tier[] | null | undefined): string {
  if (!tiers || tiers.length === 0) return 'All tiers';
  const names = tiers.map((t, i) => (i === 0 ? TIER_NAMES[t] : TIER_NAMES[t].toLowerCase()));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** When a step's task is due after the playbook fires: "the same day", "within 1 day", "within 5 days". */
export function dueText(days: number): string {
  if (days === 0) return 'the same day';
  return `within ${days} day${days === 1 ? '' : 's'}`;
}

/** A path as the commands and forms name a field: `tiers.growth[0].everyDays`; the whole input is `(root)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length ? formatPath(path) : '(root)';
}

/** The problems of a value for a schema, first message per field, by `issuePath` (empty when it is valid). */
export function issuesByPath(schema: z.ZodType, value: unknown): Map<string, string> {
  const parsed = schema.safeParse(value);
  const out = new Map<string, string>();
  if (parsed.success) return out;
  for (const issue of parsed.error.issues) {
    const path = issuePath(issue.path);
    if (!out.has(path)) out.set(path, issue.message);
  }
  return out;
}
