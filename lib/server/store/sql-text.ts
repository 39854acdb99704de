/**
 * The one SQL text every query is written in, and its translation for PostgreSQL.
 *
 * Queries are written once, in the SQL both engines share, with `?` for positional parameters or
 * `@name` for named ones. SQLite (better-sqlite3) runs the text as written. For PostgreSQL the
 * text is rewritten once per distinct query (and cached):
 *   - `?` and `@name` become `$1`, `$2`, ... (a name used twice reuses its number);
 *   - identifiers in mixed case (`AS accountPk`, `ORDER BY accountPk`) are quoted, because
 *     PostgreSQL folds unquoted identifiers to lower case and the rows would lose their keys.
 * String literals, quoted identifiers and comments are left untouched.
 */

export interface PgText {
  text: string;
  /** for named parameters: the name of each `$n`, in order; empty for positional ones */
  names: string[];
  /** how many `?` the text holds */
  positional: number;
}

const cache = new Map<string, PgText>();
const CACHE_LIMIT = 2000;

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_]/.test(ch);
}

function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch);
}

/** `sql` rewritten for PostgreSQL (see the module's comment). */
export function toPostgres(sql: string): PgText {
  const hit = cache.get(sql);
  if (hit) return hit;
  let out = '';
  const names: string[] = [];
  const numberOf = new Map<string, number>();
  let positional = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      // a literal or quoted identifier; a doubled quote inside is an escaped quote
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const j = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, j);
      i = j;
    } else if (ch === '?') {
      if (names.length) throw new Error('A query mixes ? and @name parameters');
      positional++;
      out += `$${positional}`;
      i++;
    } else if (ch === '@' && isIdentStart(sql[i + 1] ?? '')) {
      if (positional) throw new Error('A query mixes ? and @name parameters');
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql[j]!)) j++;
      const name = sql.slice(i + 1, j);
      let n = numberOf.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        numberOf.set(name, n);
      }
      out += `$${n}`;
      i = j;
    } else if (isIdentStart(ch) && !isIdentPart(sql[i - 1] ?? ' ')) {
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql[j]!)) j++;
      const word = sql.slice(i, j);
      out += /[a-z]/.test(word) && /[A-Z]/.test(word) ? `"${word}"` : word;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  const result = { text: out, names, positional };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(sql, result);
  return result;
}
