'use server';

import { z } from 'zod';
import { DAY_MS } from '@/lib/programme/cadence';
import { action } from '@/lib/server/action';
import { setMyDayBudget } from '@/lib/server/commands/my-day';
import { MAX_NOTE_LENGTH, reassignTask, updateTask } from '@/lib/server/commands/tasks';
import { MAX_MY_DAY_BUDGET } from '@/lib/server/queries/my-day';
import { TASK_SNOOZE_DAYS } from '@/lib/task-schemas';

const taskPk = z.coerce.number({ error: 'Unknown task' }).int('Unknown task').positive('Unknown task');

export const completeTaskAction = action('csm', z.object({ pk: taskPk }), async ({ pk }, { db, user, ip }) => updateTask(db, pk, { state: 'done' }, { kind: 'user', user, ip }));

export const snoozeTaskAction = action(
  'csm',
  z.object({ pk: taskPk, days: z.coerce.number().refine((d) => (TASK_SNOOZE_DAYS as readonly number[]).includes(d), `Snooze for ${TASK_SNOOZE_DAYS.join(', ')} days`) }),
  async ({ pk, days }, { db, user, ip }) => updateTask(db, pk, { state: 'snoozed', snoozeUntil: Date.now() + days * DAY_MS }, { kind: 'user', user, ip }),
);

export const addTaskNoteAction = action(
  'csm',
  z.object({ pk: taskPk, note: z.string({ error: 'Write the note' }).trim().min(1, 'Write the note').max(MAX_NOTE_LENGTH, `At most ${MAX_NOTE_LENGTH} characters`).regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'No control characters') }),
  async ({ pk, note }, { db, user, ip }) => updateTask(db, pk, { note }, { kind: 'user', user, ip }),
);

export const reassignTaskAction = action(
  'manager',
  z.object({ pk: taskPk, owner: z.string({ error: 'Choose a CSM' }).trim().min(1, 'Choose a CSM').max(320) }),
  async ({ pk, owner }, { db, user, ip }) => reassignTask(db, pk, owner, user, ip),
);

export const setMyDayBudgetAction = action(
  'admin',
  z.object({ budget: z.coerce.number({ error: `A whole number from 1 to ${MAX_MY_DAY_BUDGET}` }).int(`A whole number from 1 to ${MAX_MY_DAY_BUDGET}`).min(1, 'At least 1').max(MAX_MY_DAY_BUDGET, `At most ${MAX_MY_DAY_BUDGET}`) }),
  async ({ budget }, { db, user, ip }) => setMyDayBudget(db, budget, user, ip),
);
