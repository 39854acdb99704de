/**
 * A PostgreSQL deployment as operations describes it: two web processes behind (here, instead of)
 * a load balancer and one worker, on one database (scripts/e2e-pg.ts). What one web process
 * accepts, the other shows; the worker rescored it; sessions hold on either process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PG_PORT } from '../../playwright.config';
import { AccountsPage } from '../pages/accounts-page';
import { CohortsPage } from '../pages/analytics-pages';
import { signInAs } from '../pages/login-page';
import { apiClient, daysAgo } from '../support/api';

const web = [`http://localhost:${PG_PORT}`, `http://localhost:${PG_PORT + 1}`] as const;
const keys = () => JSON.parse(fs.readFileSync(path.resolve('data/e2e-pg/keys.json'), 'utf8')) as Record<'ingest' | 'read' | 'admin', string>;

test.beforeAll(async () => {
  for (const base of web) await expect.poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status, { timeout: 120_000 }).toBe(200);
});

test('a user signed in on one web process stays signed in on the other', async ({ page }) => {
  await page.goto(`${web[0]}/login`);
  await signInAs(page, 'csm@example.com');
  await page.goto(`${web[1]}/accounts`);
  await expect(page.getByRole('navigation', { name: 'Main' }).first()).toBeVisible();
  await expect(new AccountsPage(page).rows.first()).toBeVisible();
});

test('an event sent to one web process is rescored by the worker and shown by the other', async ({ page }) => {
  const ingest = await apiClient(web[0], keys().ingest);
  const read = await apiClient(web[1], keys().read);
  expect((await ingest.post('/api/v1/accounts', { data: [{ id: 'PG-1', name: 'Postgres Pioneers', tier: 'core', ownerEmail: 'csm@example.com', startedAt: daysAgo(300) }] })).status()).toBe(200);
  expect((await ingest.post('/api/v1/events', { data: [{ accountId: 'PG-1', type: 'support.interaction', occurredAt: daysAgo(200) }] })).status()).toBe(200);
  const score = async () => (await (await read.get('/api/v1/accounts/PG-1')).json()) as { state: string; score: number | null };
  await expect.poll(async () => (await score()).state).toBe('scored');
  expect((await score()).score).toBe(0);

  const sentAt = Date.now();
  const sent = await ingest.post('/api/v1/events', {
    data: Array.from({ length: 8 }, (_, i) => ({ id: `pg-${i}`, accountId: 'PG-1', type: 'meeting.held', occurredAt: daysAgo(1), properties: { onTime: true, strategic: true } })),
  });
  expect(await sent.json()).toEqual({ accepted: 8, duplicates: 0 });
  await expect.poll(async () => (await score()).score, { intervals: [50] }).toBeGreaterThan(0);
  test.info().annotations.push({ type: 'freshness', description: `visible through the other web process after ${Date.now() - sentAt} ms` });
  // Sent again to the other process: nothing is counted twice.
  const again = await apiClient(web[1], keys().ingest);
  expect(await (await again.post('/api/v1/events', { data: [{ id: 'pg-0', accountId: 'PG-1', type: 'meeting.held', occurredAt: daysAgo(1), properties: { onTime: true, strategic: true } }] })).json()).toEqual({ accepted: 0, duplicates: 1 });

  const expected = (await score()).score!.toFixed(1);
  await page.goto(`${web[1]}/login`);
  await signInAs(page, 'csm@example.com');
  const accounts = new AccountsPage(page);
  await page.goto(`${web[1]}/accounts?q=Pioneers`);
  await accounts.rows.filter({ hasText: 'Postgres Pioneers' }).getByRole('link').click();
  await expect(page.getByTestId('account-score')).toHaveText(expected);
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Meeting held');
});

test('a touchpoint sent to one web process fulfils the cadence and closes the playbook task on the other', async () => {
  const ingest = await apiClient(web[0], keys().ingest);
  const read = await apiClient(web[1], keys().read);
  expect((await ingest.post('/api/v1/accounts', { data: [{ id: 'PG-2', name: 'Cadence Corp', tier: 'strategic', ownerEmail: 'csm@example.com', startedAt: daysAgo(300) }] })).status()).toBe(200);
  expect((await ingest.post('/api/v1/events', { data: [{ accountId: 'PG-2', type: 'product.login', occurredAt: daysAgo(2) }] })).status()).toBe(200);
  type Detail = { cadence: { key: string; overdue: boolean }[]; tasks: { title: string; playbook: string | null }[] };
  const detail = async () => (await (await read.get('/api/v1/accounts/PG-2')).json()) as Detail;
  const touchpoint = async () => (await detail()).cadence.find((c) => c.key === 'touchpoint')?.overdue;
  // No touchpoint in 300 days: overdue, and the demo's "Touchpoint overdue" playbook gave the owner a task.
  await expect.poll(touchpoint).toBe(true);
  await expect.poll(async () => (await detail()).tasks.map((t) => t.playbook)).toContain('overdue-touchpoint');

  expect((await ingest.post('/api/v1/events', { data: [{ accountId: 'PG-2', type: 'meeting.held', occurredAt: daysAgo(0) }] })).status()).toBe(200);
  await expect.poll(touchpoint, { intervals: [50] }).toBe(false);
  await expect.poll(async () => (await detail()).tasks.map((t) => t.playbook)).not.toContain('overdue-touchpoint');
  const done = (await (await read.get('/api/v1/tasks?accountId=PG-2&state=done')).json()) as { data: { playbook: string | null }[] };
  expect(done.data.map((t) => t.playbook)).toContain('overdue-touchpoint');
});

test('a model published through one web process is applied by the worker and live on the other', async () => {
  const admin = await apiClient(web[0], keys().admin);
  const read = await apiClient(web[1], keys().read);
  const live = await (await read.get('/api/v1/model')).json();
  const model = structuredClone(live.model);
  model.dimensions[0].weight += 5;
  model.dimensions[1].weight -= 5;
  const published = await admin.put('/api/v1/model', { data: { model, note: 'Shift weight on PostgreSQL' } });
  expect([200, 202], await published.text()).toContain(published.status());
  const answer = await published.json();
  expect(answer.version).toBe(live.version + 1);
  await expect.poll(async () => (await (await read.get(`/api/v1/jobs/${answer.job.id}`)).json()).state, { timeout: 60_000 }).toBe('done');
  expect((await (await read.get('/api/v1/model')).json()).version).toBe(answer.version);
  const list = (await (await read.get('/api/v1/accounts?limit=3&sort=-arr')).json()) as { data: { id: string }[] };
  expect(list.data.length).toBeGreaterThan(0);
  for (const { id } of list.data) {
    expect((await (await read.get(`/api/v1/accounts/${encodeURIComponent(id)}`)).json()).modelVersion).toBe(answer.version);
  }
});

test('a manager reads the cohorts on either process, and both give the same figures', async ({ page }) => {
  const read0 = await apiClient(web[0], keys().read);
  const read1 = await apiClient(web[1], keys().read);
  const asOf = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const query = `/api/v1/cohorts?asOf=${asOf}&horizonDays=30`;
  const [a, b] = await Promise.all([read0.get(query), read1.get(query)]);
  expect(a.status(), await a.text()).toBe(200);
  expect(await a.json()).toEqual(await b.json());
  await page.goto(`${web[0]}/login`);
  await signInAs(page, 'manager@example.com');
  const cohorts = new CohortsPage(page);
  await page.goto(`${web[0]}/cohorts?asOf=${asOf}&horizonDays=30`);
  await expect(cohorts.metricSentence('auc')).toBeVisible();
});
