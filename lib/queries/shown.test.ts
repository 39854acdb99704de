import { describe, expect, it } from 'vitest';
import { MAX_SHOWN, shownOf, shownParam } from './shown';

describe('shown', () => {
  it('takes a whole number from 1 to MAX_SHOWN from a URL, else the page size', () => {
    expect(shownOf('75', 25)).toBe(75);
    expect(shownOf(String(MAX_SHOWN), 25)).toBe(MAX_SHOWN);
    for (const bad of [null, undefined, '', '0', '-5', '2.5', 'ten', '1000001', '12345678', ' 7']) expect(shownOf(bad, 25)).toBe(25);
  });

  it('refuses the same values on the data routes, saying what it must be', () => {
    expect(shownParam.parse('50')).toBe(50);
    for (const bad of ['0', '1000001', 'ten', '-5', '2.5']) {
      const result = shownParam.safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('a whole number from 1 to 1000000');
    }
  });
});
