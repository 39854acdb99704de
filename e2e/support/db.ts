import path from 'node:path';
import Database from 'better-sqlite3';
import type { Fixture } from './api';

const TABLES = ['accounts', 'contacts', 'events', 'outcomes', 'agg_daily', 'scores', 'trigger_aliases'] as const;
export type RowCounts = Record<(typeof TABLES)[number], number>;

/** Row counts of an e2e server's database, read beside the running server (SQLite WAL allows it). */
export function rowCounts(fixture: Fixture): RowCounts {
  const db = new Database(path.resolve(`data/e2e-${fixture}/trellis.db`), { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number])) as RowCounts;
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
      aggDaily: one('SELECT count(*) AS n, total(n) AS counted, total(length(props)) AS props FROM agg_daily'),
      aggContactDaily: one('SELECT count(*) AS n, total(n) AS counted FROM agg_contact_daily'),
      aggFeatureDaily: one('SELECT count(*) AS n, total(n) AS counted FROM agg_feature_daily'),
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
