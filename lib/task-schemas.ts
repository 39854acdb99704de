/** What the tasks API takes: the list's query and a change to one task (strict: unknown fields are refused). */
import { z } from 'zod';
import { MAX_NOTE_LENGTH, MAX_SNOOZE_DAYS, TASK_STATES } from '@/lib/server/commands/tasks';
import { MAX_TASKS_PAGE } from '@/lib/server/queries/tasks';

const pageSize = `a whole number from 1 to ${MAX_TASKS_PAGE}`;
/** Control characters (a NUL cannot even be stored in PostgreSQL text); notes keep tabs and line breaks. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const NOTE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const noControl = (s: string) => !CONTROL.test(s);

export const taskQuerySchema = z.strictObject({
  owner: z.string().trim().min(1, 'an email').max(320, 'at most 320 characters').refine(noControl, 'no control characters').optional(),
  accountId: z.string().min(1, 'an account id').max(200, 'at most 200 characters').refine(noControl, 'no control characters').optional(),
  state: z.enum(TASK_STATES, { error: 'open, done or snoozed' }).optional(),
  limit: z.coerce.number({ error: pageSize }).int(pageSize).min(1, pageSize).max(MAX_TASKS_PAGE, pageSize).optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor this list gave').optional(),
});

export const taskChangeSchema = z.strictObject({
  state: z.enum(TASK_STATES, { error: 'open, done or snoozed' }).optional().describe('done closes the task; snoozed hides it until snoozeUntil; open reopens it'),
  snoozeUntil: z.iso
    .datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-03-01T09:00:00Z' })
    .optional()
    .describe(`with state "snoozed": until when (in the future, at most ${MAX_SNOOZE_DAYS} days ahead; default a day)`),
  note: z.string({ error: 'text' }).max(MAX_NOTE_LENGTH, `at most ${MAX_NOTE_LENGTH} characters`).refine((s) => !NOTE_CONTROL.test(s), 'no control characters').optional().describe('a note added to the task (alone or with a state)'),
});

/** The snoozes the app offers on a task (days). */
export const TASK_SNOOZE_DAYS = [1, 3, 7] as const;
