/**
 * Current scores: computed by the engine from the aggregates and stored with their flags,
 * band changes and the alerts they raise. Called just after event writes for the accounts they
 * touch (`rescore-pending.ts`), daily as time moves the windows, and after a model publish.
 */
import { endOfUtcDay, propTypesOf, scoreAccount, typesReadBy, type FeatureInfo, type Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { retryWhenBusy } from '../worker-mode';
import { ensureLiveModel } from './model';
import { refreshProgramme } from './programme';
import { markRescorePending } from './rescore-pending';
import { lockScores, ScoreWriter, type ScoredAccount } from './score-writer';
import { eachInputAsOf, loadCatalogue } from '../queries/scoring-inputs';

export { dimensionScores } from './score-writer';

export interface RescoreOptions {
  /** only these accounts (default: all) */
  accountPks?: number[];
  /** the instant scores are as of (default: the end of the current UTC day) */
  asOf?: number;
  /** when the work happens (alerts and flags are stamped with it) */
  now?: number;
  onProgress?: (done: number, total: number) => void;
  /** accounts loaded, scored and written per step (default 500 on PostgreSQL, 250 on SQLite) */
  writeChunk?: number;
  /**
   * Called in the transaction that stores each chunk, with the accounts stored and those skipped
   * (another writer stored a score after this chunk read its figures). Default: the skipped
   * accounts are listed for the rescore after events (`markRescorePending`), which scores them
   * again from what is committed by then.
   */
  settle?: (tx: Store, outcome: { written: number[]; skipped: number[] }) => Promise<void>;
}

export interface RescoreSummary {
  accounts: number;
  modelVersion: number;
  asOf: number;
  bandChanges: number;
  flagsRaised: number;
  ms: number;
  /** where the time went: reading inputs, the engine, writing (ms) */
  phases: { loadMs: number; scoreMs: number; writeMs: number };
}

/** Accounts loaded, scored and written per transaction (bounded memory). */
export const CHUNK = 500;
/**
 * On SQLite, 250 accounts at a time (about 40 ms of loading and scoring, a few ms holding the write
 * lock) with a pause between chunks, so that page reads and event batches of this and other
 * processes interleave with a long rescore.
 */
const SQLITE_CHUNK = 250;
const SQLITE_PAUSE_MS = 1;

/** What scoring current scores needs: plain data, so worker threads can get it too. */
export interface RescoreContext {
  model: Model;
  version: number;
  asOf: number;
  catalogue: FeatureInfo[];
}

export async function rescoreContext(db: Store, options: Pick<RescoreOptions, 'asOf' | 'now'> = {}): Promise<RescoreContext> {
  const live = await ensureLiveModel(db);
  const asOf = options.asOf ?? endOfUtcDay(options.now ?? Date.now());
  return { model: live.model, version: live.version, asOf, catalogue: await loadCatalogue(db) };
}

/** Where loading and scoring a chunk spent its time (ms), added to by `scoreAccounts`. */
export interface ScoringPhases { loadMs: number; scoreMs: number }

/**
 * Loads and scores these accounts (those that exist, in this order). Each account is scored as
 * soon as its activity is read, so only the results of a chunk are held at once. `phases`: the
 * time spent is added to it.
 */
export async function scoreAccounts(db: Store, ctx: RescoreContext, accountPks: readonly number[], phases?: ScoringPhases): Promise<ScoredAccount[]> {
  const started = performance.now();
  const { model, asOf, catalogue } = ctx;
  const propTypes = propTypesOf(model, { flags: true });
  const types = typesReadBy(model, { flags: true });
  const scored: ScoredAccount[] = [];
  let scoreMs = 0;
  await eachInputAsOf(db, { accountPks, asOf, model, propTypes, types }, (input) => {
    const t0 = performance.now();
    const result = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf, detail: 'lean' });
    scored.push({ pk: input.pk, result });
    scoreMs += performance.now() - t0;
  });
  if (phases) {
    phases.scoreMs += scoreMs;
    phases.loadMs += performance.now() - started - scoreMs;
  }
  return scored;
}

/** Adds up what writing chunks reported. */
export class RescoreTally {
  accounts = 0;
  bandChanges = 0;
  flagsRaised = 0;

  add(accounts: number, out: { bandChanges: number; flagsRaised: number }): void {
    this.accounts += accounts;
    this.bandChanges += out.bandChanges;
    this.flagsRaised += out.flagsRaised;
  }
}

/** When each account's stored score was computed (absent: none yet), read before its figures are. */
async function storedAt(db: Store, pks: readonly number[]): Promise<Map<number, number>> {
  const rows = await db.all<{ account_pk: number; computed_at: number }>(`SELECT account_pk, computed_at FROM scores WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`, [JSON.stringify(pks)]);
  return new Map(rows.map((r) => [r.account_pk, r.computed_at]));
}

/**
 * Recomputes current scores with the live model, a chunk of accounts at a time. Outside a
 * transaction each chunk is loaded and scored first, with nothing locked, then written in a short
 * transaction: readers and event batches never wait for the scoring. A score another writer
 * stored after the chunk read its figures is newer than them: that account is left as it is and
 * listed for the rescore after events (see `settle`), so a score is never written over with
 * figures read before it. Inside the caller's transaction the chunk is locked, read and written
 * in it.
 */
export async function rescore(db: Store, options: RescoreOptions = {}): Promise<RescoreSummary> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const ctx = await rescoreContext(db, { asOf: options.asOf, now });
  const writer = new ScoreWriter(ctx.model, ctx.version, now);
  const phases = { loadMs: 0, scoreMs: 0, writeMs: 0 };
  const tally = new RescoreTally();
  let t = started;
  const lap = (phase: keyof typeof phases) => {
    const t1 = performance.now();
    phases[phase] += t1 - t;
    t = t1;
  };
  // Scoring adds its own load and score times; the clock goes on after it.
  const scoreChunk = async (part: readonly number[]) => {
    lap('loadMs');
    const chunk = await scoreAccounts(db, ctx, part, phases);
    t = performance.now();
    return chunk;
  };
  const settle = options.settle ?? (async (tx: Store, { skipped }: { skipped: number[] }) => markRescorePending(tx, skipped, now));

  const pks = options.accountPks ? [...new Set(options.accountPks)] : await db.column<number>('SELECT pk FROM accounts ORDER BY pk');
  // Accounts asked for that do not exist are not counted (a progress bar needs the real total).
  const total = options.accountPks && options.onProgress
    ? ((await db.value<number>(`SELECT count(*) FROM accounts WHERE ${db.dialect.inJsonArray('pk', 'int')}`, [JSON.stringify(pks)])) ?? 0)
    : pks.length;
  const inCallersTx = db.inTransaction;
  const sqlite = db.engine === 'sqlite' && !inCallersTx;
  const size = options.writeChunk ?? (sqlite ? SQLITE_CHUNK : CHUNK);
  lap('loadMs');
  for (let i = 0; i < pks.length; i += size) {
    if (sqlite && i > 0) await new Promise((resolve) => setTimeout(resolve, SQLITE_PAUSE_MS));
    const part = pks.slice(i, i + size);
    let written: { accounts: number; out: { bandChanges: number; flagsRaised: number } };
    if (inCallersTx) {
      await lockScores(db, part);
      const chunk = await scoreChunk(part);
      const out = await writer.write(db, chunk);
      await refreshProgramme(db, out.written, now, ctx.model);
      await settle(db, out);
      lap('writeMs');
      written = { accounts: chunk.length, out };
    } else {
      const seen = await storedAt(db, part);
      const chunk = await scoreChunk(part);
      const writeChunk = () =>
        db.tx(async (tx) => {
          // PostgreSQL: the score locks every writer of scores and snapshots takes, not the
          // accounts' rows event batches hold while they write: a rescore never waits for a batch.
          await lockScores(tx, part);
          const out = await writer.write(tx, chunk, seen);
          // The cadence and playbooks of the accounts stored, with their scores: a band drop and
          // the tasks it gives are committed together.
          await refreshProgramme(tx, out.written, now, ctx.model);
          await settle(tx, out);
          return { accounts: out.written.length, out };
        });
      // A chunk whose transaction lost to another writer (SQLite's lock held past the busy
      // timeout, a PostgreSQL lock conflict) committed nothing: it is written again.
      written = await retryWhenBusy(writeChunk);
      lap('writeMs');
    }
    const { accounts, out } = written;
    tally.add(accounts, out);
    if (accounts) options.onProgress?.(tally.accounts, total);
  }
  return { accounts: tally.accounts, modelVersion: ctx.version, asOf: ctx.asOf, bandChanges: tally.bandChanges, flagsRaised: tally.flagsRaised, ms: performance.now() - started, phases };
}
