/**
 * Server response times of the CSM's pages under concurrent clients (autocannon, loopback only):
 * the accounts list (filtered, sorted) and the account page, as JSON and as the rendered page.
 *
 *   DATABASE_URL=file:/tmp/bench/trellis.db npx tsx scripts/bench-pages.ts [--connections 20] [--seconds 20] [--port 3900]
 *
 * Use a database with a scored portfolio (e.g. `npm run db:seed -- --accounts 10000 --months 18`).
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { databaseFile } from '@/db/open';
import { upsertUser } from '@/lib/server/commands/users';
import { signInCookie } from './bench-support';
import { openMigratedDatabase, run } from './cli';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

const EMAIL = 'bench-manager@example.com';
const PASSWORD = 'bench-password-not-secret';

function percentile(result: autocannon.Result, p: 'p50' | 'p90' | 'p97_5' | 'p99'): number {
  return result.latency[p];
}

async function measure(title: string, url: string, cookie: string, connections: number, seconds: number) {
  const result = await autocannon({ url, connections, duration: seconds, headers: { cookie } });
  // autocannon reports p90/p97.5/p99; p95 is interpolated between p90 and p97.5.
  const p95 = percentile(result, 'p90') + ((percentile(result, 'p97_5') - percentile(result, 'p90')) * (95 - 90)) / (97.5 - 90);
  const errors = result.errors + result.non2xx;
  console.log(
    `${title.padEnd(46)} ${String(Math.round(result.requests.average)).padStart(6)} req/s  p50 ${percentile(result, 'p50')} ms  ~p95 ${p95.toFixed(0)} ms  p99 ${percentile(result, 'p99')} ms  errors ${errors}`,
  );
  return { title, p95, errors };
}

run(async () => {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' }, port: { type: 'string', default: '3900' } } });
  const connections = Number(values.connections);
  const seconds = Number(values.seconds);
  const port = Number(values.port);
  const db = openMigratedDatabase();
  await upsertUser(db, { email: EMAIL, role: 'manager', password: PASSWORD }, { actor: 'bench' });
  const accounts = db.$client.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  const events = db.$client.prepare('SELECT coalesce(sum(events), 0) FROM account_activity').pluck().get() as number;
  const sample = db.$client.prepare("SELECT a.id FROM accounts a JOIN scores s ON s.account_pk = a.pk WHERE s.band = 'red' LIMIT 1").pluck().get() as string;
  db.$client.close();
  console.log(`Portfolio: ${accounts} accounts, ${events} events; ${connections} connections for ${seconds} s per route\n`);

  buildIfNeeded();
  const server = startServer({ port, databaseFile: databaseFile(), env: { NEXTAUTH_SECRET: 'bench-secret' } });
  try {
    const base = `http://localhost:${port}`;
    await waitForHealth(base);
    const cookie = await signInCookie(base, EMAIL, PASSWORD);
    const id = encodeURIComponent(sample);
    const runs = [
      ['accounts list JSON: red, most ARR first', `${base}/api/app/accounts?band=red&sort=-arr&limit=100&owner=*`],
      ['accounts list JSON: search, lowest score first', `${base}/api/app/accounts?q=son&sort=score&limit=100&owner=*`],
      ['account page JSON', `${base}/api/app/accounts/${id}`],
      ['accounts page HTML (server-rendered)', `${base}/accounts?band=red&sort=-arr&owner=*`],
      ['account page HTML (server-rendered)', `${base}/accounts/${id}`],
    ] as const;
    for (const [title, url] of runs) await measure(title, url, cookie, connections, seconds);
  } finally {
    server.kill('SIGTERM');
  }
});
