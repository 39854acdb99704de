import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Fixture } from './api';

const TABLES = ['accounts', 'contacts', 'events', 'outcomes', 'scores', 'trigger_aliases'] as const;
export type RowCounts = Record<(typeof TABLES)[number], number> & {
  /** a digest of every packed aggregate block and activity row: changes whenever a batch adds to an aggregate */
  aggregates: string;
};

/**
 * Row counts of an e2e server's database, read beside the running server (SQLite WAL allows it),
 * and a digest of its aggregates (a batch merges into existing blocks, which a row count misses).
 */
export function rowCounts(fixture: Fixture): RowCounts {
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
export function auditCount(fixture: Fixture, action: string): number {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM audit_log WHERE action = ?').pluck().get(action) as number;
  } finally {
    db.close();
  }
}

/**
 * What a write through the API could change, per table: row counts and sums of the ingested
 * tables and their aggregates (background work writes none of these), and the published models.
 */
export function writeFingerprint(fixture: Fixture) {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => db.prepare(sql).get() as Record<string, number>;
    return {
      accounts: one('SELECT count(*) AS n, total(length(id) + length(name)) AS text, total(arr) AS arr, total(length(attributes)) AS attributes FROM accounts'),
      contacts: one('SELECT count(*) AS n, total(length(id) + ifnull(length(name), 0)) AS text FROM contacts'),
      events: one('SELECT count(*) AS n, total(count) AS counted, ifnull(max(pk), 0) AS lastPk FROM events'),
      outcomes: one('SELECT count(*) AS n, total(arr_delta) AS arrDelta FROM outcomes'),
      aggPacked: one('SELECT count(*) AS n, total(length(data)) AS bytes FROM agg_packed'),
      activity: one('SELECT count(*) AS n, total(events) AS events, total(last_at) AS lastAt FROM account_activity'),
      aggNames: one('SELECT count(*) AS n FROM agg_names'),
      modelVersions: one('SELECT count(*) AS n FROM model_versions'),
    };
  } finally {
    db.close();
  }
}
export type WriteFingerprint = ReturnType<typeof writeFingerprint>;

/** Rows of one query against an e2e server's database, read-only. */
export function readRows<T>(fixture: Fixture, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
