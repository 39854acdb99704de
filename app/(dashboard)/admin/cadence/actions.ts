'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { REQUEST_ID_HEADER } from '@/lib/request-id';
import { action } from '@/lib/server/action';
import { publishCadence } from '@/lib/server/commands/cadence';
import { refreshAllProgramme, type ProgrammeOutcome } from '@/lib/server/commands/programme';
import { logger } from '@/lib/server/log';

export interface PublishedCadence {
  version: number;
  /** what recomputing every account did (null: it failed; the next sweep does it) */
  refreshed: (ProgrammeOutcome & { accounts: number }) | null;
}

/**
 * Publishes a cadence, then recomputes every account's cadence items and playbook runs with it,
 * so the pages show the new intervals at once rather than after the next sweep.
 */
export const publishCadenceAction = action(
  'admin',
  z.object({
    cadence: z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'Send the cadence to publish'),
    note: z.string().trim().max(500, 'At most 500 characters').optional(),
  }),
  async ({ cadence, note }, { db, user, ip }): Promise<PublishedCadence> => {
    const { version } = await publishCadence(db, cadence, note || null, { actor: user.email, actorUserPk: user.pk, ip });
    try {
      return { version, refreshed: await refreshAllProgramme(db) };
    } catch (err) {
      logger.error({ err, reqId: (await headers()).get(REQUEST_ID_HEADER), version }, 'Recomputing the programme after a cadence publish failed');
      return { version, refreshed: null };
    }
  },
  { revalidate: '/admin/cadence' },
);
