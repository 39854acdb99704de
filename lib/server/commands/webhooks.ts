/**
 * Outgoing webhooks for band drops and red flags: Slack-compatible JSON, signed with HMAC-SHA256,
 * queued in the same transaction as the alert and retried with backoff until delivered.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SqlParam, Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { checkWebhookTarget, privateTargetsAllowed, webhookFetch, WebhookTargetError } from '../webhook-target';
import { recordAudit } from './audit';

export const WEBHOOK_EVENTS = ['band_drop', 'red_flag'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Minutes to wait before each retry; after the last one the delivery is marked failed. */
export const RETRY_MINUTES = [1, 5, 15, 60, 360];
const TIMEOUT_MS = 10_000;
/**
 * A delivery being sent is not due again for this long: far longer than a send takes, so no other
 * worker sends it meanwhile, while one left by a worker that stopped mid-send is sent again later.
 */
const CLAIM_MS = 5 * 60_000;
/** deliveries per INSERT statement (5 parameters each, far below either engine's limit) */
const INSERT_CHUNK = 500;

export interface AlertForWebhook {
  pk: number;
  kind: 'flag' | 'band_drop';
  severity: 'red' | 'yellow';
  title: string;
  evidence: string | null;
  accountId: string;
  accountName: string;
  score: number | null;
}

export function webhookEventOf(alert: Pick<AlertForWebhook, 'kind' | 'severity'>): WebhookEvent | null {
  if (alert.kind === 'band_drop') return 'band_drop';
  return alert.severity === 'red' ? 'red_flag' : null;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Text from outside (account names come from ingestion) escaped for Slack's markup, as Slack
 * asks: `&`, `<` and `>` become entities, so no name can form a link, a mention or a broadcast.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webhookPayload(alert: AlertForWebhook, appUrl: string): string {
  const link = `${appUrl.replace(/\/$/, '')}/accounts/${encodeURIComponent(alert.accountId)}`;
  const name = escapeSlack(alert.accountName);
  const title = escapeSlack(alert.title);
  const evidence = alert.evidence ? escapeSlack(alert.evidence) : null;
  const headline = `${alert.severity === 'red' ? ':red_circle:' : ':large_yellow_circle:'} ${name}: ${title}`;
  return JSON.stringify({
    text: `${headline}${evidence ? ` (${evidence})` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*<${link}|${name}>*: ${title}` } },
      ...(evidence ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: evidence }] }] : []),
    ],
    trellis: { event: webhookEventOf(alert), alertId: alert.pk, kind: alert.kind, severity: alert.severity, account: { id: alert.accountId, name: alert.accountName }, score: alert.score },
  });
}

/**
 * Queues the alert (or each of several alerts) for every active webhook subscribed to its event;
 * answers how many deliveries were queued. Call in the alerts' transaction.
 */
export async function enqueueWebhookDeliveries(db: Store, alerts: AlertForWebhook | readonly AlertForWebhook[], appUrl = process.env.NEXTAUTH_URL ?? 'http://localhost:3000', now = Date.now()): Promise<number> {
  const list = (Array.isArray(alerts) ? alerts : [alerts]) as readonly AlertForWebhook[];
  if (!list.some((a) => webhookEventOf(a))) return 0;
  const hooks = (await db.all<{ pk: number; events: string }>('SELECT pk, events FROM webhooks WHERE active = 1 ORDER BY pk')).map((h) => ({ pk: h.pk, events: JSON.parse(h.events) as string[] }));
  const rows: SqlParam[][] = [];
  for (const alert of list) {
    const event = webhookEventOf(alert);
    if (!event) continue;
    let payload: string | null = null;
    for (const h of hooks) if (h.events.includes(event)) rows.push([h.pk, alert.pk, (payload ??= webhookPayload(alert, appUrl)), now, now]);
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const part = rows.slice(i, i + INSERT_CHUNK);
    await db.run(
      `INSERT INTO webhook_deliveries (webhook_pk, alert_pk, payload, status, next_attempt_at, created_at) VALUES ${part.map(() => "(?, ?, ?, 'pending', ?, ?)").join(', ')}`,
      part.flat(),
    );
  }
  return rows.length;
}

async function checkUrl(url: string, allowPrivate: boolean): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('invalid', 'Not a URL', [{ path: 'url', message: 'Enter a full URL such as https://hooks.slack.com/services/…' }]);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AppError('invalid', 'Only http and https', [{ path: 'url', message: 'The URL must start with https:// (or http://)' }]);
  if (parsed.username || parsed.password) throw new AppError('invalid', 'No credentials in the URL', [{ path: 'url', message: 'The URL must not contain a user name or password' }]);
  if (url.length > 2000) throw new AppError('invalid', 'URL too long', [{ path: 'url', message: 'The URL must be at most 2000 characters' }]);
  try {
    await checkWebhookTarget(parsed, allowPrivate);
  } catch (e) {
    if (e instanceof WebhookTargetError) throw new AppError('invalid', 'Webhook target not allowed', [{ path: 'url', message: e.message }]);
    throw e;
  }
  return parsed.toString();
}

export async function createWebhook(db: Store, input: { url: string; events: WebhookEvent[] }, actor: { email: string; pk: number }, allowPrivate = privateTargetsAllowed()) {
  const url = await checkUrl(input.url.trim(), allowPrivate);
  if (!input.events.length) throw new AppError('invalid', 'Pick at least one event', [{ path: 'events', message: 'Pick band drops, red flags or both' }]);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  return db.tx(async (tx) => {
    const pk = (await tx.value<number>('INSERT INTO webhooks (url, secret, events, active) VALUES (?, ?, ?, 1) RETURNING pk', [url, secret, JSON.stringify(input.events)]))!;
    await recordAudit(tx, { actor: actor.email, actorUserPk: actor.pk, action: 'webhook.created', targetType: 'webhook', targetId: String(pk), details: { url, events: input.events } });
    return { pk, secret };
  });
}

export async function deleteWebhook(db: Store, pk: number, actor: { email: string; pk: number }): Promise<void> {
  await db.tx(async (tx) => {
    const res = await tx.run('DELETE FROM webhooks WHERE pk = ?', [pk]);
    if (!res.changes) throw new AppError('not_found', 'No such webhook');
    await recordAudit(tx, { actor: actor.email, actorUserPk: actor.pk, action: 'webhook.deleted', targetType: 'webhook', targetId: String(pk) });
  });
}

interface Due { pk: number; payload: string; attempts: number; url: string; secret: string }

/**
 * Takes the next due delivery for this worker alone, in one statement: it is made not due for
 * CLAIM_MS. On PostgreSQL, deliveries other workers are taking are skipped rather than waited on.
 */
function claimNext(db: Store, now: number): Promise<Due | undefined> {
  return db.get<Due>(
    `UPDATE webhook_deliveries SET next_attempt_at = ?
     WHERE pk = (
       SELECT d.pk FROM webhook_deliveries d JOIN webhooks w ON w.pk = d.webhook_pk
       WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.active = 1 ORDER BY d.next_attempt_at, d.pk LIMIT 1${db.engine === 'postgres' ? ' FOR UPDATE OF d SKIP LOCKED' : ''}
     ) AND status = 'pending' AND next_attempt_at <= ?
     RETURNING pk, payload, attempts,
       (SELECT url FROM webhooks WHERE webhooks.pk = webhook_deliveries.webhook_pk) AS url,
       (SELECT secret FROM webhooks WHERE webhooks.pk = webhook_deliveries.webhook_pk) AS secret`,
    [now + CLAIM_MS, now, now],
  );
}

/**
 * Why a delivery failed, as shown to admins: the status code or a generic reason, never the
 * target's answer or the network error's text (which would make the webhook a probe of the
 * server's network).
 */
function failureReason(error: unknown): string {
  if (error instanceof WebhookTargetError) return 'Refused: the target is not a public address';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'No answer in time';
  if (error instanceof Error && (error.cause as { code?: string } | undefined)?.code === 'EWEBHOOKTARGET') return 'Refused: the target is not a public address';
  return 'Could not connect';
}

/**
 * Sends every delivery that is due (at most `limit`), each claimed before it is sent, so that
 * workers running at once never send one twice; failures (including any redirect) are retried
 * later with backoff. Targets are checked again at delivery time (see webhook-target.ts).
 */
export async function deliverDueWebhooks(db: Store, options: { now?: number; limit?: number; allowPrivate?: boolean } = {}): Promise<{ delivered: number; failed: number }> {
  const now = options.now ?? Date.now();
  const allowPrivate = options.allowPrivate ?? privateTargetsAllowed();
  const limit = options.limit ?? 50;
  let delivered = 0;
  let failed = 0;
  for (let sent = 0; sent < limit; sent++) {
    const d = await claimNext(db, now);
    if (!d) break;
    const timestamp = Math.floor(now / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await webhookFetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Trellis-Webhooks/1', 'x-trellis-timestamp': String(timestamp), 'x-trellis-signature': signPayload(d.secret, timestamp, d.payload) },
        body: d.payload,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }, allowPrivate);
      status = res.status;
      if (!res.ok) error = res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (redirects are not followed)` : `HTTP ${res.status}`;
    } catch (e) {
      error = failureReason(e);
    }
    const attempts = d.attempts + 1;
    if (!error) {
      await db.run("UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, last_status_code = ?, last_error = NULL, delivered_at = ? WHERE pk = ?", [attempts, status, now, d.pk]);
      delivered += 1;
    } else {
      const wait = RETRY_MINUTES[attempts - 1];
      await db.run(
        'UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ? WHERE pk = ?',
        [wait === undefined ? 'failed' : 'pending', attempts, status, error, wait === undefined ? null : now + wait * 60_000, d.pk],
      );
      failed += 1;
    }
  }
  return { delivered, failed };
}
