/**
 * Random assignment to arms, stratified and reproducible (pure). Within each stratum (e.g. tier
 * "growth" and band "yellow") accounts take, in the order they are assigned, the places of a
 * sequence of permuted blocks: a block holds each arm as many times as its weight (weights
 * reduced by their common divisor), in an order shuffled by a generator seeded from the
 * experiment's seed, the stratum and the block's number. So each stratum is split by the weights
 * up to at most one block, the same seed always gives the same arms, and an account joining later
 * takes the next place of its stratum's sequence without re-drawing anyone.
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** 32-bit FNV-1a of a text. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function generator(seed: number, stratum: string, block: number): RandomGenerator {
  const g = xoroshiro128plus(fnv1a(`${seed}\u0000${stratum}\u0000${block}`));
  // The first outputs of a freshly seeded xoroshiro follow its seed closely: skip a few.
  for (let i = 0; i < 8; i++) g.unsafeNext();
  return g;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** One block's arms (indexes), each as often as its weight over the weights' common divisor, in order. */
export function blockOf(weights: readonly number[]): number[] {
  const d = weights.reduce(gcd);
  const out: number[] = [];
  weights.forEach((w, arm) => {
    for (let i = 0; i < w / d; i++) out.push(arm);
  });
  return out;
}

/** The arms (indexes) of places `from` to `from + count − 1` of a stratum's sequence. */
export function armSequence(seed: number, stratum: string, weights: readonly number[], from: number, count: number): number[] {
  const base = blockOf(weights);
  const size = base.length;
  const out: number[] = [];
  let cached = -1;
  let block: number[] = [];
  for (let place = from; place < from + count; place++) {
    const b = Math.floor(place / size);
    if (b !== cached) {
      block = base.slice();
      const g = generator(seed, stratum, b);
      // Fisher–Yates
      for (let i = block.length - 1; i > 0; i--) {
        const j = unsafeUniformIntDistribution(0, i, g);
        [block[i], block[j]] = [block[j]!, block[i]!];
      }
      cached = b;
    }
    out.push(block[place % size]!);
  }
  return out;
}

/** The stratum of an account: its value of each dimension ("tier=growth|band=yellow"), "all" with none. */
export function stratumOf(stratifyBy: readonly string[], values: { tier: string | null; band: string | null; owner: string | null }): string {
  if (!stratifyBy.length) return 'all';
  return stratifyBy.map((d) => `${d}=${(d === 'tier' ? values.tier : d === 'band' ? values.band : values.owner) ?? 'none'}`).join('|');
}

export interface Assignment<K> {
  account: K;
  arm: number;
  stratum: string;
  /** its place in its stratum's sequence */
  position: number;
}

/**
 * Assigns accounts (in the order given) to arms: each takes the next place of its stratum's
 * sequence, after the `taken` places already given in that stratum.
 */
export function assign<K>(
  seed: number,
  weights: readonly number[],
  accounts: readonly { account: K; stratum: string }[],
  taken: ReadonlyMap<string, number> = new Map(),
): Assignment<K>[] {
  const byStratum = new Map<string, number[]>();
  accounts.forEach((a, i) => {
    const list = byStratum.get(a.stratum);
    if (list) list.push(i);
    else byStratum.set(a.stratum, [i]);
  });
  const out: Assignment<K>[] = new Array(accounts.length);
  for (const [stratum, indexes] of byStratum) {
    const from = taken.get(stratum) ?? 0;
    const arms = armSequence(seed, stratum, weights, from, indexes.length);
    indexes.forEach((i, k) => {
      out[i] = { account: accounts[i]!.account, arm: arms[k]!, stratum, position: from + k };
    });
  }
  return out;
}

/** A seed for an experiment that was given none. */
export function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}
