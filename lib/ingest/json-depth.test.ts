import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-depth';

describe('jsonDepth', () => {
  it('counts how deep arrays and objects nest, ignoring brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('[]')).toBe(1);
    expect(jsonDepth('[{"a":[1,{"b":2}]},{}]')).toBe(4);
    expect(jsonDepth('[{"a":"[[[[{{{{"}]')).toBe(2);
    expect(jsonDepth('["\\"[[[", "\\\\", [1]]')).toBe(2);
  });

  it('measures a million levels without recursion', () => {
    expect(jsonDepth('['.repeat(1_000_000) + ']'.repeat(1_000_000))).toBe(1_000_000);
  });
});
