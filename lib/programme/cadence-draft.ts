/**
 * The cadence editor's working copy: the cadence with a stable id per item (list keys survive
 * reordering) and the edits the form makes. Pure: the editor (client) and its tests use it.
 */
import { TIERS, type Tier } from '@/lib/scoring/types';
import { MAX_FULFILLERS, MAX_ITEMS_PER_TIER, type Cadence, type CadenceItem, type Fulfiller } from './cadence';

export interface DraftFulfiller extends Fulfiller {
  uid: number;
}
export interface DraftItem extends Omit<CadenceItem, 'fulfilledBy'> {
  uid: number;
  fulfilledBy: DraftFulfiller[];
}
export type CadenceDraft = Record<Tier, DraftItem[]>;

let lastUid = 0;
const uid = () => ++lastUid;

export function draftOf(cadence: Cadence): CadenceDraft {
  const out = {} as CadenceDraft;
  for (const tier of TIERS) {
    out[tier] = cadence.tiers[tier].map((item) => ({ ...item, uid: uid(), fulfilledBy: item.fulfilledBy.map((f) => ({ ...f, uid: uid() })) }));
  }
  return out;
}

/** The cadence a draft stands for, as `publishCadence` takes it (no ids; no empty property). */
export function cadenceOf(draft: CadenceDraft): Cadence {
  const tiers = {} as Cadence['tiers'];
  for (const tier of TIERS) {
    tiers[tier] = draft[tier].map(({ key, label, everyDays, fulfilledBy }) => ({
      key,
      label,
      everyDays,
      fulfilledBy: fulfilledBy.map(({ trigger, property }) => (property ? { trigger, property } : { trigger })),
    }));
  }
  return { tiers };
}

/** The list with the entry at `from` moved to `to` (out of range: unchanged). */
export function moveEntry<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return [...list];
  const out = [...list];
  const [moved] = out.splice(from, 1);
  out.splice(to, 0, moved!);
  return out;
}

/** A key not used by the tier yet: "item", then "item-2", "item-3"... */
export function freeKey(items: readonly { key: string }[], base = 'item'): string {
  const used = new Set(items.map((i) => i.key));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** A new item for a tier: monthly, fulfilled by `trigger`. Null when the tier is full. */
export function newItem(items: readonly DraftItem[], trigger: string): DraftItem | null {
  if (items.length >= MAX_ITEMS_PER_TIER) return null;
  return { uid: uid(), key: freeKey(items), label: '', everyDays: 30, fulfilledBy: [{ uid: uid(), trigger }] };
}

/** A new fulfilling trigger for an item. Null when the item has as many as it may. */
export function newFulfiller(item: DraftItem, trigger: string): DraftFulfiller | null {
  return item.fulfilledBy.length >= MAX_FULFILLERS ? null : { uid: uid(), trigger };
}

/** Whether the draft says something else than the cadence (ids aside). */
export function draftChanged(draft: CadenceDraft, cadence: Cadence): boolean {
  return JSON.stringify(cadenceOf(draft)) !== JSON.stringify(cadenceOf(draftOf(cadence)));
}
