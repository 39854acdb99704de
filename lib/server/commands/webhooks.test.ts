/** Webhook targets, redirects, error texts and Slack markup, against a real database (each engine) and a real HTTP receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { isPublicAddress, publicOnlyLookup } from '../webhook-target';
import { createWebhook, deliverDueWebhooks, enqueueWebhookDeliveries, escapeSlack, webhookPayload, type AlertForWebhook } from './webhooks';

const admin = { email: 'admin@example.com', pk: 1 };
let server: Server;
let hits: string[];
let base: string;

beforeEach(async () => {
  hits = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    } else if (req.url === '/broken') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('SSH-2.0-OpenSSH_9.6 internal banner');
    } else {
      res.writeHead(200);
      res.end('ok');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  server.close();
  vi.unstubAllEnvs();
});

describeEngines('webhooks', (t) => {
  async function queueDelivery(webhookPk: number) {
    await t.store.run("INSERT INTO webhook_deliveries (webhook_pk, alert_pk, payload, status, next_attempt_at, created_at) VALUES (?, NULL, '{}', 'pending', 0, 0)", [webhookPk]);
  }
  const lastDelivery = () => t.store.get<{ status: string; code: number | null; error: string | null }>('SELECT status, last_status_code AS code, last_error AS error FROM webhook_deliveries ORDER BY pk DESC');

  describe('webhook targets', () => {
    it.each([
      'http://127.0.0.1:22/',
      'http://localhost:8080/',
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://0177.0.0.1/',
      'http://0.0.0.0/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://224.0.0.1/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a00:1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[ff02::1]/',
    ])('refuses %s when saving, naming the url field', async (url) => {
      const error = await createWebhook(t.store, { url, events: ['red_flag'] }, admin).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details[0]).toMatchObject({ path: 'url' });
      expect(await t.store.get('SELECT count(*) AS n FROM webhooks')).toEqual({ n: 0 });
    });

    it('classifies addresses: public IPv4 and IPv6 pass, IPv4-mapped private ones do not', () => {
      expect(isPublicAddress('8.8.8.8')).toBe(true);
      expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
      expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
      expect(isPublicAddress('::ffff:192.168.0.1')).toBe(false);
      expect(isPublicAddress('not an address')).toBe(false);
    });

    it('accepts a local receiver only when WEBHOOK_ALLOW_PRIVATE=true', async () => {
      await expect(createWebhook(t.store, { url: `${base}/hook`, events: ['red_flag'] }, admin)).rejects.toThrow(AppError);
      vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true');
      const { pk } = await createWebhook(t.store, { url: `${base}/hook`, events: ['red_flag'] }, admin);
      await queueDelivery(pk);
      expect(await deliverDueWebhooks(t.store, { now: 1 })).toEqual({ delivered: 1, failed: 0 });
      expect(hits).toEqual(['/hook']);
    });

    it('checks the target again at delivery time: a saved URL that now points inside is not contacted', async () => {
      vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true');
      const { pk } = await createWebhook(t.store, { url: `${base}/hook`, events: ['red_flag'] }, admin);
      vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'false');
      await queueDelivery(pk);
      expect(await deliverDueWebhooks(t.store, { now: 1 })).toEqual({ delivered: 0, failed: 1 });
      expect(hits).toEqual([]);
      expect(await lastDelivery()).toEqual({ status: 'pending', code: null, error: 'Refused: the target is not a public address' });
    });
  });

  describe('webhook deliveries', () => {
    beforeEach(() => vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true'));

    it('does not follow redirects: a 3xx is a failed delivery', async () => {
      const { pk } = await createWebhook(t.store, { url: `${base}/moved`, events: ['red_flag'] }, admin);
      await queueDelivery(pk);
      expect(await deliverDueWebhooks(t.store, { now: 1 })).toEqual({ delivered: 0, failed: 1 });
      expect(hits).toEqual(['/moved']);
      expect(await lastDelivery()).toMatchObject({ code: 302, error: 'HTTP 302 (redirects are not followed)' });
    });

    it('records only the status code, never the target’s answer', async () => {
      const { pk } = await createWebhook(t.store, { url: `${base}/broken`, events: ['red_flag'] }, admin);
      await queueDelivery(pk);
      await deliverDueWebhooks(t.store, { now: 1 });
      expect(await lastDelivery()).toMatchObject({ code: 500, error: 'HTTP 500' });
    });

    it('records a generic reason for a connection failure, without the address or the system error', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const { pk } = await createWebhook(t.store, { url: `http://127.0.0.1:${port}/`, events: ['red_flag'] }, admin);
      await queueDelivery(pk);
      await deliverDueWebhooks(t.store, { now: 1 });
      expect(await lastDelivery()).toEqual({ status: 'pending', code: null, error: 'Could not connect' });
    });

    it('queues each alert for the active webhooks subscribed to its event, several alerts at once', async () => {
      const flags = await createWebhook(t.store, { url: `${base}/flags`, events: ['red_flag'] }, admin);
      const both = await createWebhook(t.store, { url: `${base}/both`, events: ['band_drop', 'red_flag'] }, admin);
      const off = await createWebhook(t.store, { url: `${base}/off`, events: ['band_drop', 'red_flag'] }, admin);
      await t.store.run('UPDATE webhooks SET active = 0 WHERE pk = ?', [off.pk]);
      const accountPk = await t.store.value<number>("INSERT INTO accounts (id, name) VALUES ('A', 'Alpha') RETURNING pk");
      const alert = async (kind: AlertForWebhook['kind'], severity: AlertForWebhook['severity']): Promise<AlertForWebhook> => ({
        pk: (await t.store.value<number>("INSERT INTO alerts (account_pk, kind, key, severity, title, created_at) VALUES (?, ?, 'k', ?, 'T', 0) RETURNING pk", [accountPk!, kind, severity]))!,
        kind, severity, title: 'T', evidence: null, accountId: 'A', accountName: 'Alpha', score: 40,
      });
      const red = await alert('flag', 'red');
      const yellow = await alert('flag', 'yellow');
      const drop = await alert('band_drop', 'yellow');
      expect(await enqueueWebhookDeliveries(t.store, [red, yellow, drop], 'https://trellis.example', 5)).toBe(3);
      expect(await enqueueWebhookDeliveries(t.store, yellow)).toBe(0);
      expect(await t.store.all('SELECT webhook_pk AS hook, alert_pk AS alert, status, next_attempt_at AS due FROM webhook_deliveries ORDER BY pk')).toEqual([
        { hook: flags.pk, alert: red.pk, status: 'pending', due: 5 },
        { hook: both.pk, alert: red.pk, status: 'pending', due: 5 },
        { hook: both.pk, alert: drop.pk, status: 'pending', due: 5 },
      ]);
    });

    it('sends each due delivery once when several workers deliver at the same time', async () => {
      const { pk } = await createWebhook(t.store, { url: `${base}/hook`, events: ['red_flag'] }, admin);
      for (let i = 0; i < 12; i++) await queueDelivery(pk);
      const results = await Promise.all(Array.from({ length: 4 }, () => deliverDueWebhooks(t.store, { now: 1 })));
      expect(results.reduce((sum, r) => sum + r.delivered, 0)).toBe(12);
      expect(results.reduce((sum, r) => sum + r.failed, 0)).toBe(0);
      expect(hits).toHaveLength(12);
      expect(await t.store.all("SELECT attempts, count(*) AS n FROM webhook_deliveries WHERE status = 'delivered' GROUP BY attempts")).toEqual([{ attempts: 1, n: 12 }]);
    });
  });
});

describe('Slack markup', () => {
  it('escapes &, < and > in account names, titles and evidence', () => {
    expect(escapeSlack('<!channel> & <http://evil.example|click>')).toBe('&lt;!channel&gt; &amp; &lt;http://evil.example|click&gt;');
    const payload = JSON.parse(
      webhookPayload({ pk: 1, kind: 'flag', severity: 'red', title: 'Usage <dropped>', evidence: 'a & b', accountId: 'x', accountName: '<!channel>', score: 40 }, 'https://trellis.example'),
    );
    expect(payload.text).toBe(':red_circle: &lt;!channel&gt;: Usage &lt;dropped&gt; (a &amp; b)');
    expect(payload.blocks[0].text.text).toBe('*<https://trellis.example/accounts/x|&lt;!channel&gt;>*: Usage &lt;dropped&gt;');
    expect(payload.blocks[1].elements[0].text).toBe('a &amp; b');
    // The structured copy keeps the name as it is.
    expect(payload.trellis.account.name).toBe('<!channel>');
  });
});

describe('connect-time address check', () => {
  it('the lookup used when connecting refuses names that resolve to internal addresses', async () => {
    const result = await new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      publicOnlyLookup('localhost', {}, (error, address) => resolve({ error, address })),
    );
    expect(result.error?.code).toBe('EWEBHOOKTARGET');
    expect(result.address).toEqual([]);
  });
});
