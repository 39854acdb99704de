import { describe, expect, it } from 'vitest';
import { DEFAULT_CADENCE, MAX_FULFILLERS, MAX_ITEMS_PER_TIER } from './cadence';
import { cadenceOf, draftChanged, draftOf, freeKey, moveEntry, newFulfiller, newItem } from './cadence-draft';

describe('the cadence editor draft', () => {
  it('gives every item and trigger its own id, and drops them again for publishing', () => {
    const draft = draftOf(DEFAULT_CADENCE);
    const ids = [...draft.strategic, ...draft.growth, ...draft.core].flatMap((i) => [i.uid, ...i.fulfilledBy.map((f) => f.uid)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(cadenceOf(draft)).toEqual(DEFAULT_CADENCE);
    expect(draftChanged(draft, DEFAULT_CADENCE)).toBe(false);
  });

  it('leaves out an emptied property and sees any edit as a change', () => {
    const draft = draftOf(DEFAULT_CADENCE);
    draft.strategic[2]!.fulfilledBy[0]!.property = undefined;
    expect(cadenceOf(draft).tiers.strategic[2]!.fulfilledBy[0]).toEqual({ trigger: 'meeting.held' });
    expect(draftChanged(draft, DEFAULT_CADENCE)).toBe(true);
    const reordered = draftOf(DEFAULT_CADENCE);
    reordered.growth = moveEntry(reordered.growth, 0, 2);
    expect(cadenceOf(reordered).tiers.growth.map((i) => i.key)).toEqual(['business-review', 'executive-checkin', 'touchpoint']);
    expect(draftChanged(reordered, DEFAULT_CADENCE)).toBe(true);
  });

  it('moves an entry only within the list', () => {
    expect(moveEntry(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveEntry(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveEntry(['a', 'b', 'c'], 2, 3)).toEqual(['a', 'b', 'c']);
  });

  it('gives a new item a key the tier does not use, and stops at the limits', () => {
    expect(freeKey([])).toBe('item');
    expect(freeKey([{ key: 'item' }, { key: 'item-2' }])).toBe('item-3');
    const items = draftOf(DEFAULT_CADENCE).growth;
    const added = newItem(items, 'qbr.held')!;
    expect(added).toMatchObject({ key: 'item', label: '', everyDays: 30, fulfilledBy: [{ trigger: 'qbr.held' }] });
    const full = Array.from({ length: MAX_ITEMS_PER_TIER }, (_, i) => ({ ...added, uid: i, key: `k${i}` }));
    expect(newItem(full, 'qbr.held')).toBeNull();
    expect(newFulfiller({ ...added, fulfilledBy: Array.from({ length: MAX_FULFILLERS }, (_, i) => ({ uid: i, trigger: 't' })) }, 't')).toBeNull();
    expect(newFulfiller(added, 'email.exchanged')).toMatchObject({ trigger: 'email.exchanged' });
  });
});
