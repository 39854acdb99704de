/** Webhook targets, redirects, error texts and Slack markup, against a real SQLite file and a real HTTP receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/db/open';
import { createTempDb } from '@/lib/testing/temp-db';
import { AppError } from '../errors';
import { isPublicAddress, publicOnlyLookup } from '../webhook-target';
import { createWebhook, deliverDueWebhooks, escapeSlack, webhookPayload } from './webhooks';

const admin = { email: 'admin@example.com', pk: 1 };
let db: Db;
let cleanup: () => void;
let server: Server;
let hits: string[];
let base: string;

beforeEach(async () => {
  ({ db, cleanup } = createTempDb());
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
  cleanup();
  vi.unstubAllEnvs();
});

function queueDelivery(webhookPk: number) {
  db.$client.prepare("INSERT INTO webhook_deliveries (webhook_pk, alert_pk, payload, status, next_attempt_at, created_at) VALUES (?, NULL, '{}', 'pending', 0, 0)").run(webhookPk);
}
const lastDelivery = () => db.$client.prepare('SELECT status, last_status_code AS code, last_error AS error FROM webhook_deliveries ORDER BY pk DESC').get() as { status: string; code: number | null; error: string | null };

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
    const error = await createWebhook(db, { url, events: ['red_flag'] }, admin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details[0]).toMatchObject({ path: 'url' });
    expect(db.$client.prepare('SELECT count(*) AS n FROM webhooks').get()).toEqual({ n: 0 });
  });

  it('classifies addresses: public IPv4 and IPv6 pass, IPv4-mapped private ones do not', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:192.168.0.1')).toBe(false);
    expect(isPublicAddress('not an address')).toBe(false);
  });

  it('accepts a local receiver only when WEBHOOK_ALLOW_PRIVATE=true', async () => {
    await expect(createWebhook(db, { url: `${base}/hook`, events: ['red_flag'] }, admin)).rejects.toThrow(AppError);
    vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true');
    const { pk } = await createWebhook(db, { url: `${base}/hook`, events: ['red_flag'] }, admin);
    queueDelivery(pk);
    expect(await deliverDueWebhooks(db, { now: 1 })).toEqual({ delivered: 1, failed: 0 });
    expect(hits).toEqual(['/hook']);
  });

  it('checks the target again at delivery time: a saved URL that now points inside is not contacted', async () => {
    vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true');
    const { pk } = await createWebhook(db, { url: `${base}/hook`, events: ['red_flag'] }, admin);
    vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'false');
    queueDelivery(pk);
    expect(await deliverDueWebhooks(db, { now: 1 })).toEqual({ delivered: 0, failed: 1 });
    expect(hits).toEqual([]);
    expect(lastDelivery()).toEqual({ status: 'pending', code: null, error: 'Refused: the target is not a public address' });
  });
});

describe('webhook deliveries', () => {
  beforeEach(() => vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'true'));

  it('does not follow redirects: a 3xx is a failed delivery', async () => {
    const { pk } = await createWebhook(db, { url: `${base}/moved`, events: ['red_flag'] }, admin);
    queueDelivery(pk);
    expect(await deliverDueWebhooks(db, { now: 1 })).toEqual({ delivered: 0, failed: 1 });
    expect(hits).toEqual(['/moved']);
    expect(lastDelivery()).toMatchObject({ code: 302, error: 'HTTP 302 (redirects are not followed)' });
  });

  it('records only the status code, never the target’s answer', async () => {
    const { pk } = await createWebhook(db, { url: `${base}/broken`, events: ['red_flag'] }, admin);
    queueDelivery(pk);
    await deliverDueWebhooks(db, { now: 1 });
    expect(lastDelivery()).toMatchObject({ code: 500, error: 'HTTP 500' });
  });

  it('records a generic reason for a connection failure, without the address or the system error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { pk } = await createWebhook(db, { url: `http://127.0.0.1:${port}/`, events: ['red_flag'] }, admin);
    queueDelivery(pk);
    await deliverDueWebhooks(db, { now: 1 });
    expect(lastDelivery()).toEqual({ status: 'pending', code: null, error: 'Could not connect' });
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
