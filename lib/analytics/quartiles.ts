export type Quartile = 1 | 2 | 3 | 4;

/**
 * The score quartile of each value (1 = bottom, 4 = top), parallel to the input. Tied scores
 * are never split across quartiles: a run of equal values takes the quartile of its midpoint,
 * ceil(4 x (values below + run / 2) / n). Without ties and with n a multiple of 4 the quartiles
 * hold n / 4 values each.
 */
export function quartilesOf(values: readonly number[]): Quartile[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const byValue = new Map<number, Quartile>();
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && sorted[j] === sorted[i]) j++;
    const q = Math.min(4, Math.max(1, Math.ceil((4 * (i + (j - i) / 2)) / n)));
    byValue.set(sorted[i]!, q as Quartile);
    i = j;
  }
  return values.map((v) => byValue.get(v)!);
}
