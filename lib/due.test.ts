import { describe, expect, it } from 'vitest';
import { dueWords } from './due';

const at = (iso: string) => Date.parse(iso);

describe('when something is due, in words', () => {
  const now = at('2026-12-07T08:05:00Z');

  it('counts calendar days (UTC), not 24-hour spans', () => {
    expect(dueWords('2026-12-08T08:00:00Z', now).words).toBe('Due in 1 day');
    expect(dueWords('2026-12-07T23:59:00Z', now).words).toBe('Due today');
    expect(dueWords('2026-12-10T00:00:00Z', now).words).toBe('Due in 3 days');
  });

  it('says how long something is overdue, and since today when it fell due earlier today', () => {
    expect(dueWords('2026-12-07T08:00:00Z', now)).toEqual({ overdue: true, words: 'Overdue since today' });
    expect(dueWords('2026-12-06T23:00:00Z', now).words).toBe('Overdue by 1 day');
    expect(dueWords('2026-10-29T00:00:00Z', now).words).toBe('Overdue by 39 days');
    expect(dueWords('2025-10-21T00:00:00Z', now, true).words).toBe('Overdue: never done');
  });
});
