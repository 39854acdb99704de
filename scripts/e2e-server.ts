/**
 * The servers the Playwright suite runs against, each on a freshly migrated database in
 * ./data/e2e-<name>/ served by `next start` (built first when the build is missing or stale):
 * - `demo`: a seeded demo portfolio with the demo users;
 * - `examples`: no customers, a feature catalogue of 3 core, 2 advanced and 4 basic features and
 *   the triggers of SCORING.md's worked examples, for the scoring tests through the HTTP API;
 * - `fuzz`: a small demo portfolio with the demo users and no rate limit worth the name, for the
 *   property-based suite (e2e/fuzz.spec.ts) alone: what hostile input does to it stays there.
 * Each writes API keys of every scope to keys.json beside its database. With --oidc-issuer the
 * server also offers sign-in through that OpenID provider (scripts/e2e-oidc.ts, as the client of
 * e2e/support/oidc.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OIDC_CLIENT } from '@/e2e/support/oidc';
import { createApiKey, API_KEY_SCOPES } from '@/lib/server/commands/api-keys';
import type { Store } from '@/lib/server/store';
import { openMigratedSqlite, run, UsageError } from './cli';
import { ensureDemoData, ensureDemoUsers } from './demo-data';
import { buildIfNeeded, startServer } from './serve';

export function e2eDatabase(name: string): string {
  return path.resolve(`data/e2e-${name}/trellis.db`);
}

async function installExampleFixtures(db: Store) {
  const features = [['c1', 'core'], ['c2', 'core'], ['c3', 'core'], ['a1', 'advanced'], ['a2', 'advanced'], ['b1', 'basic'], ['b2', 'basic'], ['b3', 'basic'], ['b4', 'basic']];
  await db.runMany('INSERT INTO features (key, label, tier) VALUES (?, ?, ?)', features.map(([key, tier]) => [key!, `Feature ${key}`, tier!]));
  await db.runMany('INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, ?)', [
    ['profile.reviewed', 'Profile reviewed', 'Worked example 1', '[]'],
    ['question.answered', 'Question answered', 'Worked example 1', '[]'],
    ['alignment.call', 'Alignment call', 'Worked example 1', '[]'],
  ]);
}

function buildMarker(): string {
  return path.resolve(`data/e2e-build-${process.env.E2E_RUN_ID ?? 'manual'}.ready`);
}

async function waitForBuild(): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (!fs.existsSync(buildMarker())) {
    if (Date.now() > deadline) throw new Error('The demo server did not finish the build within 10 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
}

run(async () => {
  const { values } = parseArgs({ options: { fixture: { type: 'string', default: 'demo' }, port: { type: 'string' }, 'oidc-issuer': { type: 'string' } } });
  const fixture = values.fixture!;
  if (!['demo', 'examples', 'fuzz'].includes(fixture)) throw new UsageError('--fixture must be demo, examples or fuzz');
  const port = Number(values.port ?? process.env.E2E_PORT ?? 3100);
  const file = e2eDatabase(fixture);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const db = await openMigratedSqlite(file);
  try {
    if (fixture === 'demo') {
      // 15 months and 600 accounts: enough churn on earlier dates to fit the churn risk (e2e/churn-risk.spec.ts).
      await ensureDemoData(db, { accounts: 600, months: 15, seed: 7 });
      await ensureDemoUsers(db);
    } else if (fixture === 'fuzz') {
      await ensureDemoData(db, { accounts: 30, months: 3, seed: 11 });
      await ensureDemoUsers(db);
    } else {
      await installExampleFixtures(db);
    }
    const keys: Record<string, string> = {};
    for (const scope of API_KEY_SCOPES) keys[scope] = (await createApiKey(db, { name: `e2e ${scope}`, scope }, { actor: 'e2e' })).key;
    fs.writeFileSync(path.join(path.dirname(file), 'keys.json'), JSON.stringify(keys, null, 2));
  } finally {
    await db.close();
  }
  // One build for both servers: the demo server builds, the other waits for that build.
  if (fixture === 'demo') {
    buildIfNeeded();
    for (const old of fs.readdirSync('data').filter((f) => /^e2e-build-.*\.ready$/.test(f))) fs.rmSync(path.join('data', old));
    fs.writeFileSync(buildMarker(), new Date().toISOString());
  } else {
    await waitForBuild();
  }
  // The fuzz suite sends thousands of requests with one key; the limiter has its own tests.
  const limits: Record<string, string> = fixture === 'fuzz' ? { API_RATE_LIMIT_BURST: '1000000', API_RATE_LIMIT_PER_SECOND: '1000000' } : {};
  const issuer = values['oidc-issuer'];
  const oidc: Record<string, string> = issuer ? { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: OIDC_CLIENT.id, OIDC_CLIENT_SECRET: OIDC_CLIENT.secret, OIDC_NAME: OIDC_CLIENT.name } : {};
  // The metrics route on, with a token (e2e/operations.spec.ts); a log line per request only when asked for.
  const operations = { TRELLIS_METRICS_TOKEN: 'e2e-metrics-token', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const server = startServer({ port, databaseFile: file, env: { NEXTAUTH_SECRET: 'e2e-secret-not-for-production', ...operations, ...limits, ...oidc } });
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
});
