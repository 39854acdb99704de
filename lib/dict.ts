/**
 * Objects keyed by names that come from outside (event types, property names, trait keys, CSV
 * headers, feature keys, ids). A plain `{}` inherits from `Object.prototype`: `obj['__proto__']`
 * or `obj['constructor']` reads a shared built-in instead of a missing entry, and writing through
 * it changes every object of the process. These objects have no prototype, so every name is
 * just a key.
 */

/** An empty object without a prototype. */
export function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** A copy of `source`'s own enumerable entries in an object without a prototype. */
export function dictFrom<V>(source: Readonly<Record<string, V>> | Iterable<readonly [string, V]>): Record<string, V> {
  const out = dict<V>();
  const entries = Symbol.iterator in source ? (source as Iterable<readonly [string, V]>) : Object.entries(source as Record<string, V>);
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/** Reviver for `JSON.parse`: every object of the result is made without a prototype. */
function withoutPrototypes(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return dictFrom(value as Record<string, unknown>);
}

/** `JSON.parse` whose objects have no prototype: safe to read and update by outside names. */
export function parseJsonDict<T = unknown>(text: string): T {
  return JSON.parse(text, withoutPrototypes) as T;
}

/** Whether `key` is an own entry of `obj` (never one inherited from a prototype). */
export function hasKey(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
