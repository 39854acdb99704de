/**
 * Current scores: computed by the engine from the aggregates and stored with their flags,
 * band changes and the alerts they raise. Called just after event writes for the accounts they
 * touch (`rescore-pending.ts`), daily as time moves the windows, and after a model publish.
 */
import type { Db } from '@/db/open';
import { endOfUtcDay, propTypesOf, scoreAccount, typesReadBy, type FeatureInfo, type Model } from '@/lib/scoring';
import { ensureLiveModel } from './model';
import { ScoreWriter, type ScoredAccount } from './score-writer';
import { inputsAsOf, loadCatalogue } from '../queries/scoring-inputs';

export { dimensionScores } from './score-writer';

export interface RescoreOptions {
  /** only these accounts (default: all) */
  accountPks?: number[];
  /** the instant scores are as of (default: the end of the current UTC day) */
  asOf?: number;
  /** when the work happens (alerts and flags are stamped with it) */
  now?: number;
  onProgress?: (done: number, total: number) => void;
  /** accounts written per transaction (default 500); fewer keep each hold of the write lock short */
  writeChunk?: number;
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

/** Accounts written per transaction (scored one by one: bounded memory). */
export const CHUNK = 500;

/** What scoring current scores needs: plain data, so worker threads can get it too. */
export interface RescoreContext {
  model: Model;
  version: number;
  asOf: number;
  catalogue: FeatureInfo[];
}

export function rescoreContext(db: Db, options: Pick<RescoreOptions, 'asOf' | 'now'> = {}): RescoreContext {
  const live = ensureLiveModel(db);
  const asOf = options.asOf ?? endOfUtcDay(options.now ?? Date.now());
  return { model: live.model, version: live.version, asOf, catalogue: loadCatalogue(db) };
}

type Lap = (phase: 'loadMs' | 'scoreMs') => void;

/** Loads and scores accounts one at a time (all when `accountPks` is omitted); `lap` is told when each step ends. */
export function scoreAccounts(db: Db, ctx: RescoreContext, accountPks?: readonly number[], lap?: Lap): { total: number; scored: Generator<ScoredAccount> } {
  const { model, asOf, catalogue } = ctx;
  const propTypes = propTypesOf(model, { flags: true });
  const types = typesReadBy(model, { flags: true });
  const { total, inputs } = inputsAsOf(db, { accountPks, asOf, windowDays: model.windowDays, propTypes, types });
  function* scored(): Generator<ScoredAccount> {
    for (const input of inputs) {
      lap?.('loadMs');
      const result = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf, detail: 'lean' });
      lap?.('scoreMs');
      yield { pk: input.pk, result };
    }
  }
  return { total, scored: scored() };
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

/** Recomputes current scores with the live model, in chunks of accounts, each written in one transaction. */
export function rescore(db: Db, options: RescoreOptions = {}): RescoreSummary {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const ctx = rescoreContext(db, { asOf: options.asOf, now });
  const writer = new ScoreWriter(db, ctx.model, ctx.version, now);
  const phases = { loadMs: 0, scoreMs: 0, writeMs: 0 };
  const tally = new RescoreTally();
  let t = started;
  const lap = (phase: keyof typeof phases) => {
    const t1 = performance.now();
    phases[phase] += t1 - t;
    t = t1;
  };

  const pks = options.accountPks ? [...new Set(options.accountPks)] : undefined;
  const { total, scored } = scoreAccounts(db, ctx, pks, lap);
  let chunk: ScoredAccount[] = [];
  const write = () => {
    // IMMEDIATE: the write reads before it writes; deferred, a commit by another process in
    // between would fail it (SQLITE_BUSY_SNAPSHOT) instead of making it wait its turn.
    tally.add(chunk.length, db.transaction(() => writer.write(chunk), { behavior: 'immediate' }));
    lap('writeMs');
    chunk = [];
    options.onProgress?.(tally.accounts, total);
  };
  lap('loadMs');
  for (const account of scored) {
    chunk.push(account);
    if (chunk.length === (options.writeChunk ?? CHUNK)) write();
  }
  if (chunk.length) write();
  return { accounts: tally.accounts, modelVersion: ctx.version, asOf: ctx.asOf, bandChanges: tally.bandChanges, flagsRaised: tally.flagsRaised, ms: performance.now() - started, phases };
}
