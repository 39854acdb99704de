/**
 * `GET /api/v1/jobs/{id}` answers every kind of background job in one shape: a model publish
 * (and the recompute after a feature change), CSV imports and bulk imports, queued, running, done
 * or failed, with progress from 0 to 1 and the error of a failed one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { DEFAULT_DATABASE_FILE } from '@/db/open';
import { guessMapping } from '@/lib/ingest/csv';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { finishImportRun, startImportRun } from '@/lib/server/commands/import-runs';
import { insertModelVersion } from '@/lib/server/commands/model';
import { createPublishJob } from '@/lib/server/commands/model-job';
import { importStatus, saveUpload, startCheck, startImport } from '@/lib/server/imports/csv-import';
import { callRoute } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const jobs = await import('./route');
const model = await import('../../model/route');

const USER = 1;
const SHAPE = { id: expect.any(String), kind: expect.any(String), state: expect.stringMatching(/^(queued|running|done|failed)$/), progress: expect.any(Number), error: null };
const heavier = () => ({ ...DEFAULT_MODEL, dimensions: DEFAULT_MODEL.dimensions.map((d, i) => (i === 0 ? { ...d, measures: d.measures.map((m) => (m.kind === 'count' ? { ...m, points: m.points * 2 } : m)) } : d)) });

describeEngines('GET /api/v1/jobs/{id}', (t) => {
  let read = '';
  let tokens: string[] = [];
  const job = (id: string, key = read) => callRoute(jobs.GET, { path: `/api/v1/jobs/${encodeURIComponent(id)}`, key, params: { id } });
  const settle = async (token: string) => {
    await vi.waitFor(() => expect(importStatus(token, USER).phase).not.toMatch(/^(checking|importing)$/), { timeout: 30_000, interval: 10 });
    return importStatus(token, USER);
  };

  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    read = (await createApiKey(t.store, { name: 'Reader', scope: 'read' }, { actor: 'cli' })).key;
    tokens = [];
  });
  afterEach(() => {
    if (t.engine === 'postgres') for (const token of tokens) fs.rmSync(path.join(path.dirname(path.resolve(DEFAULT_DATABASE_FILE)), 'imports', `${token}.csv`), { force: true });
  });

  it('follows a publish from PUT /api/v1/model to done, and says why a superseded one failed', async () => {
    const admin = (await createApiKey(t.store, { name: 'Admin', scope: 'admin' }, { actor: 'cli' })).key;
    await upsertAccounts(t.store, Array.from({ length: 60 }, (_, i) => ({ id: `A${i}`, name: `Account ${i}` })));
    // Recorded and not started: queued.
    const waiting = await createPublishJob(t.store, await insertModelVersion(t.store, { model: heavier(), author: 'test' }), null);
    expect((await job(String(waiting.job))).body).toEqual({ ...SHAPE, id: String(waiting.job), kind: 'model.publish', state: 'queued', progress: 0, message: expect.any(String), modelVersion: 2, done: 0, total: 60, startedAt: expect.any(String), finishedAt: null });

    const published = await callRoute(model.PUT, { path: '/api/v1/model', method: 'PUT', body: { model: DEFAULT_MODEL, note: 'back' }, key: admin });
    expect(published.status).toBe(202);
    const id: string = published.body.job.id;
    const seen = new Set<string>();
    await vi.waitFor(async () => {
      const answer = (await job(id)).body;
      expect(answer).toMatchObject({ ...SHAPE, id, kind: 'model.publish' });
      expect(answer.progress).toBeGreaterThanOrEqual(0);
      expect(answer.progress).toBeLessThanOrEqual(1);
      seen.add(answer.state);
      expect(answer.state).toBe('done');
    }, { timeout: 60_000, interval: 5 });
    expect((await job(id)).body).toMatchObject({ state: 'done', progress: 1, error: null, done: 60, total: 60, modelVersion: 3 });
    expect([...seen].every((s) => ['queued', 'running', 'done'].includes(s))).toBe(true);
    // The queued one was superseded by the newer version: failed, saying so.
    expect((await job(String(waiting.job))).body).toMatchObject({ state: 'failed', error: expect.stringContaining('version 3 was published') });
  });

  it('shows a CSV import under "import-N" until it is done', async () => {
    await upsertAccounts(t.store, [{ id: 'A', name: 'A' }]);
    const csv = ['account,type,date,count', ...Array.from({ length: 40 }, (_, i) => `A,meeting.held,2026-01-${String(1 + (i % 28)).padStart(2, '0')},1`)].join('\n');
    const token = await saveUpload(t.store, new Blob([csv]).stream(), { filename: 'events.csv', userPk: USER, actor: 'admin@example.com' });
    tokens.push(token);
    startCheck(t.store, token, USER, { kind: 'events', mapping: guessMapping('events', csv.split('\n')[0]!.split(',')), extras: false, createAccounts: false });
    expect((await settle(token)).phase).toBe('checked');
    startImport(t.store, token, USER, false);
    const { runPk, phase } = await settle(token);
    expect(phase).toBe('done');
    expect((await job(`import-${runPk}`)).body).toEqual({
      ...SHAPE, id: `import-${runPk}`, kind: 'import.events', state: 'done', progress: 1,
      message: null, modelVersion: null, done: 40, total: 40, startedAt: expect.any(String), finishedAt: expect.any(String),
    });
  });

  it('shows a running and a failed bulk import with its error', async () => {
    const pk = await startImportRun(t.store, { kind: 'oulad', filename: 'studentVle.csv.gz', totalRows: 0, actor: 'cli' });
    expect((await job(`import-${pk}`)).body).toMatchObject({ ...SHAPE, kind: 'import.oulad', state: 'running', progress: 0 });
    await finishImportRun(t.store, pk, { status: 'failed', writtenRows: 10, skipped: [], skippedRows: 0, message: 'The file ended early' });
    expect((await job(`import-${pk}`)).body).toMatchObject({ kind: 'import.oulad', state: 'failed', error: 'The file ended early' });
  });

  it('answers 404 for ids that name no job, and 403 to keys without the read scope', async () => {
    for (const id of ['999', 'import-999', '__proto__', 'constructor', '../1', 'import-1e3', '1'.repeat(40)]) {
      const answer = await job(id);
      expect(answer.status, id).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    const ingest = (await createApiKey(t.store, { name: 'Ingest', scope: 'ingest' }, { actor: 'cli' })).key;
    expect((await job('1', ingest)).status).toBe(403);
  });
});
