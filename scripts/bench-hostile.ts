/**
 * npx tsx scripts/bench-hostile.ts [--accounts 1000] [--repeat 3] [--port 3990]
 *
 * What the worst batches an ingest key may send cost the server (production build, scratch
 * database, loopback): for each case, the time to answer each POST and the slowest
 * `/api/health` answer while it ran (polled every 20 ms from this process).
 * - REST, 10,000 events, count 1,000,000, 50 numeric properties, one account and one day;
 * - the same spread over `--accounts` accounts;
 * - REST, 10,000 reply events (a property kept for medians) with distinct values, one account and day;
 * - Segment, 2,500 track calls under a batch `context` of 180,000 keys (what 4 MB holds);
 * - a body nested 1,000,000 levels deep (refused).
 * Starts and stops its own server; bounded in requests and time.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { positive } from './bench-support';
import { openMigratedSqlite, run } from './cli';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

const DAY = 86_400_000;
const PROPS = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, 1_000_000 + i]));

function worstEvents(accounts: number, occurredAt: string) {
  return Array.from({ length: 10_000 }, (_, i) => ({ accountId: `H-${i % accounts}`, type: 'product.login', occurredAt, count: 1_000_000, properties: PROPS }));
}

function replyEvents(occurredAt: string, round: number) {
  return Array.from({ length: 10_000 }, (_, i) => ({ accountId: 'H-0', type: 'outreach.replied', occurredAt, count: 1_000_000, properties: { responseHours: round * 10_000 + i + 0.5 } }));
}

function segmentFlood(occurredAt: string) {
  const context: Record<string, number> = {};
  for (let i = 0; i < 180_000; i++) context[`k${i}`] = i;
  const batch = Array.from({ length: 2_500 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'product.login', timestamp: occurredAt, properties: { accountId: 'H-0', n: i } }));
  return JSON.stringify({ context, batch });
}

run(async () => {
  const { values } = parseArgs({ options: { accounts: { type: 'string', default: '1000' }, repeat: { type: 'string', default: '3' }, port: { type: 'string', default: '3990' } } });
  const accounts = positive('--accounts', values.accounts, 1000);
  const repeat = positive('--repeat', values.repeat, 3);
  const port = positive('--port', values.port, 3990);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-hostile-'));
  const file = path.join(dir, 'trellis.db');
  const db = await openMigratedSqlite(file);
  await upsertAccounts(db, Array.from({ length: accounts }, (_, i) => ({ id: `H-${i}`, name: `Hostile ${i}` })));
  const key = (await createApiKey(db, { name: 'bench', scope: 'ingest' }, { actor: 'bench' })).key;
  await db.close();

  buildIfNeeded();
  const base = `http://localhost:${port}`;
  const server: ChildProcess = startServer({ port, databaseFile: file, env: { API_RATE_LIMIT_BURST: '100000', API_RATE_LIMIT_PER_SECOND: '100000' } });
  const stop = () => server.kill('SIGTERM');
  process.on('exit', stop);
  try {
    await waitForHealth(base);
    const occurredAt = new Date(Date.now() - DAY).toISOString();

    /** Sends one body; answers its status, its time and the slowest health answer meanwhile. */
    async function measure(pathname: string, body: string, headers: Record<string, string> = {}) {
      let busy = true;
      let slowest = 0;
      const poll = (async () => {
        while (busy) {
          const t = performance.now();
          await fetch(`${base}/api/health`);
          slowest = Math.max(slowest, performance.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const t = performance.now();
      const res = await fetch(`${base}${pathname}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers } });
      await res.text();
      const ms = performance.now() - t;
      busy = false;
      await poll;
      return { status: res.status, ms, health: slowest, bytes: Buffer.byteLength(body) };
    }

    const cases: [string, (round: number) => { path: string; body: string; headers?: Record<string, string> }][] = [
      ['REST 10,000 events x count 1,000,000 x 50 numeric properties, 1 account-day', () => ({ path: '/api/v1/events', body: JSON.stringify(worstEvents(1, occurredAt)) })],
      [`the same over ${accounts.toLocaleString('en')} accounts`, () => ({ path: '/api/v1/events', body: JSON.stringify(worstEvents(accounts, occurredAt)) })],
      ['REST 10,000 reply times (kept for medians), distinct values, 1 account-day', (round) => ({ path: '/api/v1/events', body: JSON.stringify(replyEvents(occurredAt, round)) })],
      ['Segment 2,500 calls under a 180,000-key batch context', () => ({ path: '/api/segment/v1/batch', body: segmentFlood(occurredAt), headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } })],
      ['a body nested 1,000,000 levels deep', () => ({ path: '/api/v1/events', body: '['.repeat(1_000_000) + ']'.repeat(1_000_000) })],
    ];
    console.log('| case | body | round | status | answered in | slowest /api/health meanwhile |');
    console.log('|---|---|---|---|---|---|');
    for (const [label, make] of cases) {
      for (let round = 0; round < repeat; round++) {
        const c = make(round);
        const r = await measure(c.path, c.body, c.headers);
        console.log(`| ${label} | ${(r.bytes / 1048576).toFixed(1)} MB | ${round + 1} | ${r.status} | ${r.ms.toFixed(0)} ms | ${r.health.toFixed(0)} ms |`);
      }
    }
  } finally {
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
