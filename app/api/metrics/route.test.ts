/**
 * GET /api/metrics on a real database, each engine: off unless configured (404 like any unknown
 * path), the token when one is set, the database's gauges read at scrape time, and the ingest
 * counters moved by real event batches through the events route.
 */
import { NextRequest } from 'next/server';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { describeEngines } from '@/lib/testing/engines';
import { sample } from '@/lib/testing/prometheus';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const { GET } = await import('./route');
const events = await import('../v1/events/route');

const noParams = { params: Promise.resolve({}) };

function scrape(headers: Record<string, string> = {}) {
  return GET(new NextRequest('http://localhost/api/metrics', { headers }));
}

async function scrapeText(): Promise<string> {
  const res = await scrape();
  expect(res.status).toBe(200);
  return res.text();
}

describeEngines('GET /api/metrics', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    state.store = t.store;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is off unless configured: a 404 in the API error shape, like an unknown path', async () => {
    vi.stubEnv('TRELLIS_METRICS_TOKEN', '');
    vi.stubEnv('TRELLIS_METRICS', '');
    const res = await scrape();
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
    vi.stubEnv('TRELLIS_METRICS', 'yes please');
    expect((await scrape()).status).toBe(404);
  });

  it('asks for the token when one is set, and answers the metrics with it', async () => {
    vi.stubEnv('TRELLIS_METRICS_TOKEN', 'scrape-secret');
    // The token wins over "open": setting both does not open the metrics to anyone.
    vi.stubEnv('TRELLIS_METRICS', 'open');
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe('unauthorized');
    expect((await scrape({ authorization: 'Bearer scrape-secre' })).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer scrape-secret-and-more' })).status).toBe(401);
    const ok = await scrape({ authorization: 'Bearer scrape-secret' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    for (const name of ['trellis_http_requests_total', 'trellis_http_request_duration_seconds', 'trellis_ingest_events_total', 'trellis_rescore_pending_accounts', 'trellis_jobs', 'trellis_database_size_bytes', 'process_cpu_user_seconds_total']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('reads the queues, the jobs and the database size from the database at each scrape', async () => {
    vi.stubEnv('TRELLIS_METRICS', 'open');
    await upsertAccounts(t.store, ['a', 'b', 'c'].map((id) => ({ id, name: id })));
    const pks = await t.store.column<number>('SELECT pk FROM accounts ORDER BY id');
    let text = await scrapeText();
    expect(sample(text, 'trellis_rescore_pending_accounts')).toBe(0);
    expect(sample(text, 'trellis_rescore_pending_oldest_seconds')).toBe(0);
    expect(sample(text, 'trellis_database_size_bytes')).toBeGreaterThan(0);

    const now = Date.now();
    await t.store.runMany('INSERT INTO rescore_pending (account_pk, queued_at) VALUES (?, ?)', [[pks[0]!, now - 90_000], [pks[1]!, now - 5_000]]);
    await t.store.run('INSERT INTO history_stale (account_pk, from_day, queued_at) VALUES (?, ?, ?)', [pks[2]!, 20_000, now - 600_000]);
    await t.store.runMany("INSERT INTO jobs (kind, status, started_at) VALUES ('model.publish', ?, ?)", [['failed', now], ['failed', now], ['done', now]]);
    text = await scrapeText();
    expect(sample(text, 'trellis_rescore_pending_accounts')).toBe(2);
    expect(sample(text, 'trellis_rescore_pending_oldest_seconds')).toBeGreaterThanOrEqual(90);
    expect(sample(text, 'trellis_rescore_pending_oldest_seconds')).toBeLessThan(600);
    expect(sample(text, 'trellis_history_stale_accounts')).toBe(1);
    expect(sample(text, 'trellis_history_stale_oldest_seconds')).toBeGreaterThanOrEqual(600);
    expect(sample(text, 'trellis_jobs', { kind: 'model.publish', state: 'failed' })).toBe(2);
    expect(sample(text, 'trellis_jobs', { kind: 'model.publish', state: 'done' })).toBe(1);

    // Drained: the gauges follow the database, not what an earlier scrape saw.
    await t.store.run('DELETE FROM rescore_pending');
    await t.store.run("DELETE FROM jobs WHERE status = 'done'");
    text = await scrapeText();
    expect(sample(text, 'trellis_rescore_pending_accounts')).toBe(0);
    expect(sample(text, 'trellis_rescore_pending_oldest_seconds')).toBe(0);
    expect(sample(text, 'trellis_jobs', { kind: 'model.publish', state: 'done' })).toBeUndefined();
  });

  it('counts event batches and their events: accepted, duplicates and refused batches', async () => {
    vi.stubEnv('TRELLIS_METRICS', 'open');
    const { key } = await createApiKey(t.store, { name: 'metrics test', scope: 'ingest' }, { actor: 'test' });
    const post = (body: unknown) =>
      events.POST(new NextRequest('http://localhost/api/v1/events?createAccounts=true', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }), noParams);
    const counts = async () => {
      const text = await scrapeText();
      const of = (labels: Record<string, string>, name = 'trellis_ingest_events_total') => sample(text, name, { source: 'api', ...labels }) ?? 0;
      return {
        accepted: of({ outcome: 'accepted' }),
        duplicate: of({ outcome: 'duplicate' }),
        rejected: of({ outcome: 'rejected' }),
        batches: of({ outcome: 'accepted' }, 'trellis_ingest_batches_total'),
        refused: of({ outcome: 'rejected' }, 'trellis_ingest_batches_total'),
      };
    };
    // Counters belong to the process (earlier tests moved them too): compare before and after.
    const before = await counts();
    const at = new Date().toISOString();
    const batch = [
      { id: 'm-1', accountId: 'acme', type: 'meeting.held', occurredAt: at },
      { id: 'm-2', accountId: 'acme', type: 'meeting.held', occurredAt: at },
    ];
    expect((await post(batch)).status).toBe(200);
    expect((await post([...batch, { id: 'm-3', accountId: 'acme', type: 'meeting.held', occurredAt: at }])).status).toBe(200);
    expect((await post([...batch, { id: 'm-4', accountId: 'acme', type: 'meeting.held', occurredAt: 'not a date' }])).status).toBe(400);
    expect((await post({ not: 'a list' })).status).toBe(400);
    const after = await counts();
    expect({
      accepted: after.accepted - before.accepted,
      duplicate: after.duplicate - before.duplicate,
      rejected: after.rejected - before.rejected,
      batches: after.batches - before.batches,
      refused: after.refused - before.refused,
    }).toEqual({ accepted: 3, duplicate: 2, rejected: 3, batches: 2, refused: 2 });
    // The batches listed acme for a rescore; let the drainer finish before the database goes away.
    await vi.waitFor(async () => expect(await t.store.value('SELECT count(*) FROM rescore_pending')).toBe(0), { timeout: 10_000 });
  });
});
