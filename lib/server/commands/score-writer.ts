/**
 * Writing a chunk of current scores: the score rows, today's snapshots, flag episodes, band
 * changes and the alerts they raise. Bulk rescoring writes thousands of accounts, so rows go out
 * in multi-row statements (a few statements per chunk, whatever its size), snapshots that did
 * not change are skipped, and open flags that are still firing with the same evidence only get
 * their `last_seen_at` moved, in one statement. The caller runs `write` inside a transaction
 * (the accounts locked first, on PostgreSQL), and every row is written as an upsert or an update by
 * key, so writing the same figures twice stores them once.
 */
import type { Flag, Model, ScoreResult } from '@/lib/scoring';
import type { SqlParam, Store } from '@/lib/server/store';
import { riskProbability } from '@/lib/analytics/risk';
import { dayOf } from '../aggregates';
import { currentRiskModel, featureVector } from '../queries/risk';
import { insertInto } from './row-writer';
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

export interface WriteOutcome {
  bandChanges: number;
  flagsRaised: number;
  /** the accounts whose scores were written, and those left as they were (see `ScoreWriter.write`) */
  written: number[];
  skipped: number[];
}

export interface ScoredAccount {
  pk: number;
  result: ScoreResult;
}

interface OpenFlag { pk: number; account_pk: number; key: string; severity: string; evidence: string; data: string | null }
interface Snapshot { account_pk: number; model_version: number; score: number | null; band: string | null; dimensions: string | null }

const SCORE_COLUMNS = [
  'account_pk', 'model_version', 'as_of', 'state', 'score', 'band', 'partial', 'dimensions', 'velocity', 'touchpoints',
  'previous_touchpoints', 'previous_score', 'score_change', 'below_target', 'flags', 'flag_count', 'red_flag_count', 'computed_at', 'churn_risk',
] as const;
export const SNAPSHOT_COLUMNS = ['account_pk', 'day', 'model_version', 'score', 'band', 'dimensions'] as const;

const BAND = SCORE_COLUMNS.indexOf('band');
const VERSION = SCORE_COLUMNS.indexOf('model_version');
const COMPUTED_AT = SCORE_COLUMNS.indexOf('computed_at');
const SCORE = SCORE_COLUMNS.indexOf('score');
/** Columns a rescore always moves: not compared when deciding whether a row changed. */
const TIMES = new Set([SCORE_COLUMNS.indexOf('as_of'), SCORE_COLUMNS.indexOf('computed_at')]);

function sameScore(stored: readonly unknown[], row: readonly unknown[]): boolean {
  for (let i = 0; i < row.length; i++) if (!TIMES.has(i) && stored[i] !== row[i]) return false;
  return true;
}

/** Rows per multi-row statement: 19 columns x 64 rows stays far below either engine's parameter limit. */
const ROWS_PER_STATEMENT = 64;

/** A multi-row `INSERT ... ON CONFLICT (conflict) DO UPDATE` of every other column. */
export function upsertRowsSql(table: string, columns: readonly string[], conflict: string, rows: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')} ${upsertTail(columns, conflict)}`;
}

/** `ON CONFLICT (conflict) DO UPDATE` of every column of `columns` but the conflict's. */
function upsertTail(columns: readonly string[], conflict: string): string {
  const keys = new Set(conflict.split(', '));
  return `ON CONFLICT (${conflict}) DO UPDATE SET ${columns.filter((c) => !keys.has(c)).map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/** Runs a multi-row statement per slice of `rows` (each row a flat array of values); answers every row returned, in order. */
async function runRows<T = unknown>(db: Store, rows: readonly (readonly unknown[])[], sqlFor: (n: number) => string): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    out.push(...(await db.all<T>(sqlFor(part.length), part.flat() as SqlParam[])));
  }
  return out;
}

/** The first key of the account locks (pg_advisory_xact_lock's two-key form): "TRSC". */
const SCORE_LOCK_SPACE = 0x54525343;

/**
 * On PostgreSQL, takes a transaction-long lock on each account's scores (in a fixed order, so that
 * two writers never wait for each other in a circle): two processes rescoring the same account
 * then do it one after the other, the second reading what the first wrote. SQLite's write
 * transaction already excludes every other writer.
 */
export async function lockScores(db: Store, accountPks: readonly number[]): Promise<void> {
  if (db.engine !== 'postgres' || !accountPks.length) return;
  await db.all(
    `SELECT pg_advisory_xact_lock(${SCORE_LOCK_SPACE}, k) FROM (SELECT DISTINCT CAST(CAST(v AS bigint) % 2147483647 AS integer) AS k FROM jsonb_array_elements_text(CAST(? AS jsonb)) v ORDER BY k) s`,
    [JSON.stringify(accountPks)],
  );
}

function bandRank(model: Model, band: string | null): number {
  if (band === null) return -1;
  return model.bands.findIndex((b) => b.key === band);
}

interface NewAlert { accountPk: number; kind: 'flag' | 'band_drop'; key: string; severity: 'red' | 'yellow'; title: string; evidence: string; flagPk: number | null }
interface NewFlag { accountPk: number; flag: Flag; data: string }

const FLAG_COLUMNS = ['account_pk', 'key', 'severity', 'evidence', 'data', 'raised_at', 'last_seen_at'] as const;
const ALERT_COLUMNS = ['account_pk', 'kind', 'key', 'severity', 'title', 'evidence', 'flag_pk', 'created_at'] as const;
const BAND_CHANGE_COLUMNS = ['account_pk', 'from_band', 'to_band', 'score', 'at'] as const;

export class ScoreWriter {
  private hasWebhooks: boolean | undefined;

  constructor(
    private readonly model: Model,
    private readonly version: number,
    private readonly now: number,
  ) {}

  /** The stored score rows of these accounts, as arrays in SCORE_COLUMNS order. */
  private async storedScores(db: Store, pks: string): Promise<Map<number, unknown[]>> {
    const rows = await db.rows(`SELECT ${SCORE_COLUMNS.join(', ')} FROM scores WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`, [pks]);
    return new Map(rows.map((r) => [r[0] as number, r])); // account_pk comes first
  }

  /**
   * Writes the chunk (in the caller's transaction, on `db`); returns the accounts written and how
   * many band changes and newly raised flags it recorded. `readAt`: when each account's stored score
   * was computed as its figures were read (absent: none); an account whose stored score changed
   * since, by a writer with this model version or a later one, is newer than these figures and
   * is skipped.
   */
  async write(db: Store, scored: readonly ScoredAccount[], readAt?: ReadonlyMap<number, number>): Promise<WriteOutcome> {
    if (!scored.length) return { bandChanges: 0, flagsRaised: 0, written: [], skipped: [] };
    let storedScores = await this.storedScores(db, JSON.stringify(scored.map((a) => a.pk)));
    let chunk = scored;
    const skipped: number[] = [];
    if (readAt) {
      chunk = scored.filter(({ pk }) => {
        const stored = storedScores.get(pk);
        const keep = !stored || stored[COMPUTED_AT] === readAt.get(pk) || (stored[VERSION] as number) < this.version;
        if (!keep) skipped.push(pk);
        return keep;
      });
      if (!chunk.length) return { bandChanges: 0, flagsRaised: 0, written: [], skipped };
      if (skipped.length) storedScores = new Map([...storedScores].filter(([pk]) => !skipped.includes(pk)));
    }
    const pks = JSON.stringify(chunk.map((a) => a.pk));
    // The churn risk fitted for this model version (read in this transaction: a fit stored meanwhile is used).
    const risk = await currentRiskModel(db, this.version);
    const day = dayOf(chunk[0].result.asOf - 1);
    const { asOf } = chunk[0].result;
    const snapshots = new Map(
      (await db.all<Snapshot>(`SELECT account_pk, model_version, score, band, dimensions FROM score_snapshots WHERE day = ? AND ${db.dialect.inJsonArray('account_pk', 'int')}`, [day, pks])).map((r) => [r.account_pk, r]),
    );
    const openFlags = new Map<number, OpenFlag[]>();
    for (const f of await db.all<OpenFlag>(`SELECT pk, account_pk, key, severity, evidence, data FROM flags WHERE cleared_at IS NULL AND ${db.dialect.inJsonArray('account_pk', 'int')} ORDER BY pk`, [pks])) {
      const list = openFlags.get(f.account_pk);
      if (list) list.push(f);
      else openFlags.set(f.account_pk, [f]);
    }

    const scoreRows: SqlParam[][] = [];
    const unchanged: number[] = [];
    const snapshotRows: SqlParam[][] = [];
    const seen: number[] = [];
    const cleared: number[] = [];
    const reworded: unknown[][] = [];
    const raised: NewFlag[] = [];
    const bandRows: SqlParam[][] = [];
    const drops: NewAlert[] = [];
    for (const { pk, result: r } of chunk) {
      const band = r.band?.key ?? null;
      const dimScores = dimensionScores(r);
      const dims = JSON.stringify(dimScores);
      const churnRisk = risk && r.state === 'scored' ? riskProbability(risk, featureVector(risk.features, dimScores, r.scoreChange)) : null;
      let red = 0;
      for (const f of r.flags) if (f.severity === 'red') red++;
      const row = [
        pk, this.version, r.asOf, r.state, r.score, band, r.partial ? 1 : 0, dims, r.velocity, r.touchpoints.current,
        r.touchpoints.previous, r.previousScore, r.scoreChange, r.belowTarget ? 1 : 0,
        JSON.stringify(r.flags.map((f) => ({ key: f.key, severity: f.severity }))), r.flags.length, red, this.now, churnRisk,
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
      this.syncFlags(pk, r.flags, openFlags.get(pk) ?? [], { seen, cleared, reworded, raised });
      if (stored && stored[BAND] !== band) {
        bandRows.push([pk, stored[BAND] as string | null, band, r.score, this.now]);
        const drop = this.bandDrop(pk, stored[BAND] as string | null, band, r.score);
        if (drop) drops.push(drop);
      }
    }

    // Alerts go out in the order they were raised: an account's new flags, then its band drop.
    const flagPks = await this.insertFlags(db, raised);
    const alerts: NewAlert[] = [];
    let f = 0;
    let d = 0;
    for (const { pk } of chunk) {
      for (; f < raised.length && raised[f].accountPk === pk; f++) {
        const { flag } = raised[f];
        alerts.push({ accountPk: pk, kind: 'flag', key: flag.key, severity: flag.severity, title: flag.label, evidence: flag.evidence, flagPk: flagPks[f] });
      }
      if (d < drops.length && drops[d].accountPk === pk) alerts.push(drops[d++]);
    }
    await insertInto(db, 'band_changes', BAND_CHANGE_COLUMNS, bandRows);
    await this.insertAlerts(db, alerts, storedScores);
    await runRows(db, reworded, (n) => `UPDATE flags SET evidence = v.column2, data = v.column3, severity = v.column4, last_seen_at = ${this.now} FROM (VALUES ${Array(n).fill('(CAST(? AS bigint), CAST(? AS text), CAST(? AS text), CAST(? AS text))').join(', ')}) AS v WHERE flags.pk = v.column1`);
    await insertInto(db, 'scores', SCORE_COLUMNS, scoreRows, upsertTail(SCORE_COLUMNS, 'account_pk'));
    if (unchanged.length) await db.run(`UPDATE scores SET as_of = ${asOf}, computed_at = ${this.now} WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`, [JSON.stringify(unchanged)]);
    await insertInto(db, 'score_snapshots', SNAPSHOT_COLUMNS, snapshotRows, upsertTail(SNAPSHOT_COLUMNS, 'account_pk, day'));
    if (seen.length) await db.run(`UPDATE flags SET last_seen_at = ${this.now} WHERE ${db.dialect.inJsonArray('pk', 'int')}`, [JSON.stringify(seen)]);
    if (cleared.length) await db.run(`UPDATE flags SET cleared_at = ${this.now} WHERE ${db.dialect.inJsonArray('pk', 'int')}`, [JSON.stringify(cleared)]);
    return { bandChanges: bandRows.length, flagsRaised: raised.length, written: chunk.map((a) => a.pk), skipped };
  }

  /** Sorts one account's flags into episodes that go on (same or new evidence), new ones, and ones that ended. */
  private syncFlags(
    accountPk: number,
    flags: Flag[],
    open: OpenFlag[],
    out: { seen: number[]; cleared: number[]; reworded: unknown[][]; raised: NewFlag[] },
  ): void {
    const openByKey = new Map(open.map((f) => [f.key, f]));
    for (const f of flags) {
      const existing = openByKey.get(f.key);
      const data = JSON.stringify(f.data);
      if (existing) {
        if (existing.evidence === f.evidence && existing.data === data && existing.severity === f.severity) out.seen.push(existing.pk);
        else out.reworded.push([existing.pk, f.evidence, data, f.severity]);
        openByKey.delete(f.key);
      } else {
        out.raised.push({ accountPk, flag: f, data });
      }
    }
    for (const gone of openByKey.values()) out.cleared.push(gone.pk);
  }

  /** Opens the new flag episodes; answers their pks, in order. */
  private async insertFlags(db: Store, raised: readonly NewFlag[]): Promise<number[]> {
    const rows = raised.map(({ accountPk, flag, data }) => [accountPk, flag.key, flag.severity, flag.evidence, data, this.now, this.now]);
    const inserted = await insertInto<{ pk: number; account_pk: number; key: string }>(db, 'flags', FLAG_COLUMNS, rows, 'RETURNING pk, account_pk, key');
    // Matched by account and key (one open episode per key), whatever order the rows come back in.
    const pkOf = new Map(inserted.map((r) => [`${r.account_pk}|${r.key}`, r.pk]));
    return raised.map((f) => pkOf.get(`${f.accountPk}|${f.flag.key}`)!);
  }

  /**
   * Inserts the alerts and queues each for the webhooks subscribed to it, in the same transaction.
   * The payload carries the score stored before this write.
   */
  private async insertAlerts(db: Store, alerts: readonly NewAlert[], storedScores: ReadonlyMap<number, unknown[]>): Promise<void> {
    if (!alerts.length) return;
    const rows = alerts.map((a) => [a.accountPk, a.kind, a.key, a.severity, a.title, a.evidence, a.flagPk, this.now]);
    const inserted = await insertInto<{ pk: number; account_pk: number; kind: string; key: string }>(db, 'alerts', ALERT_COLUMNS, rows, 'RETURNING pk, account_pk, kind, key');
    this.hasWebhooks ??= ((await db.value<number>('SELECT count(*) FROM webhooks WHERE active = 1')) ?? 0) > 0;
    if (!this.hasWebhooks) return;
    const pkOf = new Map(inserted.map((r) => [`${r.account_pk}|${r.kind}|${r.key}`, r.pk]));
    const accountPks = JSON.stringify([...new Set(alerts.map((a) => a.accountPk))]);
    const accounts = new Map(
      (await db.all<{ pk: number; id: string; name: string }>(`SELECT pk, id, name FROM accounts WHERE ${db.dialect.inJsonArray('pk', 'int')}`, [accountPks])).map((a) => [a.pk, a]),
    );
    for (const a of alerts) {
      const account = accounts.get(a.accountPk)!;
      const score = (storedScores.get(a.accountPk)?.[SCORE] as number | null | undefined) ?? null;
      await enqueueWebhookDeliveries(
        db,
        { pk: pkOf.get(`${a.accountPk}|${a.kind}|${a.key}`)!, kind: a.kind, severity: a.severity, title: a.title, evidence: a.evidence, accountId: account.id, accountName: account.name, score },
        undefined,
        this.now,
      );
    }
  }

  /** The alert a move to a lower band raises, if it was one. */
  private bandDrop(pk: number, from: string | null, to: string | null, score: number | null): NewAlert | null {
    const { model } = this;
    if (from === null || to === null || bandRank(model, to) <= bandRank(model, from)) return null;
    const toBand = model.bands.find((b) => b.key === to)!;
    const fromLabel = model.bands.find((b) => b.key === from)?.label ?? from;
    const lowest = bandRank(model, to) === model.bands.length - 1;
    return { accountPk: pk, kind: 'band_drop', key: to, severity: lowest ? 'red' : 'yellow', title: `Dropped to ${toBand.label}`, evidence: `Score ${score?.toFixed(1)} moved from ${fromLabel} to ${toBand.label}`, flagPk: null };
  }
}
