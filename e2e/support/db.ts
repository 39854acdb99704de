import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';

const TABLES = ['accounts', 'contacts', 'events', 'outcomes', 'scores', 'trigger_aliases'] as const;
export type RowCounts = Record<(typeof TABLES)[number], number> & {
  /** a digest of every packed aggregate block and activity row: changes whenever a batch adds to an aggregate */
  aggregates: string;
};

/**
 * Row counts of an e2e server's database, read beside the running server (SQLite WAL allows it),
 * and a digest of its aggregates (a batch merges into existing blocks, which a row count misses).
 */
export function rowCounts(fixture: 'demo' | 'examples'): RowCounts {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    for (const r of db.prepare('SELECT account_pk, block, data FROM agg_packed ORDER BY account_pk, block').raw().iterate() as IterableIterator<[number, number, Buffer]>) {
      hash.update(`${r[0]}|${r[1]}|`).update(r[2]);
    }
    hash.update(JSON.stringify(db.prepare('SELECT * FROM account_activity ORDER BY account_pk').raw().all()));
    const counts = Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number])) as Record<(typeof TABLES)[number], number>;
    return { ...counts, aggregates: hash.digest('hex') };
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
