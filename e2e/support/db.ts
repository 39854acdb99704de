import path from 'node:path';
import Database from 'better-sqlite3';

const TABLES = ['accounts', 'contacts', 'events', 'outcomes', 'agg_daily', 'scores', 'trigger_aliases'] as const;
export type RowCounts = Record<(typeof TABLES)[number], number>;

/** Row counts of an e2e server's database, read beside the running server (SQLite WAL allows it). */
export function rowCounts(fixture: 'demo' | 'examples'): RowCounts {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number])) as RowCounts;
  } finally {
    db.close();
  }
}

/** How many audit entries of an action the server has recorded. */
export function auditCount(fixture: 'demo' | 'examples', action: string): number {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM audit_log WHERE action = ?').pluck().get(action) as number;
  } finally {
    db.close();
  }
}
