/**
 * What the two engines spell differently, in one place per engine. Everything else is written
 * once in the SQL both share. Each fragment takes the expressions it combines and answers SQL
 * text; parameters stay `?` (the caller passes them in order).
 */
import type { Engine } from './types';

export interface Dialect {
  /** the larger of two or more values (SQLite's two-argument `max`) */
  greatest(...exprs: string[]): string;
  /** the smaller of two or more values (SQLite's two-argument `min`) */
  least(...exprs: string[]): string;
  /** case-insensitive LIKE (ASCII) */
  readonly ilike: string;
  /**
   * `<column> IN (the elements of a JSON array passed as one ? parameter)`: one parameter however
   * long the list, so a statement is prepared once. Pass `JSON.stringify(values)`.
   */
  inJsonArray(column: string, type: 'int' | 'text'): string;
  /** true when the JSON array of objects in `expr` holds one whose `key` property is among `count` ? parameters */
  jsonArrayHasKeyIn(expr: string, count: number): string;
  /** a text value cast to an integer */
  toInt(expr: string): string;
  /** a value cast to a real */
  toReal(expr: string): string;
  /** the values of `expr` in a group joined by `separator` (a literal) */
  groupConcat(expr: string, separator: string): string;
  /** the blobs of `expr` in a group joined byte for byte into one blob, in the order of `orderBy` */
  concatBlobs(expr: string, orderBy: string): string;
  /**
   * The text of top-level property `key` of the JSON object held as text in `expr` (NULL when
   * absent). `key` is a literal of letters, digits and "_" (never outside input).
   */
  jsonText(expr: string, key: string): string;
  /**
   * Top-level property `key` of the JSON object in `expr` as a number when it is a JSON number,
   * else NULL (text, absent, no object): safe to sum over values sent from outside.
   */
  jsonNumber(expr: string, key: string): string;
}

function jsonKey(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`Not a JSON property name for SQL: ${key}`);
  return key;
}

const list = (count: number) => Array.from({ length: count }, () => '?').join(', ');

const sqlite: Dialect = {
  greatest: (...exprs) => `max(${exprs.join(', ')})`,
  least: (...exprs) => `min(${exprs.join(', ')})`,
  ilike: 'LIKE',
  inJsonArray: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  jsonArrayHasKeyIn: (expr, count) => `EXISTS (SELECT 1 FROM json_each(${expr}) f WHERE json_extract(f.value, '$.key') IN (${list(count)}))`,
  toInt: (expr) => `CAST(${expr} AS INTEGER)`,
  toReal: (expr) => `CAST(${expr} AS REAL)`,
  groupConcat: (expr, separator) => `group_concat(${expr}, '${separator.replace(/'/g, "''")}')`,
  // group_concat joins blobs as text; in a UTF-8 database (Trellis creates them so) text is the
  // blob's bytes unchanged, and the cast back makes it a blob again.
  concatBlobs: (expr, orderBy) => `CAST(group_concat(${expr}, '' ORDER BY ${orderBy}) AS BLOB)`,
  jsonText: (expr, key) => `json_extract(${expr}, '$.${jsonKey(key)}')`,
  jsonNumber: (expr, key) =>
    `(CASE WHEN json_valid(${expr}) AND json_type(${expr}, '$.${jsonKey(key)}') IN ('integer', 'real') THEN json_extract(${expr}, '$.${jsonKey(key)}') END)`,
};

const postgres: Dialect = {
  greatest: (...exprs) => `greatest(${exprs.join(', ')})`,
  least: (...exprs) => `least(${exprs.join(', ')})`,
  ilike: 'ILIKE',
  inJsonArray: (column, type) =>
    type === 'int'
      ? `${column} IN (SELECT (jsonb_array_elements_text(CAST(? AS jsonb)))::bigint)`
      : `${column} IN (SELECT jsonb_array_elements_text(CAST(? AS jsonb)))`,
  jsonArrayHasKeyIn: (expr, count) => `EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(${expr} AS jsonb)) f WHERE f.value->>'key' IN (${list(count)}))`,
  toInt: (expr) => `CAST(${expr} AS bigint)`,
  toReal: (expr) => `CAST(${expr} AS double precision)`,
  groupConcat: (expr, separator) => `string_agg(CAST(${expr} AS text), '${separator.replace(/'/g, "''")}')`,
  concatBlobs: (expr, orderBy) => `string_agg(${expr}, CAST('' AS bytea) ORDER BY ${orderBy})`,
  jsonText: (expr, key) => `(CAST(${expr} AS jsonb) ->> '${jsonKey(key)}')`,
  jsonNumber: (expr, key) =>
    `(CASE WHEN jsonb_typeof(CAST(${expr} AS jsonb) -> '${jsonKey(key)}') = 'number' THEN CAST(CAST(${expr} AS jsonb) ->> '${jsonKey(key)}' AS double precision) END)`,
};

export function dialectOf(engine: Engine): Dialect {
  return engine === 'sqlite' ? sqlite : postgres;
}
