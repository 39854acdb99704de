import { describe, expect, it } from 'vitest';
import { formatDay } from '@/components/accounts/as-of';
import { formatCompact, formatCount, formatUtcDay } from './format';

describe('formatUtcDay', () => {
  it('writes the UTC day, whatever the time of day', () => {
    expect(formatUtcDay('2026-07-04T00:00:00Z')).toBe('4 Jul 2026');
    expect(formatUtcDay('2026-07-04T23:59:59.999Z')).toBe('4 Jul 2026');
    expect(formatUtcDay(Date.UTC(2014, 2, 1))).toBe('1 Mar 2014');
    expect(formatDay('2014-03-01')).toBe('1 Mar 2014');
    expect(formatDay('2024-02-29')).toBe('29 Feb 2024');
  });

  it('agrees with toLocaleDateString in UTC on days spread over a century', () => {
    for (let i = 0; i < 2_000; i++) {
      const at = Date.UTC(1970, 0, 1) + Math.floor(((i * 7919) % 36_524) * 86_400_000 + ((i * 104_729) % 86_400_000));
      const day = new Date(at).toISOString().slice(0, 10);
      const expected = new Date(at).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
      expect(formatUtcDay(at)).toBe(expected);
      expect(formatDay(day)).toBe(expected);
    }
  });
});

describe('counts', () => {
  it('groups thousands and shortens large figures', () => {
    expect(formatCount(1_554)).toBe('1,554');
    expect(formatCompact(9_956_494)).toBe('10M');
  });
});
