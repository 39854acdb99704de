import { describe, expect, it } from 'vitest';
import { armSequence, assign, blockOf, randomSeed, stratumOf } from './assign';

const count = (arms: number[], n: number) => Array.from({ length: n }, (_, a) => arms.filter((x) => x === a).length);

describe('blocks', () => {
  it('hold each arm as often as its weight over the common divisor', () => {
    expect(blockOf([1, 1])).toEqual([0, 1]);
    expect(blockOf([50, 50])).toEqual([0, 1]);
    expect(blockOf([2, 1])).toEqual([0, 0, 1]);
    expect(blockOf([30, 20, 10])).toEqual([0, 0, 0, 1, 1, 2]);
  });
});

describe('armSequence', () => {
  it('is the same for the same seed and stratum, and differs for another seed', () => {
    const a = armSequence(42, 'tier=growth', [1, 1], 0, 40);
    expect(armSequence(42, 'tier=growth', [1, 1], 0, 40)).toEqual(a);
    expect(armSequence(43, 'tier=growth', [1, 1], 0, 40)).not.toEqual(a);
    expect(armSequence(42, 'tier=core', [1, 1], 0, 40)).not.toEqual(a);
  });

  it('splits every whole block by the weights', () => {
    const seq = armSequence(7, 'all', [2, 1], 0, 300);
    for (let b = 0; b < 100; b++) expect(count(seq.slice(b * 3, b * 3 + 3), 2)).toEqual([2, 1]);
    expect(count(seq, 2)).toEqual([200, 100]);
  });

  it('a place read later is the place read at once', () => {
    const all = armSequence(9, 's', [1, 1, 1], 0, 30);
    expect([...armSequence(9, 's', [1, 1, 1], 0, 13), ...armSequence(9, 's', [1, 1, 1], 13, 17)]).toEqual(all);
  });

  it('gives each arm to a place about equally often over seeds (no arm favoured)', () => {
    const first = count(Array.from({ length: 2000 }, (_, s) => armSequence(s, 'all', [1, 1], 0, 1)[0]!), 2);
    // 1000 expected; 4 standard deviations is 89
    expect(Math.abs(first[0]! - 1000)).toBeLessThan(90);
  });
});

describe('assign', () => {
  const accounts = Array.from({ length: 30 }, (_, i) => ({ account: i, stratum: i % 3 === 0 ? 'tier=growth' : 'tier=core' }));

  it('balances each stratum and records each account once with its place', () => {
    const out = assign(1234, [1, 1], accounts);
    expect(out.map((a) => a.account)).toEqual(accounts.map((a) => a.account));
    const growth = out.filter((a) => a.stratum === 'tier=growth');
    expect(growth.map((a) => a.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(count(growth.map((a) => a.arm), 2)).toEqual([5, 5]);
    expect(count(out.filter((a) => a.stratum === 'tier=core').map((a) => a.arm), 2)).toEqual([10, 10]);
  });

  it('late joiners continue their stratum: the same arms as assigning everyone at once', () => {
    const once = assign(99, [1, 1], accounts);
    const early = assign(99, [1, 1], accounts.slice(0, 20));
    const taken = new Map<string, number>();
    for (const a of early) taken.set(a.stratum, (taken.get(a.stratum) ?? 0) + 1);
    const late = assign(99, [1, 1], accounts.slice(20), taken);
    expect([...early, ...late]).toEqual(once);
  });

  it('names strata by the chosen dimensions', () => {
    expect(stratumOf(['tier', 'band'], { tier: 'growth', band: null, owner: 'a@b' })).toBe('tier=growth|band=none');
    expect(stratumOf([], { tier: 'growth', band: 'red', owner: null })).toBe('all');
  });

  it('draws seeds in range', () => {
    for (let i = 0; i < 20; i++) {
      const s = randomSeed();
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    }
  });
});
