'use server';

import { z } from 'zod';
import { action } from '@/lib/server/action';
import { acknowledgeAlert, reopenAlert, snoozeAlert, SNOOZE_DAYS } from '@/lib/server/commands/alerts';

const alertPk = z.coerce.number({ error: 'Unknown alert' }).int().positive('Unknown alert');

export const acknowledgeAlertAction = action('csm', z.object({ pk: alertPk }), async ({ pk }, { db, user }) => acknowledgeAlert(db, pk, user));

export const snoozeAlertAction = action(
  'csm',
  z.object({ pk: alertPk, days: z.coerce.number().refine((d) => (SNOOZE_DAYS as readonly number[]).includes(d), `Snooze for ${SNOOZE_DAYS.join(', ')} days`) }),
  async ({ pk, days }, { db, user }) => snoozeAlert(db, pk, days, user),
);

export const reopenAlertAction = action('csm', z.object({ pk: alertPk }), async ({ pk }, { db, user }) => reopenAlert(db, pk, user));
