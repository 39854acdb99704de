/**
 * Dimension weight sliders keep the sum at 100: moving one slider spreads the difference over
 * the others in proportion to their weights (evenly when they are all 0), in whole points.
 */
export function rebalance(weights: readonly number[], index: number, value: number, total = 100): number[] {
  const target = Math.max(0, Math.min(total, Math.round(value)));
  if (weights.length === 1) return [total];
  const others = weights.map((w, i) => (i === index ? 0 : Math.max(0, w)));
  const othersSum = others.reduce((a, b) => a + b, 0);
  const remaining = total - target;
  const shares = others.map((w, i) => (i === index ? 0 : othersSum > 0 ? (w / othersSum) * remaining : remaining / (weights.length - 1)));
  const out = shares.map(Math.floor);
  out[index] = target;
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => ({ i, rest: s - Math.floor(s) })).filter((x) => x.i !== index).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; left > 0 && order.length; k = (k + 1) % order.length, left--) out[order[k]!.i]! += 1;
  return out;
}
