/** Alerts, overrides and webhooks against a real SQLite file (and a real HTTP receiver). */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/db/open';
import { eventSchema } from '@/lib/ingest/schemas';
import { createTempDb } from '@/lib/testing/temp-db';
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

let db: Db;
let cleanup: () => void;

function unanswered(accountId: string) {
  const ev = (type: string, days: number) => eventSchema.parse({ accountId, type, occurredAt: new Date(NOW - days * DAY).toISOString() });
  ingestEvents(db, [ev('outreach.replied', 20), ev('outreach.sent', 10), ev('outreach.sent', 9), ev('outreach.sent', 8)]);
  rescorePending(db);
}

beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
  for (const u of [csm, otherCsm, manager]) db.$client.prepare('INSERT INTO users (pk, email, role) VALUES (?, ?, ?)').run(u.pk, u.email, u.role);
  upsertAccounts(db, [
    { id: 'A', name: 'Alpha', ownerEmail: csm.email, tier: 'core', startedAt: NOW - 400 * DAY },
    { id: 'B', name: 'Beta', ownerEmail: otherCsm.email, tier: 'core', startedAt: NOW - 400 * DAY },
  ]);
});
afterEach(() => cleanup());

describe('alerts', () => {
  it('acknowledge and snooze move an alert between the lists; a CSM cannot touch another CSM’s alerts', () => {
    unanswered('A');
    unanswered('B');
    const mine = listAlerts(db, { state: 'open', owner: csm.email });
    expect(mine.map((a) => [a.account.id, a.key])).toEqual([['A', 'unanswered_outreach']]);
    const theirs = listAlerts(db, { state: 'open', owner: otherCsm.email })[0];
    expect(() => acknowledgeAlert(db, theirs.pk, csm)).toThrowError(AppError);
    acknowledgeAlert(db, theirs.pk, manager);
    expect(listAlerts(db, { state: 'acknowledged' })).toHaveLength(1);

    snoozeAlert(db, mine[0].pk, 3, csm, NOW);
    expect(listAlerts(db, { state: 'open', owner: csm.email, now: NOW })).toHaveLength(0);
    expect(listAlerts(db, { state: 'snoozed', owner: csm.email, now: NOW })).toHaveLength(1);
    // The snooze ends by itself.
    expect(listAlerts(db, { state: 'open', owner: csm.email, now: NOW + 4 * DAY })).toHaveLength(1);
    reopenAlert(db, mine[0].pk, csm);
    expect(listAlerts(db, { state: 'open', owner: csm.email, now: NOW })).toHaveLength(1);
  });
});

describe('band overrides', () => {
  it('sets the effective band in lists and counts, keeps the computed one, is audited and revocable', () => {
    unanswered('A');
    const computed = listAccounts(db, { q: 'Alpha' }).data[0];
    expect(computed.band).toBe('red');
    createOverride(db, { accountId: 'A', band: 'green', reason: 'Champion on leave, renewal signed', expiresAt: NOW + 30 * DAY }, csm);
    const after = listAccounts(db, { q: 'Alpha' }).data[0];
    expect(after.band).toBe('red');
    expect(after.override?.band).toBe('green');
    expect(listAccounts(db, { band: ['green'] }).data.map((a) => a.id)).toEqual(['A']);
    expect(bandCounts(db, {}).find((c) => c.band === 'green')?.accounts).toBe(1);
    const audit = db.$client.prepare("SELECT actor, details FROM audit_log WHERE action = 'override.created'").get() as { actor: string; details: string };
    expect(audit.actor).toBe(csm.email);
    expect(JSON.parse(audit.details)).toMatchObject({ band: 'green', computedBand: 'red' });

    const pk = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'A'").pluck().get() as number;
    expect(activeOverride(db, pk, NOW + 31 * DAY)).toBeNull();
    revokeOverride(db, 'A', csm);
    expect(activeOverride(db, pk)).toBeNull();
    expect(listAccounts(db, { band: ['green'] }).data).toHaveLength(0);
  });

  it('refuses unknown bands, past or far expiries, and other CSMs’ accounts', () => {
    const base = { accountId: 'A', band: 'green', reason: 'x', expiresAt: NOW + DAY };
    expect(() => createOverride(db, { ...base, band: 'purple' }, csm)).toThrowError(/Unknown band/);
    expect(() => createOverride(db, { ...base, expiresAt: NOW - DAY }, csm)).toThrowError(/past/);
    expect(() => createOverride(db, { ...base, expiresAt: NOW + 400 * DAY }, csm)).toThrowError(/too far/);
    expect(() => createOverride(db, { ...base, accountId: 'B' }, csm)).toThrowError(/owner/);
    expect(() => createOverride(db, { ...base, accountId: 'B' }, manager)).not.toThrow();
  });
});

describe('webhooks', () => {
  it('sends a signed Slack-compatible payload for a red flag and retries after a failure', async () => {
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
      unanswered('A');
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
      const row = db.$client.prepare('SELECT status, attempts FROM webhook_deliveries').get();
      expect(row).toEqual({ status: 'delivered', attempts: 2 });
    } finally {
      server.close();
      vi.unstubAllEnvs();
    }
  });
});
