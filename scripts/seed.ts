/**
 * npm run db:seed -- [--accounts 1000] [--months 18] [--seed 42] [--end YYYY-MM-DD] [--reset]
 *                    [--volume 1] [--skip-aggregates]
 *
 * Seeds the demo portfolio (db/seed) into DATABASE_URL (file:path, default ./data/trellis.db, or
 * postgres://...).
 * Refuses a database that already has accounts unless --reset, which first deletes all customer
 * data (accounts, contacts, events, outcomes, aggregates, scores, snapshots, flags, alerts,
 * overrides, triggers, features) but keeps users, API keys and model versions.
 * `--end` is the exclusive end of the data (UTC midnight of that day); default: tomorrow, so the
 * data runs up to today. Progress goes to stderr, the summary to stdout.
 */
import { parseArgs } from 'node:util';
import { seedDemo, type SeedSummary } from '@/db/seed';
import { rebuildAggregates } from '@/lib/server/aggregates';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { SqliteStore, type Store } from '@/lib/server/store';
import { describeDatabase, openMigratedStore, run, UsageError } from './cli';

export const USAGE = `usage: npm run db:seed -- [--accounts N] [--months M] [--seed S] [--end YYYY-MM-DD] [--reset] [--volume V] [--skip-aggregates] [--skip-scores]
  --accounts N        accounts to create (default 1000)
  --months M          months of history before the end (default 18)
  --seed S            the random seed: same seed, options and end give the same data (default 42)
  --end YYYY-MM-DD    exclusive end of the data (default: tomorrow, UTC, so data runs up to today)
  --reset             delete the existing customer data first (users, API keys, models are kept)
  --volume V          multiplies login and feature-use rows (default 1: ~83 events per account-month)
  --skip-aggregates   do not rebuild the aggregates afterwards (implies --skip-scores)
  --skip-scores       do not compute current scores and daily history afterwards`;

export interface SeedArgs {
  accounts: number;
  months: number;
  seed: number;
  end?: Date;
  reset: boolean;
  volume: number;
  aggregate: boolean;
  scores: boolean;
}

function intArg(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be an integer, got "${raw}"\n${USAGE}`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be from ${min} to ${max}, got ${n}\n${USAGE}`);
  return n;
}

export function parseSeedArgs(argv: string[]): SeedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        accounts: { type: 'string' },
        months: { type: 'string' },
        seed: { type: 'string' },
        end: { type: 'string' },
        reset: { type: 'boolean', default: false },
        volume: { type: 'string' },
        'skip-aggregates': { type: 'boolean', default: false },
        'skip-scores': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  let end: Date | undefined;
  if (values.end !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(values.end) ? Date.parse(`${values.end}T00:00:00Z`) : NaN;
    if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== values.end) {
      throw new UsageError(`--end must be a date like 2026-01-31, got "${values.end}"\n${USAGE}`);
    }
    end = new Date(ms);
  }
  const volume = values.volume === undefined ? 1 : Number(values.volume);
  if (!(volume > 0 && volume <= 10)) throw new UsageError(`--volume must be a number in (0, 10], got "${values.volume}"\n${USAGE}`);
  return {
    accounts: intArg('accounts', values.accounts, 1000, 1, 1_000_000),
    months: intArg('months', values.months, 18, 1, 120),
    seed: intArg('seed', values.seed, 42, -(2 ** 31), 2 ** 32 - 1),
    end,
    reset: values.reset ?? false,
    volume,
    aggregate: !values['skip-aggregates'],
    scores: !values['skip-aggregates'] && !values['skip-scores'],
  };
}

/** Tables of customer data, children before parents. */
const CUSTOMER_TABLES = [
  'events',
  'agg_packed',
  'agg_names',
  'account_activity',
  'score_snapshots',
  'scores',
  'flags',
  'alerts',
  'band_changes',
  'overrides',
  'outcomes',
  'contacts',
  'accounts',
  'trigger_aliases',
  'triggers',
  'features',
] as const;

/** Deletes all customer data (not users, API keys, audit log, model versions or settings) and
 * restarts the ids of those tables, so that a reset seed equals a fresh one. */
export async function resetCustomerData(db: Store): Promise<void> {
  await db.tx(async (tx) => {
    for (const t of CUSTOMER_TABLES) await tx.run(`DELETE FROM ${t}`);
    const tables = JSON.stringify(CUSTOMER_TABLES);
    if (tx.engine === 'sqlite') {
      const hasSequence = await tx.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'");
      if (hasSequence) await tx.run(`DELETE FROM sqlite_sequence WHERE ${tx.dialect.inJsonArray('name', 'text')}`, [tables]);
    } else {
      const identities = await tx.all<{ tableName: string; columnName: string }>(
        `SELECT CAST(table_name AS text) AS tableName, CAST(column_name AS text) AS columnName FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES' AND ${tx.dialect.inJsonArray('CAST(table_name AS text)', 'text')}`,
        [tables],
      );
      for (const { tableName, columnName } of identities) await tx.run('SELECT setval(pg_get_serial_sequence(?, ?), 1, false)', [tableName, columnName]);
    }
  });
}

export async function countAccounts(db: Store): Promise<number> {
  return (await db.value<number>('SELECT count(*) FROM accounts')) ?? 0;
}

function progressLine(label: string, log: (line: string) => void, stepPct = 5) {
  let last = -Infinity;
  const t0 = performance.now();
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct >= last + stepPct || done === total) {
      last = pct;
      log(`  ${label}: ${pct}% (${done}/${total}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  };
}

/** Seeds into an open, migrated database; refuses existing accounts unless `args.reset`. */
export async function runSeed(db: Store, args: SeedArgs, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SeedSummary> {
  const existing = await countAccounts(db);
  if (existing > 0 && !args.reset) {
    throw new UsageError(`the database already has ${existing} accounts; pass --reset to delete the customer data and seed again`);
  }
  if (args.reset) {
    log('Deleting the existing customer data…');
    await resetCustomerData(db);
  }
  log(`Seeding ${args.accounts} accounts over ${args.months} months (seed ${args.seed})…`);
  const summary = await seedDemo(db, {
    accounts: args.accounts,
    months: args.months,
    seed: args.seed,
    end: args.end,
    volume: args.volume,
    onProgress: progressLine('accounts', log),
    aggregate: args.aggregate ? (d) => rebuildAggregates(d, { onProgress: progressLine('aggregates', log, 10) }) : undefined,
  });
  if (args.scores) {
    log('Scoring every account and building the daily history…');
    const printers = { 'current scores': progressLine('current scores', log, 25), 'daily history': progressLine('daily history', log, 10) };
    await rescoreEverything(db, { onProgress: (phase, done, total) => printers[phase](done, total) });
  }
  // Fold the write-ahead log into the file now rather than on the app's first writes. (No ANALYZE:
  // on 10 million events it takes minutes.)
  if (db instanceof SqliteStore) db.client.pragma('wal_checkpoint(TRUNCATE)');
  return summary;
}

export function formatSummary(s: SeedSummary): string {
  const writeSeconds = s.seconds - s.aggregateSeconds;
  const rate = (seconds: number) => (seconds > 0 ? Math.round(s.events / seconds) : 0).toLocaleString('en-US');
  return [
    `Seeded ${s.accounts} accounts, ${s.contacts} contacts, ${s.events} events, ${s.outcomes} outcomes`,
    `  data from ${s.from.slice(0, 10)} to ${s.to.slice(0, 10)} (exclusive); ${s.users} CSM users, ${s.triggers} triggers, ${s.features} features created`,
    `  ${s.seconds.toFixed(1)} s in all, ${rate(s.seconds)} events/s` +
      ` (generating and writing ${writeSeconds.toFixed(1)} s, ${rate(writeSeconds)} events/s; aggregates ${s.aggregateSeconds.toFixed(1)} s)`,
  ].join('\n');
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<SeedSummary> {
  const args = parseSeedArgs(argv);
  const db = await openMigratedStore();
  try {
    const summary = await runSeed(db, args);
    console.log(formatSummary(summary));
    console.log(`  database: ${describeDatabase()}`);
    return summary;
  } finally {
    await db.close();
  }
}

// Run only when executed (`tsx scripts/seed.ts`), not when a test imports this module.
if (/[\\/]scripts[\\/]seed\.ts$/.test(process.argv[1] ?? '')) {
  run(async () => {
    await main();
  });
}
