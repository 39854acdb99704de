/** Window summaries: boundaries, unsorted buckets, medians from aggregates. */
import { describe, expect, it } from 'vitest';
import { buildActivity } from './activity';
import type { AccountActivity } from './types';
import { countOf, DAY_MS, endOfUtcDay, engagedContactIds, contactCountOf, medianOf, propOf, summarizeWindow, summarizeWindows } from './window';

const D = Date.UTC(2026, 2, 1);

describe('endOfUtcDay', () => {
  it('is the start of the next UTC day, so the window includes today', () => {
    expect(endOfUtcDay(D)).toBe(D + DAY_MS);
    expect(endOfUtcDay(D + 13 * 3_600_000)).toBe(D + DAY_MS);
    expect(endOfUtcDay(D + DAY_MS - 1)).toBe(D + DAY_MS);
  });
});

describe('summarizeWindow', () => {
  it('is half-open [from, to)', () => {
    const a = buildActivity([
      { type: 'x', occurredAt: D - 1 },
      { type: 'x', occurredAt: D, count: 2, contactId: 'c1', properties: { ok: true, h: 3 } },
      { type: 'x', occurredAt: D + DAY_MS, count: 4 },
    ]);
    const w = summarizeWindow(a, D, D + DAY_MS);
    expect(countOf(w, ['x'])).toBe(2);
    expect(propOf(w, 'x', 'ok')).toMatchObject({ t: 2 });
    expect(propOf(w, 'x', 'h')).toMatchObject({ s: 6, c: 2, vc: 2 });
    expect(engagedContactIds(w)).toEqual(['c1']);
    expect(contactCountOf(w, 'c1')).toBe(2);
  });

  it('summarises both windows in one pass and resolves the outreach run on unsorted buckets', () => {
    const a: AccountActivity = {
      firstActivityAt: D - 40 * DAY_MS,
      contacts: [],
      features: [],
      types: [
        { t: D - 2 * DAY_MS, type: 'outreach.sent', n: 2 },
        { t: D - 5 * DAY_MS, type: 'outreach.replied', n: 1 },
        { t: D - 5 * DAY_MS, type: 'outreach.sent', n: 7 },
        { t: D - 1 * DAY_MS, type: 'outreach.sent', n: 1 },
        { t: D - 40 * DAY_MS, type: 'outreach.sent', n: 3 },
      ],
    };
    const { current, previous } = summarizeWindows(a, D, 30);
    expect(current.outreach).toEqual({ sent: 3, lastReplyAt: D - 5 * DAY_MS });
    expect(previous.outreach).toEqual({ sent: 3, lastReplyAt: null });
    expect(countOf(current, ['outreach.sent'])).toBe(10);
  });
});

describe('medianOf', () => {
  it('uses kept values and stands in with the mean for buckets that did not keep them', () => {
    expect(medianOf({ t: 0, s: 10, c: 3, vs: [[1, 2, 7]], vc: 3 })).toBe(2);
    // 2 kept values (1, 3) and 2 more of unknown value summing 16 -> 8, 8: median of 1, 3, 8, 8 = 5.5
    expect(medianOf({ t: 0, s: 20, c: 4, vs: [[1, 3]], vc: 2 })).toBe(5.5);
    expect(medianOf({ t: 0, s: 0, c: 0, vs: null, vc: 0 })).toBeNull();
    expect(medianOf(undefined)).toBeNull();
  });
});
