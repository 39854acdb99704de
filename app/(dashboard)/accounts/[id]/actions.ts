'use server';

import { z } from 'zod';
import { touchpointSchema } from '@/lib/programme/touchpoints';
import { action } from '@/lib/server/action';
import { createTask } from '@/lib/server/commands/tasks';
import { logTouchpoint } from '@/lib/server/commands/touchpoints';

/** Logs a call, meeting, email, business review or note on an account (its owner, or a manager). */
export const logTouchpointAction = action('csm', touchpointSchema, async (input, { db, user }) => logTouchpoint(db, input, user));

export const addTaskAction = action(
  'csm',
  z.object({
    accountId: z.string().trim().min(1, 'Unknown account').max(200),
    title: z.string({ error: 'Say what is to be done' }).trim().min(3, 'Say what is to be done (at least 3 characters)').max(200, 'At most 200 characters'),
    dueOn: z.iso.date({ message: 'Pick a due date' }).refine((d) => d >= new Date().toISOString().slice(0, 10), 'Pick today or a later day'),
  }),
  // Due by the end of the chosen day (UTC), as the page shows dates.
  async ({ accountId, title, dueOn }, { db, user, ip }) => createTask(db, { accountId, title, dueAt: Date.parse(`${dueOn}T23:59:59.999Z`) }, user, ip),
);
