/**
 * An arm's programme applied to an account (pure): the cadence items of its tier with the arm's
 * intervals (an item the tier lacks is added from the tier that has it; `null` drops the item),
 * and whether a playbook runs for it.
 */
import { itemsOfTier, type Cadence, type CadenceItem } from '@/lib/programme/cadence';
import type { Arm } from './definition';

export type ArmProgramme = Pick<Arm, 'cadence' | 'playbooks'>;

/** The first definition of an item in the cadence, whichever tier has it. */
export function findItem(cadence: Cadence, key: string): CadenceItem | null {
  for (const items of Object.values(cadence.tiers)) for (const item of items) if (item.key === key) return item;
  return null;
}

/** A tier's cadence items under an arm's programme (the tier's own without one). */
export function armItems(cadence: Cadence, tier: string | null, arm: ArmProgramme | null | undefined): CadenceItem[] {
  const items = itemsOfTier(cadence, tier);
  if (!arm || !arm.cadence.length || tier === null || !Object.hasOwn(cadence.tiers, tier)) return items;
  const overrides = new Map(arm.cadence.map((c) => [c.item, c.everyDays]));
  const out: CadenceItem[] = [];
  for (const item of items) {
    if (!overrides.has(item.key)) out.push(item);
    else {
      const every = overrides.get(item.key)!;
      if (every !== null) out.push({ ...item, everyDays: every });
      overrides.delete(item.key);
    }
  }
  for (const [key, every] of overrides) {
    const item = every === null ? null : findItem(cadence, key);
    if (item) out.push({ ...item, everyDays: every! });
  }
  return out;
}

/** Whether a playbook runs for an account of this arm (`active`: whether it is on for everyone). */
export function playbookRuns(key: string, active: boolean, arm: ArmProgramme | null | undefined): boolean {
  if (!arm) return active;
  if (arm.playbooks.on.includes(key)) return true;
  if (arm.playbooks.off === 'all' || arm.playbooks.off.includes(key)) return false;
  return active;
}
