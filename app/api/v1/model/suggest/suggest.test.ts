/**
 * POST /api/v1/model/suggest through its route handler, on a real database on each engine: a
 * portfolio where churners stop logging in and open support tickets before they leave (the
 * default model rewards support interactions). The suggested model must find both signals, beat
 * the live model on the later test period, and be publishable as it is; bad periods are refused
 * with the field that is wrong.
 */
import { NextRequest } from 'next/server';
import { beforeEach, expect, it, vi } from 'vitest';
import { Rng } from '@/db/seed/random';
import type { Model } from '@/lib/scoring';
import { upsertAccounts, insertOutcomes } from '@/lib/server/commands/accounts';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { ingestEvents } from '@/lib/server/commands/events';
import { AppError } from '@/lib/server/errors';
import { suggestFullModel } from '@/lib/server/queries/suggested-model';
import type { EventInput } from '@/lib/ingest/schemas';
import { callRoute } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, role: 'admin' as 'csm' | 'manager' | 'admin' }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({
  requireApiRole: async (minRole: 'csm' | 'manager' | 'admin') => {
    const rank = { csm: 0, manager: 1, admin: 2 };
    if (rank[state.role] < rank[minRole]) throw new AppError('forbidden', 'Your role does not allow this');
    return { pk: 1, email: `${state.role}@example.com`, name: null, role: state.role };
  },
}));

const suggest = await import('./route');
const model = await import('../route');
/** The model editor's streamed suggestion (a session route). */
const streamed = await import('../../../app/model/suggest/route');

/** Posts to the editor's route as the given role; answers the status and every line of the answer, parsed. */
async function postStreamed(body: unknown, role: 'csm' | 'manager' | 'admin' = 'admin') {
  state.role = role;
  const request = new NextRequest('http://localhost:3000/api/app/model/suggest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const response = await streamed.POST(request, { params: Promise.resolve({}) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), lines: response.ok ? text.trim().split('\n').map((l) => JSON.parse(l)) : [JSON.parse(text)] };
}

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY);
const iso = (daysAgo: number) => new Date((today - daysAgo) * DAY).toISOString().slice(0, 10);
const ACCOUNTS = 160;
const HISTORY = 420;

/** Accounts over 420 days; a third churn, after 45 quiet days with tickets. */
async function seedPortfolio(db: Parameters<typeof prepareDatabase>[0]): Promise<void> {
  const rng = new Rng(11);
  await upsertAccounts(db, Array.from({ length: ACCOUNTS }, (_, i) => ({ id: `acc-${i}`, name: `Account ${i}`, startedAt: (today - HISTORY - 10) * DAY })));
  const events: EventInput[] = [];
  const outcomes = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const churnsAgo = rng.next() < 0.35 ? Math.floor(20 + rng.next() * (HISTORY - 60)) : null;
    const rate = 0.3 + rng.next() * 0.4;
    for (let ago = HISTORY; ago >= 1; ago--) {
      if (churnsAgo !== null && ago <= churnsAgo) break;
      const quiet = churnsAgo !== null && ago - churnsAgo <= 45;
      if (rng.next() < (quiet ? rate * 0.1 : rate)) events.push({ id: `l-${i}-${ago}`, accountId: `acc-${i}`, type: 'product.login', occurredAt: (today - ago) * DAY + 36e5, count: 1 });
      if (rng.next() < (quiet ? 0.12 : 0.01)) events.push({ id: `s-${i}-${ago}`, accountId: `acc-${i}`, type: 'support.interaction', occurredAt: (today - ago) * DAY + 72e5, count: 1 });
    }
    if (churnsAgo !== null) outcomes.push({ id: `churn-${i}`, accountId: `acc-${i}`, type: 'churned' as const, occurredAt: (today - churnsAgo) * DAY });
  }
  for (let k = 0; k < events.length; k += 5000) await ingestEvents(db, events.slice(k, k + 5000), { score: false });
  await insertOutcomes(db, outcomes);
}

const body = { outcome: 'churned', horizonDays: 60, trainFrom: iso(380), trainTo: iso(220), testFrom: iso(160), testTo: iso(70), everyDays: 14 };

describeEngines('POST /api/v1/model/suggest', (t) => {
  const keys = { read: '', admin: '' };
  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    for (const scope of ['read', 'admin'] as const) keys[scope] = (await createApiKey(t.store, { name: scope, scope }, { actor: 'cli' })).key;
  });

  it('fits a complete model that beats the live one on a test period it never saw, and publishes as it is', async () => {
    await seedPortfolio(t.store);
    const r = await callRoute(suggest.POST, { path: '/api/v1/model/suggest', body, key: keys.admin });
    expect(r.status).toBe(200);
    const measures = (r.body.model as Model).dimensions.flatMap((d) => d.measures);
    // Logins protect (on days, how many or how recent); tickets before churn become a penalty.
    expect(measures.filter((m) => 'event' in m && m.event === 'product.login').length).toBeGreaterThan(0);
    const tickets = measures.find((m) => m.kind === 'count' && m.event === 'support.interaction');
    expect(tickets && 'points' in tickets ? tickets.points : 0).toBeLessThan(0);
    expect((r.body.model as Model).dimensions.reduce((a, d) => a + d.weight, 0)).toBe(100);
    expect(r.body.train.samples).toBeGreaterThan(1000);
    expect(r.body.train.dates[r.body.train.dates.length - 1]).toBe(body.trainTo);
    expect(r.body.train.dates[0] >= body.trainFrom).toBe(true);
    expect(r.body.test.dates[r.body.test.dates.length - 1]).toBe(body.testTo);
    expect(r.body.test.auc).toBeGreaterThan(0.75);
    expect(r.body.test.auc).toBeGreaterThan(r.body.live.test.auc + 0.02);
    expect(r.body.test.lift).toBeGreaterThan(1);
    // Never published by itself; publishable as it stands.
    expect(await t.store.value('SELECT count(*) FROM model_versions')).toBe(1);

    // The editor's route streams how far it has come, then the same suggestion.
    const stream = await postStreamed(body);
    expect(stream.status).toBe(200);
    expect(stream.type).toContain('application/x-ndjson');
    const progress = stream.lines.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    const fractions = progress.map((l) => l.progress as number);
    expect(fractions[0]).toBe(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(progress.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Reading the training period: [\d,]+ of [\d,]+ accounts$/), expect.stringMatching(/^Fitting on [\d,]+ account-dates$/), expect.stringMatching(/^Fitting on [\d,]+ account-dates \(\d+ of about \d+ regressions\)$/), expect.stringMatching(/^Judging the live model on the test period: /)]));
    expect(stream.lines[stream.lines.length - 1]).toEqual({ result: r.body });
    // A progress report that throws (the asker went away) stops the work with its own error, at any step.
    const firstRegression = progress.findIndex((l) => /regressions\)$/.test(l.message)) + 1;
    expect(firstRegression).toBeGreaterThan(2);
    for (const stopAt of [2, firstRegression, progress.length - 1]) {
      const gone = new Error('gone');
      let reports = 0;
      const stopped = suggestFullModel(t.store, body, Date.now(), () => {
        if (++reports === stopAt) throw gone;
      });
      await expect(stopped).rejects.toBe(gone);
      expect(reports).toBe(stopAt);
    }

    const put = await callRoute(model.PUT, { path: '/api/v1/model', body: r.body.model, key: keys.admin });
    expect([200, 202]).toContain(put.status);
  });

  it("the editor's route: admins only, bad fields refused before anything is streamed, and a refusal found while working as the last line", async () => {
    expect((await postStreamed(body, 'manager')).status).toBe(403);
    const bad = await postStreamed({ ...body, outcome: 'left' });
    expect(bad.status).toBe(400);
    expect(bad.lines[0].error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'outcome' })]));
    // An empty portfolio: the reading streams its progress, then the refusal.
    const empty = await postStreamed(body);
    expect(empty.status).toBe(200);
    expect(empty.lines[empty.lines.length - 1]).toEqual({ error: { code: 'invalid', message: expect.stringContaining('Too few outcomes') } });
  });

  it('refuses periods the fit could see through, outcomes not known yet, bad fields and other keys', async () => {
    const post = (b: unknown, key = keys.admin) => callRoute(suggest.POST, { path: '/api/v1/model/suggest', body: b, key });
    const overlap = await post({ ...body, testFrom: iso(200) });
    expect(overlap.status).toBe(400);
    expect(JSON.stringify(overlap.body)).toContain('testFrom');
    const unknown = await post({ ...body, testTo: iso(10) });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('testTo');
    const bad = await post({ ...body, outcome: 'left', extra: 1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/outcome/);
    const tooMany = await post({ ...body, everyDays: 1 });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 60 sample dates');
    expect((await post(body, keys.read)).status).toBe(403);
    // An empty portfolio has nothing to learn from.
    const empty = await post(body);
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('Too few outcomes');
  });
});
