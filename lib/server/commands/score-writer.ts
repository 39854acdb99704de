/**
 * Writing a chunk of current scores: the score rows, today's snapshots, flag episodes, band
 * changes and the alerts they raise. Bulk rescoring writes thousands of accounts, so rows go out
 * in multi-row statements, snapshots that did not change are skipped, and open flags that are
 * still firing with the same evidence only get their `last_seen_at` moved, in one statement.
 * The caller runs `write` inside a transaction.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/open';
import type { Flag, Model, ScoreResult } from '@/lib/scoring';
import { dayOf } from './aggregates';
import { enqueueWebhookDeliveries } from './webhooks';

/** Dimension scores kept with two decimals: enough for charts, compact in JSON. */
export function dimensionScores(result: Pick<ScoreResult, 'dimensions'>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const d of result.dimensions) out[d.key] = d.score === null ? null : Math.round(d.score * 100) / 100;
  return out;
}

/**
 * `JSON.stringify(dimensionScores(result))` for the given dimension keys, without building an
 * object per row: history writes millions of these.
 */
export function dimensionsJson(keys: readonly string[]): (scores: readonly (number | null)[]) => string {
  const prefixes = keys.map((k, i) => `${i ? ',' : '{'}${JSON.stringify(k)}:`);
  return (scores) => {
    let out = '';
    for (let i = 0; i < prefixes.length; i++) {
      const x = scores[i];
      out += prefixes[i] + (x === null || x === undefined ? 'null' : JSON.stringify(Math.round(x * 100) / 100));
    }
    return prefixes.length ? `${out}}` : '{}';
  };
}

export interface ScoredAccount {
  pk: number;
  result: ScoreResult;
}

interface OpenFlag { pk: number; account_pk: number; key: string; severity: string; evidence: string; data: string | null }
interface Snapshot { account_pk: number; model_version: number; score: number | null; band: string | null; dimensions: string | null }

const SCORE_COLUMNS = [
  'account_pk', 'model_version', 'as_of', 'state', 'score', 'band', 'partial', 'dimensions', 'velocity', 'touchpoints',
  'previous_touchpoints', 'previous_score', 'score_change', 'below_target', 'flags', 'flag_count', 'red_flag_count', 'computed_at',
] as const;
export const SNAPSHOT_COLUMNS = ['account_pk', 'day', 'model_version', 'score', 'band', 'dimensions'] as const;

const BAND = SCORE_COLUMNS.indexOf('band');
/** Columns a rescore always moves: not compared when deciding whether a row changed. */
const TIMES = new Set([SCORE_COLUMNS.indexOf('as_of'), SCORE_COLUMNS.indexOf('computed_at')]);

function sameScore(stored: readonly unknown[], row: readonly unknown[]): boolean {
  for (let i = 0; i < row.length; i++) if (!TIMES.has(i) && stored[i] !== row[i]) return false;
  return true;
}

/** Rows per multi-row statement: 18 columns x 64 rows stays far below SQLite's parameter limit. */
const ROWS_PER_STATEMENT = 64;

/** A multi-row `INSERT ... ON CONFLICT (conflict) DO UPDATE` of every other column. */
export function upsertRowsSql(table: string, columns: readonly string[], conflict: string, rows: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const keys = new Set(conflict.split(', '));
  const set = columns.filter((c) => !keys.has(c)).map((c) => `${c} = excluded.${c}`).join(', ');
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')} ON CONFLICT (${conflict}) DO UPDATE SET ${set}`;
}

function bandRank(model: Model, band: string | null): number {
  if (band === null) return -1;
  return model.bands.findIndex((b) => b.key === band);
}

export class ScoreWriter {
  private readonly c: Db['$client'];
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: Db,
    private readonly model: Model,
    private readonly version: number,
    private readonly now: number,
  ) {
    this.c = db.$client;
  }

  private prepared(sql: string): Statement<unknown[]> {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.c.prepare<unknown[]>(sql)));
    return s;
  }

  /** Runs a multi-row statement per slice of `rows` (each row a flat array of values). */
  private runRows(rows: unknown[][], sqlFor: (n: number) => string): void {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const part = rows.slice(i, i + ROWS_PER_STATEMENT);
      this.prepared(sqlFor(part.length)).run(part.flat());
    }
  }

  private inList(sql: string, pks: readonly number[], ...before: unknown[]) {
    return this.prepared(sql.replace('(?*)', `(${pks.map(() => '?').join(',')})`)).all(...before, ...pks);
  }

  /** The stored score rows of these accounts, as arrays in SCORE_COLUMNS order. */
  private storedScores(pks: readonly number[]): Map<number, unknown[]> {
    const sql = `SELECT ${SCORE_COLUMNS.join(', ')} FROM scores WHERE account_pk IN (${pks.map(() => '?').join(',')})`;
    const rows = this.prepared(sql).raw().all(...pks) as unknown[][];
    return new Map(rows.map((r) => [r[0] as number, r]));
  }

  /** Writes the chunk; returns how many band changes and newly raised flags it recorded. */
  write(chunk: readonly ScoredAccount[]): { bandChanges: number; flagsRaised: number } {
    if (!chunk.length) return { bandChanges: 0, flagsRaised: 0 };
    const pks = chunk.map((a) => a.pk);
    const day = dayOf(chunk[0].result.asOf - 1);
    const storedScores = this.storedScores(pks);
    const { asOf } = chunk[0].result;
    const snapshots = new Map((this.inList('SELECT account_pk, model_version, score, band, dimensions FROM score_snapshots WHERE day = ? AND account_pk IN (?*)', pks, day) as Snapshot[]).map((r) => [r.account_pk, r]));
    const openFlags = new Map<number, OpenFlag[]>();
    for (const f of this.inList('SELECT pk, account_pk, key, severity, evidence, data FROM flags WHERE cleared_at IS NULL AND account_pk IN (?*)', pks) as OpenFlag[]) {
      const list = openFlags.get(f.account_pk);
      if (list) list.push(f);
      else openFlags.set(f.account_pk, [f]);
    }

    const scoreRows: unknown[][] = [];
    const unchanged: number[] = [];
    const snapshotRows: unknown[][] = [];
    const seen: number[] = [];
    const cleared: number[] = [];
    let bandChanges = 0;
    let flagsRaised = 0;
    for (const { pk, result: r } of chunk) {
      const band = r.band?.key ?? null;
      const dims = JSON.stringify(dimensionScores(r));
      let red = 0;
      for (const f of r.flags) if (f.severity === 'red') red++;
      const row = [
        pk, this.version, r.asOf, r.state, r.score, band, r.partial ? 1 : 0, dims, r.velocity, r.touchpoints.current,
        r.touchpoints.previous, r.previousScore, r.scoreChange, r.belowTarget ? 1 : 0,
        JSON.stringify(r.flags.map((f) => ({ key: f.key, severity: f.severity }))), r.flags.length, red, this.now,
      ];
      const stored = storedScores.get(pk);
      // A row whose values are all as stored only gets its times moved: an UPDATE of unindexed
      // columns instead of an upsert that rewrites the entries of every index on scores.
      if (stored && r.asOf === asOf && sameScore(stored, row)) unchanged.push(pk);
      else scoreRows.push(row);
      // The snapshot of the day the score is as of (asOf is that day's end).
      const old = snapshots.get(pk);
      if (!old || old.model_version !== this.version || old.score !== r.score || old.band !== band || old.dimensions !== dims) {
        snapshotRows.push([pk, dayOf(r.asOf - 1), this.version, r.score, band, dims]);
      }
      flagsRaised += this.syncFlags(pk, r.flags, openFlags.get(pk) ?? [], seen, cleared);
      if (stored && stored[BAND] !== band) {
        this.bandChange(pk, stored[BAND] as string | null, band, r.score);
        bandChanges += 1;
      }
    }
    this.runRows(scoreRows, (n) => upsertRowsSql('scores', SCORE_COLUMNS, 'account_pk', n));
    this.runRows(unchanged.map((pk) => [pk]), (n) => `UPDATE scores SET as_of = ${asOf}, computed_at = ${this.now} WHERE account_pk IN (${Array(n).fill('?').join(',')})`);
    this.runRows(snapshotRows, (n) => upsertRowsSql('score_snapshots', SNAPSHOT_COLUMNS, 'account_pk, day', n));
    this.runRows(seen.map((pk) => [pk]), (n) => `UPDATE flags SET last_seen_at = ${this.now} WHERE pk IN (${Array(n).fill('?').join(',')})`);
    this.runRows(cleared.map((pk) => [pk]), (n) => `UPDATE flags SET cleared_at = ${this.now} WHERE pk IN (${Array(n).fill('?').join(',')})`);
    return { bandChanges, flagsRaised };
  }

  /** Opens, refreshes and closes one account's flag episodes; returns how many were raised. */
  private syncFlags(accountPk: number, flags: Flag[], open: OpenFlag[], seen: number[], cleared: number[]): number {
    let raised = 0;
    const openByKey = new Map(open.map((f) => [f.key, f]));
    for (const f of flags) {
      const existing = openByKey.get(f.key);
      const data = JSON.stringify(f.data);
      if (existing) {
        if (existing.evidence === f.evidence && existing.data === data && existing.severity === f.severity) seen.push(existing.pk);
        else this.prepared('UPDATE flags SET evidence = ?, data = ?, severity = ?, last_seen_at = ? WHERE pk = ?').run(f.evidence, data, f.severity, this.now, existing.pk);
        openByKey.delete(f.key);
      } else {
        const flagPk = Number(
          this.prepared('INSERT INTO flags (account_pk, key, severity, evidence, data, raised_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(accountPk, f.key, f.severity, f.evidence, data, this.now, this.now).lastInsertRowid,
        );
        this.alert(accountPk, 'flag', f.key, f.severity, f.label, f.evidence, flagPk);
        raised += 1;
      }
    }
    for (const gone of openByKey.values()) cleared.push(gone.pk);
    return raised;
  }

  /** Inserts an alert and queues it for the webhooks subscribed to it, in the same transaction. */
  private alert(accountPk: number, kind: 'flag' | 'band_drop', key: string, severity: 'red' | 'yellow', title: string, evidence: string, flagPk: number | null) {
    const pk = Number(
      this.prepared('INSERT INTO alerts (account_pk, kind, key, severity, title, evidence, flag_pk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(accountPk, kind, key, severity, title, evidence, flagPk, this.now).lastInsertRowid,
    );
    this.hasWebhooks ??= (this.prepared('SELECT count(*) FROM webhooks WHERE active = 1').pluck().get() as number) > 0;
    if (!this.hasWebhooks) return;
    const a = this.prepared('SELECT a.id, a.name, s.score FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE a.pk = ?').get(accountPk) as { id: string; name: string; score: number | null };
    enqueueWebhookDeliveries(this.db, { pk, kind, severity, title, evidence, accountId: a.id, accountName: a.name, score: a.score }, undefined, this.now);
  }

  private hasWebhooks: boolean | undefined;

  private bandChange(pk: number, from: string | null, to: string | null, score: number | null) {
    const { model } = this;
    this.prepared('INSERT INTO band_changes (account_pk, from_band, to_band, score, at) VALUES (?, ?, ?, ?, ?)').run(pk, from, to, score, this.now);
    if (from === null || to === null || bandRank(model, to) <= bandRank(model, from)) return;
    const toBand = model.bands.find((b) => b.key === to)!;
    const fromLabel = model.bands.find((b) => b.key === from)?.label ?? from;
    const lowest = bandRank(model, to) === model.bands.length - 1;
    this.alert(pk, 'band_drop', to, lowest ? 'red' : 'yellow', `Dropped to ${toBand.label}`, `Score ${score?.toFixed(1)} moved from ${fromLabel} to ${toBand.label}`, null);
  }
}
