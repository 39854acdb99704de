/**
 * Current scores: computed by the engine from the aggregates and stored with their flags,
 * band changes and the alerts they raise. Called just after event writes for the accounts they
 * touch (`rescore-pending.ts`), daily as time moves the windows, and after a model publish.
 */
import type { Db } from '@/db/open';
import { endOfUtcDay, propTypesOf, scoreAccount, typesReadBy } from '@/lib/scoring';
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
const CHUNK = 500;

/** Recomputes current scores with the live model, in chunks of accounts, each written in one transaction. */
export function rescore(db: Db, options: RescoreOptions = {}): RescoreSummary {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const live = ensureLiveModel(db);
  const model = live.model;
  const asOf = options.asOf ?? endOfUtcDay(now);
  const catalogue = loadCatalogue(db);
  const propTypes = propTypesOf(model, { flags: true });
  const types = typesReadBy(model, { flags: true });
  const writer = new ScoreWriter(db, model, live.version, now);
  const phases = { loadMs: 0, scoreMs: 0, writeMs: 0 };
  let bandChanges = 0;
  let flagsRaised = 0;
  let t = started;
  const lap = (phase: keyof typeof phases) => {
    const t1 = performance.now();
    phases[phase] += t1 - t;
    t = t1;
  };

  const pks = options.accountPks ? [...new Set(options.accountPks)] : undefined;
  const { total, inputs } = inputsAsOf(db, { accountPks: pks, asOf, windowDays: model.windowDays, propTypes, types });
  let accounts = 0;
  let chunk: ScoredAccount[] = [];
  const write = () => {
    // IMMEDIATE: the write reads before it writes; deferred, a commit by another process in
    // between would fail it (SQLITE_BUSY_SNAPSHOT) instead of making it wait its turn.
    const out = db.transaction(() => writer.write(chunk), { behavior: 'immediate' });
    lap('writeMs');
    accounts += chunk.length;
    bandChanges += out.bandChanges;
    flagsRaised += out.flagsRaised;
    chunk = [];
    options.onProgress?.(accounts, total);
  };
  lap('loadMs');
  for (;;) {
    const next = inputs.next();
    lap('loadMs');
    if (next.done) break;
    const input = next.value;
    const result = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf, detail: 'lean' });
    chunk.push({ pk: input.pk, result });
    lap('scoreMs');
    if (chunk.length === (options.writeChunk ?? CHUNK)) write();
  }
  if (chunk.length) write();
  return { accounts, modelVersion: live.version, asOf, bandChanges, flagsRaised, ms: performance.now() - started, phases };
}
