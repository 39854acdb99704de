import type { Store } from '@/lib/server/store';

export async function listWebhooks(db: Store) {
  const rows = await db.all<{ pk: number; url: string; secret: string; events: string; active: number; created_at: number; delivered: number; pending: number; failed: number; last_error: string | null }>(
    `SELECT w.pk, w.url, w.secret, w.events, w.active, w.created_at,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_pk = w.pk AND d.status = 'delivered') AS delivered,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_pk = w.pk AND d.status = 'pending') AS pending,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_pk = w.pk AND d.status = 'failed') AS failed,
       (SELECT d.last_error FROM webhook_deliveries d WHERE d.webhook_pk = w.pk AND d.last_error IS NOT NULL ORDER BY d.pk DESC LIMIT 1) AS last_error
     FROM webhooks w ORDER BY w.pk`,
  );
  return rows.map((r) => ({ ...r, events: JSON.parse(r.events) as string[], active: !!r.active }));
}
