/** Alerts, overrides and webhooks against a real database on both engines (and a real HTTP receiver). */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { listAlerts } from '../queries/alerts';
import { bandCounts, listAccounts } from '../queries/accounts';
import { activeOverride } from '../queries/overrides';
import type { CurrentUser } from '../session';
import { upsertAccounts } from './accounts';
import { acknowledgeAlert, reopenAlert, snoozeAlert } from './alerts';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { createOverride, revokeOverride } from './overrides';
import { rescorePending } from './rescore-pending';
import { createWebhook, deliverDueWebhooks, signPayload } from './webhooks';

const DAY = 86_400_000;
const NOW = Date.now();
const csm: CurrentUser = { pk: 1, email: 'csm@example.com', name: null, role: 'csm' };
const otherCsm: CurrentUser = { pk: 2, email: 'other@example.com', name: null, role: 'csm' };
const manager: CurrentUser = { pk: 3, email: 'manager@example.com', name: null, role: 'manager' };

describeEngines('the workspace', (t) => {
  async function unanswered(accountId: string) {
    const ev = (type: string, days: number) => eventSchema.parse({ accountId, type, occurredAt: new Date(NOW - days * DAY).toISOString() });
    await ingestEvents(t.store, [ev('outreach.replied', 20), ev('outreach.sent', 10), ev('outreach.sent', 9), ev('outreach.sent', 8)]);
    await rescorePending(t.store);
  }

  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    for (const u of [csm, otherCsm, manager]) await db.run('INSERT INTO users (pk, email, role) VALUES (?, ?, ?)', [u.pk, u.email, u.role]);
    await upsertAccounts(db, [
      { id: 'A', name: 'Alpha', ownerEmail: csm.email, tier: 'core', startedAt: NOW - 400 * DAY },
      { id: 'B', name: 'Beta', ownerEmail: otherCsm.email, tier: 'core', startedAt: NOW - 400 * DAY },
    ]);
  });

  describe('alerts', () => {
    it('acknowledge and snooze move an alert between the lists; a CSM cannot touch another CSM’s alerts', async () => {
      const db = t.store;
      await unanswered('A');
      await unanswered('B');
      const mine = await listAlerts(db, { state: 'open', owner: csm.email });
      expect(mine.map((a) => [a.account.id, a.key])).toEqual([['A', 'unanswered_outreach']]);
      const theirs = (await listAlerts(db, { state: 'open', owner: otherCsm.email }))[0];
      await expect(acknowledgeAlert(db, theirs.pk, csm)).rejects.toThrowError(AppError);
      await acknowledgeAlert(db, theirs.pk, manager);
      expect(await listAlerts(db, { state: 'acknowledged' })).toHaveLength(1);

      await snoozeAlert(db, mine[0].pk, 3, csm, NOW);
      expect(await listAlerts(db, { state: 'open', owner: csm.email, now: NOW })).toHaveLength(0);
      expect(await listAlerts(db, { state: 'snoozed', owner: csm.email, now: NOW })).toHaveLength(1);
      // The snooze ends by itself.
      expect(await listAlerts(db, { state: 'open', owner: csm.email, now: NOW + 4 * DAY })).toHaveLength(1);
      await reopenAlert(db, mine[0].pk, csm);
      expect(await listAlerts(db, { state: 'open', owner: csm.email, now: NOW })).toHaveLength(1);
    });
  });

  describe('band overrides', () => {
    it('sets the effective band in lists and counts, keeps the computed one, is audited and revocable', async () => {
      const db = t.store;
      await unanswered('A');
      const computed = (await listAccounts(db, { q: 'Alpha' })).data[0];
      expect(computed.band).toBe('red');
      await createOverride(db, { accountId: 'A', band: 'green', reason: 'Champion on leave, renewal signed', expiresAt: NOW + 30 * DAY }, csm);
      const after = (await listAccounts(db, { q: 'Alpha' })).data[0];
      expect(after.band).toBe('red');
      expect(after.override?.band).toBe('green');
      expect((await listAccounts(db, { band: ['green'] })).data.map((a) => a.id)).toEqual(['A']);
      expect((await bandCounts(db, {})).find((c) => c.band === 'green')?.accounts).toBe(1);
      const audit = (await db.get<{ actor: string; details: string }>("SELECT actor, details FROM audit_log WHERE action = 'override.created'"))!;
      expect(audit.actor).toBe(csm.email);
      expect(JSON.parse(audit.details)).toMatchObject({ band: 'green', computedBand: 'red' });

      const pk = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'A'"))!;
      expect(await activeOverride(db, pk, NOW + 31 * DAY)).toBeNull();
      await revokeOverride(db, 'A', csm);
      expect(await activeOverride(db, pk)).toBeNull();
      expect((await listAccounts(db, { band: ['green'] })).data).toHaveLength(0);
    });

    it('refuses unknown bands, past or far expiries, and other CSMs’ accounts', async () => {
      const db = t.store;
      const base = { accountId: 'A', band: 'green', reason: 'x', expiresAt: NOW + DAY };
      await expect(createOverride(db, { ...base, band: 'purple' }, csm)).rejects.toThrowError(/Unknown band/);
      await expect(createOverride(db, { ...base, expiresAt: NOW - DAY }, csm)).rejects.toThrowError(/past/);
      await expect(createOverride(db, { ...base, expiresAt: NOW + 400 * DAY }, csm)).rejects.toThrowError(/too far/);
      await expect(createOverride(db, { ...base, accountId: 'B' }, csm)).rejects.toThrowError(/owner/);
      await expect(createOverride(db, { ...base, accountId: 'B' }, manager)).resolves.toMatchObject({ pk: expect.any(Number) });
    });
  });

  describe('webhooks', () => {
    it('sends a signed Slack-compatible payload for a red flag and retries after a failure', async () => {
      const db = t.store;
      const received: { headers: IncomingMessage['headers']; body: string }[] = [];
      let failNext = true;
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.statusCode = failNext ? 500 : 200;
          failNext = false;
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      try {
        // A receiver on this host: only allowed when the operator says so.
        vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true');
        const { secret } = await createWebhook(db, { url, events: ['red_flag'] }, { email: 'admin@example.com', pk: 3 });
        await unanswered('A');
        const t0 = Date.now();
        const first = await deliverDueWebhooks(db, { now: t0 });
        expect(first).toEqual({ delivered: 0, failed: 1 });
        // Not due again until the first retry delay has passed.
        expect(await deliverDueWebhooks(db, { now: t0 + 30_000 })).toEqual({ delivered: 0, failed: 0 });
        expect(await deliverDueWebhooks(db, { now: t0 + 61_000 })).toEqual({ delivered: 1, failed: 0 });
        expect(received).toHaveLength(2);
        const { headers, body } = received[1];
        const payload = JSON.parse(body);
        expect(payload.text).toContain('Alpha');
        expect(payload.trellis).toMatchObject({ event: 'red_flag', account: { id: 'A', name: 'Alpha' } });
        expect(headers['x-trellis-signature']).toBe(signPayload(secret, Number(headers['x-trellis-timestamp']), body));
        const row = await db.get('SELECT status, attempts FROM webhook_deliveries');
        expect(row).toEqual({ status: 'delivered', attempts: 2 });
      } finally {
        server.close();
        vi.unstubAllEnvs();
      }
    });
  });
});
