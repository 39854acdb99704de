/** Shared bits of the command-line scripts: the database, failing with a clear message. */
import { databaseFile, openDatabase, type Db } from '@/db/open';
import { PostgresConnectionError } from '@/db/postgres';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { AppError } from '@/lib/server/errors';

/** Command-line tools may wait longer for the write lock than the server, whose one thread stops while it waits. */
const CLI_BUSY_TIMEOUT_MS = 60_000;

export function openMigratedDatabase(): Db {
  const db = openDatabase(databaseFile());
  db.$client.pragma(`busy_timeout = ${CLI_BUSY_TIMEOUT_MS}`);
  return prepareDatabase(db);
}

/** Runs a script's main, printing errors without a stack trace for expected failures. */
export function run(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      if (error instanceof AppError) {
        console.error(`error: ${error.message}`);
        for (const d of error.details) console.error(`  ${d.path}: ${d.message}`);
      } else if (error instanceof UsageError || error instanceof PostgresConnectionError) {
        console.error(`error: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exitCode = 1;
    });
}

export class UsageError extends Error {}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
