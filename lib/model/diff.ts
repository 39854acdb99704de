/**
 * A readable list of what changed between two model JSONs. Lists of objects with a `key`
 * (dimensions, measures, bands) are matched by key, so a reordered or inserted dimension reads as
 * that, not as every later index changing: `dimensions[quality].weight: 35 → 40`.
 */
export interface ModelChange {
  path: string;
  kind: 'changed' | 'added' | 'removed';
  from?: unknown;
  to?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyed = (v: unknown): v is { key: string }[] => Array.isArray(v) && v.length > 0 && v.every((x) => isObject(x) && typeof x.key === 'string');

function join(path: string, part: string | number, isKey = false): string {
  if (typeof part === 'number' || isKey) return `${path}[${part}]`;
  return path ? `${path}.${part}` : part;
}

function walk(a: unknown, b: unknown, path: string, out: ModelChange[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push({ path, kind: 'added', to: b });
  if (b === undefined) return void out.push({ path, kind: 'removed', from: a });
  if (keyed(a) && keyed(b)) {
    const before = new Map(a.map((x) => [x.key, x]));
    const after = new Map(b.map((x) => [x.key, x]));
    for (const [k, x] of before) walk(x, after.get(k), join(path, k, true), out);
    for (const [k, x] of after) if (!before.has(k)) walk(undefined, x, join(path, k, true), out);
    const order = (l: { key: string }[]) => l.map((x) => x.key).filter((k) => before.has(k) && after.has(k)).join(',');
    if (order(a) !== order(b)) out.push({ path: `${path} (order)`, kind: 'changed', from: a.map((x) => x.key), to: b.map((x) => x.key) });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], join(path, i), out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], join(path, k), out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, kind: 'changed', from: a, to: b });
}

export function diffModels(before: unknown, after: unknown): ModelChange[] {
  const out: ModelChange[] = [];
  walk(before, after, '', out);
  return out;
}

export function describeChange(c: ModelChange): string {
  const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
  if (c.kind === 'added') return `${c.path}: added ${show(c.to)}`;
  if (c.kind === 'removed') return `${c.path}: removed (was ${show(c.from)})`;
  return `${c.path}: ${show(c.from)} → ${show(c.to)}`;
}
