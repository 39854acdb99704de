/**
 * The PostgreSQL deployment the Playwright suite's `postgres` project runs against: a fresh
 * database on TEST_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres)
 * holding a small demo portfolio, TWO web processes (`next start` on --port and --port + 1, with
 * TRELLIS_WORKER=off) and ONE worker process (`npm run worker`), as docs/operations.md describes
 * a deployment behind a load balancer. API keys of every scope go to data/e2e-pg/keys.json. The
 * database is dropped when this process stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey, API_KEY_SCOPES } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { postgresStore } from '@/lib/server/store';
import { testDatabaseUrl, withAdmin } from '@/lib/testing/temp-pg';
import { run } from './cli';
import { ensureDemoData, ensureDemoUsers } from './demo-data';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

const FOLDER = path.resolve('data/e2e-pg');

const admin = (sql: string) => withAdmin((c) => c.query(sql)).then(() => undefined);

function buildMarker(): string {
  return path.resolve(`data/e2e-build-${process.env.E2E_RUN_ID ?? 'manual'}.ready`);
}

/** The demo server of the SQLite suite builds once; standalone, this script builds itself. */
async function waitForBuild(): Promise<void> {
  if (!process.env.E2E_RUN_ID) return buildIfNeeded();
  const deadline = Date.now() + 10 * 60_000;
  while (!fs.existsSync(buildMarker())) {
    if (Date.now() > deadline) throw new Error('The demo server did not finish the build within 10 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
}

run(async () => {
  const { values } = parseArgs({ options: { port: { type: 'string' } } });
  const port = Number(values.port ?? 3110);
  // One name per port: a run killed before it could drop its database leaves nothing behind for long
  // (the next run on that port starts by dropping it); two runs never share a port.
  const name = `trellis_e2e_${port}`;
  const databaseUrl = testDatabaseUrl(name);

  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  fs.rmSync(FOLDER, { recursive: true, force: true });
  fs.mkdirSync(FOLDER, { recursive: true });
  const db = await prepareDatabase(await postgresStore(databaseUrl));
  await ensureDemoData(db, { accounts: 40, months: 3, seed: 7 });
  await ensureDemoUsers(db);
  const keys: Record<string, string> = {};
  for (const scope of API_KEY_SCOPES) keys[scope] = (await createApiKey(db, { name: `e2e ${scope}`, scope }, { actor: 'e2e' })).key;
  fs.writeFileSync(path.join(FOLDER, 'keys.json'), JSON.stringify({ ...keys, databaseUrl }, null, 2));
  await db.close();
  await waitForBuild();

  const logLevel = process.env.LOG_LEVEL ?? 'warn';
  const env = { DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: 'e2e-secret-not-for-production', TRELLIS_WORKER: 'off', LOG_LEVEL: logLevel };
  const children: ChildProcess[] = [
    startServer({ port, databaseFile: path.join(FOLDER, 'unused.db'), env }),
    startServer({ port: port + 1, databaseFile: path.join(FOLDER, 'unused.db'), env }),
    spawn(process.execPath, ['scripts/run-compiled.mjs', 'scripts/worker.ts'], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: logLevel },
    }),
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of children) child.on('exit', (code) => void stop(code ?? 1));
  await waitForHealth(`http://localhost:${port}`);
  await waitForHealth(`http://localhost:${port + 1}`);
  // The health route of this port answers once both web processes do.
  console.log(`PostgreSQL e2e deployment ready: web on ${port} and ${port + 1}, one worker, database ${name}`);
  await new Promise(() => undefined);
});
