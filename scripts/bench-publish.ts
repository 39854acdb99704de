/**
 * Latency of the server's other requests while a model publish recomputes every score and the
 * daily history in the background: `/api/health` and the accounts list (API, 50 rows) are asked
 * one request at a time each (the list at most 20 times a second, under the API's rate limit), first for a few seconds with nothing else running (baseline), then
 * from the `PUT /api/v1/model` until its job is done. Prints p50/p95/max of both phases and how
 * long the publish took.
 *
 *   npx tsx scripts/bench-publish.ts [--db /tmp/bench-publish/trellis.db|postgres://...] [--accounts 10000] [--months 12] [--volume 1] [--port 3960] [--baseline-seconds 10]
 *
 * The database is seeded on the first run (bench-support) and kept; each run publishes a new version.
 */
import { parseArgs } from 'node:util';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { positive, seededBenchDatabase } from './bench-support';
import { describeDatabase, run } from './cli';
import { buildIfNeeded, serverDatabase, startServer, waitForHealth } from './serve';

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `n ${s.length}, p50 ${pct(s, 50).toFixed(1)} ms, p95 ${pct(s, 95).toFixed(1)} ms, max ${(s.at(-1) ?? 0).toFixed(1)} ms`;
};

run(async () => {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: '/tmp/bench-publish/trellis.db' }, accounts: { type: 'string' }, months: { type: 'string' }, volume: { type: 'string' },
      port: { type: 'string', default: '3960' }, 'baseline-seconds': { type: 'string', default: '10' },
    },
  });
  const db = await seededBenchDatabase(values.db!, {
    accounts: Math.round(positive('accounts', values.accounts, 10_000)),
    months: Math.round(positive('months', values.months, 12)),
    volume: positive('volume', values.volume, 1),
  });
  const accounts = (await db.value<number>('SELECT count(*) FROM accounts')) ?? 0;
  const key = (await createApiKey(db, { name: `bench publish ${Date.now()}`, scope: 'admin' }, { actor: 'bench' })).key;
  await db.close();

  buildIfNeeded();
  const port = Number(values.port);
  const base = `http://localhost:${port}`;
  const database = serverDatabase(values.db);
  const server = startServer({ port, databaseFile: database.databaseFile, env: { ...database.env, NEXTAUTH_SECRET: 'bench-secret' } });
  const api = (pathname: string, init: RequestInit = {}) => fetch(`${base}${pathname}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });
  try {
    await waitForHealth(base);
    /**
     * Asks `ask` one request at a time, starting at most one every `everyMs`, until `until()` says
     * stop; the latencies in ms.
     */
    const probe = async (ask: () => Promise<Response>, until: () => boolean, everyMs = 0) => {
      const ms: number[] = [];
      while (!until()) {
        const t0 = performance.now();
        const res = await ask();
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`a probe answered ${res.status}`);
        const took = performance.now() - t0;
        ms.push(took);
        if (took < everyMs) await sleep(everyMs - took);
      }
      return ms;
    };
    const health = () => fetch(`${base}/api/health`);
    // The API's rate limit is 50 requests per second per key: the list asks at most 20 times a second.
    const LIST_EVERY_MS = 50;
    const list = () => api('/api/v1/accounts?limit=50&sort=-score');

    const baselineEnd = Date.now() + positive('baseline-seconds', values['baseline-seconds'], 10) * 1000;
    const [baseHealth, baseList] = await Promise.all([probe(health, () => Date.now() > baselineEnd), probe(list, () => Date.now() > baselineEnd, LIST_EVERY_MS)]);

    const live = (await (await api('/api/v1/model')).json()) as { version: number; model: { dimensions: { measures: { kind: string; points?: number }[] }[] } };
    // Alternately triple and restore the first dimension's count points, so every run changes scores.
    const factor = live.version % 2 ? 3 : 1 / 3;
    const model = { ...live.model, dimensions: live.model.dimensions.map((d, i) => (i === 0 ? { ...d, measures: d.measures.map((m) => (m.kind === 'count' ? { ...m, points: m.points! * factor } : m)) } : d)) };
    const t0 = performance.now();
    const put = await api('/api/v1/model', { method: 'PUT', body: JSON.stringify({ model, note: 'bench-publish' }) });
    const putMs = performance.now() - t0;
    const answer = (await put.json()) as { version: number; job?: { id: string } };
    if (put.status !== 202 || !answer.job) throw new Error(`PUT /api/v1/model answered ${put.status}`);
    let done = false;
    let lastProgress = 0;
    const watch = (async () => {
      while (!done) {
        const job = (await (await api(`/api/v1/jobs/${answer.job!.id}`)).json()) as { state: string; progress: number; error: string | null };
        lastProgress = job.progress;
        if (job.state === 'failed') throw new Error(`the publish job failed: ${job.error}`);
        if (job.state === 'done') done = true;
        else await sleep(250);
      }
    })();
    const [pubHealth, pubList] = await Promise.all([probe(health, () => done), probe(list, () => done, LIST_EVERY_MS), watch]);
    const publishMs = performance.now() - t0;

    console.log(`\n${accounts.toLocaleString('en')} accounts, ${describeDatabase(values.db)}; version ${answer.version} published (job ${answer.job.id}, progress ${lastProgress})`);
    console.log(`PUT /api/v1/model answered ${put.status} in ${putMs.toFixed(0)} ms; the job recomputed scores and history in ${(publishMs / 1000).toFixed(1)} s`);
    console.log(`/api/health     baseline: ${summary(baseHealth)}`);
    console.log(`/api/health     publish:  ${summary(pubHealth)}`);
    console.log(`accounts list   baseline: ${summary(baseList)}`);
    console.log(`accounts list   publish:  ${summary(pubList)}`);
  } finally {
    server.kill('SIGTERM');
  }
});
