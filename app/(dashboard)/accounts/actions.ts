'use server';

import { z } from 'zod';
import { action } from '@/lib/server/action';
import { createOverride, revokeOverride } from '@/lib/server/commands/overrides';

const accountId = z.string().trim().min(1, 'Unknown account').max(200);

export const createOverrideAction = action(
  'csm',
  z.object({
    accountId,
    band: z.string({ error: 'Choose the band to show instead' }).min(1, 'Choose the band to show instead').max(50),
    reason: z.string().trim().min(3, 'Say why, so the next person understands').max(1000, 'At most 1,000 characters'),
    expiresOn: z.iso.date({ message: 'Pick an expiry date' }),
  }),
  async ({ accountId: id, band, reason, expiresOn }, { db, user }) =>
    // The override lasts until the end of the chosen day (UTC).
    createOverride(db, { accountId: id, band, reason, expiresAt: Date.parse(`${expiresOn}T23:59:59.999Z`) }, user),
);

export const revokeOverrideAction = action('csm', z.object({ accountId }), async ({ accountId: id }, { db, user }) => revokeOverride(db, id, user));
