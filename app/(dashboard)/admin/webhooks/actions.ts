'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { action } from '@/lib/server/action';
import { createWebhook, deleteWebhook, WEBHOOK_EVENTS } from '@/lib/server/commands/webhooks';

export const createWebhookAction = action(
  'admin',
  z.object({
    url: z.string().trim().min(1, 'Enter the URL to send to').max(2000),
    band_drop: z.literal('on').optional(),
    red_flag: z.literal('on').optional(),
  }),
  async (input, { db, user }) => {
    const events = WEBHOOK_EVENTS.filter((e) => input[e] === 'on');
    const created = await createWebhook(db, { url: input.url, events }, { email: user.email, pk: user.pk });
    revalidatePath('/admin/webhooks');
    return created;
  },
);

export const deleteWebhookAction = action('admin', z.object({ pk: z.coerce.number().int().positive() }), async ({ pk }, { db, user }) => {
  await deleteWebhook(db, pk, { email: user.email, pk: user.pk });
  revalidatePath('/admin/webhooks');
});
