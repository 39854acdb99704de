/** The webhooks page's list with delivery counts, on both engines. */
import { expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { listWebhooks } from './webhooks';

describeEngines('webhooks', (t) => {
  it('lists each webhook with its deliveries by status and the last error', async () => {
    const db = t.store;
    const hook = async (url: string, active: number) =>
      (await db.value<number>('INSERT INTO webhooks (url, secret, events, active) VALUES (?, ?, ?, ?) RETURNING pk', [url, 'whsec_x', '["band_drop"]', active]))!;
    const a = await hook('https://a.example.com/hook', 1);
    await hook('https://b.example.com/hook', 0);
    for (const [status, error] of [['delivered', null], ['delivered', null], ['failed', 'timeout'], ['failed', 'HTTP 500'], ['pending', null]] as const) {
      await db.run('INSERT INTO webhook_deliveries (webhook_pk, payload, status, last_error) VALUES (?, ?, ?, ?)', [a, '{}', status, error]);
    }
    expect((await listWebhooks(db)).map(({ url, events, active, delivered, pending, failed, last_error }) => ({ url, events, active, delivered, pending, failed, last_error }))).toEqual([
      { url: 'https://a.example.com/hook', events: ['band_drop'], active: true, delivered: 2, pending: 1, failed: 2, last_error: 'HTTP 500' },
      { url: 'https://b.example.com/hook', events: ['band_drop'], active: false, delivered: 0, pending: 0, failed: 0, last_error: null },
    ]);
  });
});
