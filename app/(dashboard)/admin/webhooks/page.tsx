import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { listWebhooks } from '@/lib/server/queries/webhooks';
import { requirePageRole } from '@/lib/server/session';
import { WebhooksClient } from './client';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  await requirePageRole('admin', '/admin/webhooks');
  const hooks = await listWebhooks(await getStore());
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Trellis posts band drops and red flags to these URLs as Slack-compatible JSON, signed with HMAC-SHA256 (header X-Trellis-Signature: v1=hex of HMAC(secret, timestamp + '.' + body), timestamp in X-Trellis-Timestamp). Failed deliveries are retried after 1, 5, 15, 60 and 360 minutes."
      />
      <WebhooksClient hooks={hooks} />
    </>
  );
}
