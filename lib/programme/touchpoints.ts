/**
 * Touchpoints a CSM logs from the account page: each kind is an event of a trigger of the catalogue
 * (source `app`), so it counts, fulfils cadence and shows on the timeline like any other event.
 * Shared by the form (client) and the command (server).
 */
import { z } from 'zod';
import type { TriggerDef } from '@/lib/scoring/default-model';

export const TOUCHPOINT_KINDS = ['call', 'meeting', 'email', 'review', 'note'] as const;
export type TouchpointKind = (typeof TOUCHPOINT_KINDS)[number];

export const TOUCHPOINT_LABELS: Record<TouchpointKind, string> = {
  call: 'Call',
  meeting: 'Meeting',
  email: 'Email',
  review: 'Business review',
  note: 'Note',
};

/** The trigger each kind is recorded as; a call and a meeting differ by `channel`. */
export const TOUCHPOINT_TRIGGERS: Record<TouchpointKind, string> = {
  call: 'meeting.held',
  meeting: 'meeting.held',
  email: 'email.exchanged',
  review: 'qbr.held',
  note: 'note.logged',
};

/** Triggers the app's own forms write, added to every catalogue (the others are the default catalogue's). */
export const APP_TRIGGERS: readonly TriggerDef[] = [
  {
    key: 'note.logged',
    label: 'Note logged',
    description: 'A CSM wrote a note about the account in Trellis',
    properties: [{ name: 'text', type: 'string', description: 'The note' }],
  },
];

/** The quality attributes of a call or meeting (SCORING.md's meeting quality). */
export const MEETING_ATTRIBUTES = [
  { key: 'onTime', label: 'Started on time' },
  { key: 'activeParticipation', label: 'Active participation' },
  { key: 'executiveAttended', label: 'Executive attended' },
  { key: 'followThrough', label: 'They followed through on last time' },
  { key: 'strategic', label: 'Strategic (goals and outcomes, not only tactics)' },
] as const;
export type MeetingAttribute = (typeof MEETING_ATTRIBUTES)[number]['key'];

export const MAX_TOUCHPOINT_NOTE = 2_000;
/** A logged touchpoint may be dated up to a year back, and not in the future. */
export const MAX_BACKDATE_DAYS = 365;

const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());
const optionalNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' || v === null || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v), schema.optional());

export const touchpointSchema = z
  .object({
    accountId: z.string().min(1, 'Unknown account').max(200),
    kind: z.enum(TOUCHPOINT_KINDS, { error: 'Choose call, meeting, email, business review or note' }),
    /** when it happened (ISO 8601, or the datetime-local value of the form, read as UTC); default now */
    occurredAt: z.string().max(40).optional(),
    minutes: optionalNumber(z.number({ error: 'Enter minutes as a number' }).int('Whole minutes').min(0, 'At least 0 minutes').max(1440, 'At most 1,440 minutes (a day)')),
    contactId: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(200).optional()),
    note: z.string().trim().max(MAX_TOUCHPOINT_NOTE, `At most ${MAX_TOUCHPOINT_NOTE} characters`).optional(),
    onTime: checkbox.optional(),
    activeParticipation: checkbox.optional(),
    executiveAttended: checkbox.optional(),
    followThrough: checkbox.optional(),
    strategic: checkbox.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'note' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Write the note' });
  });
export type TouchpointInput = z.input<typeof touchpointSchema>;
export type Touchpoint = z.infer<typeof touchpointSchema>;
