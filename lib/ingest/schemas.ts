/**
 * Validation of everything that comes in (REST batches, CSV rows, Segment calls): one zod schema
 * per kind, strict (unknown fields are refused), with messages that say what was wrong.
 */
import { z } from 'zod';
import { CONTACT_ROLES, LIFECYCLE_STAGES, TIERS } from '@/lib/scoring';

// Control characters other than tab, newline and carriage return have no place in names or ids.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const text = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

export const idString = text(200).pipe(z.string().trim().min(1, 'must not be empty'));

// Built once: constructing zod schemas inside a refinement would cost more than the check itself.
const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

export const instant = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be an ISO 8601 date-time string') })
  .refine((s) => isoDateTime.safeParse(s).success || isoDate.safeParse(s).success, 'must be an ISO 8601 date-time like 2026-03-01T09:30:00Z')
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s))
  .refine((ms) => ms > Date.UTC(1990, 0, 1) && ms < Date.now() + 366 * 86_400_000, 'must be between 1990 and one year from now');

const propertyValue = z.union([
  z.string().max(2000, 'must be at most 2000 characters').refine((s) => !CONTROL.test(s), 'must not contain control characters'),
  z.number().finite(),
  z.boolean(),
  z.null(),
], { error: 'must be a string, number, boolean or null' });
const propertyName = z
  .string()
  .min(1, 'property names must not be empty')
  .max(100, 'property names must be at most 100 characters')
  .refine((s) => !CONTROL.test(s), 'property names must not contain control characters');
/** At most this many properties per event (or attributes per account). */
export const MAX_PROPERTIES = 50;
export const properties = z
  .unknown()
  // JSON can carry `__proto__` as a name, but JavaScript objects cannot hold it as one: refused, not dropped.
  .superRefine((v, ctx) => {
    if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'property names must not be __proto__' });
    }
  })
  .pipe(
    z
      .record(propertyName, propertyValue, { error: 'must be an object of string, number, boolean or null values' })
      .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `must have at most ${MAX_PROPERTIES} properties`),
  );

export const eventType = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_.:\- ]+$/, 'may contain only letters, digits, spaces and . _ : -');

export const eventSchema = z
  .object({
    id: idString.optional(),
    accountId: idString,
    contactId: idString.nullable().optional(),
    type: eventType,
    occurredAt: instant,
    count: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000').default(1),
    properties: properties.nullable().optional(),
    source: text(100).nullable().optional(),
  })
  .strict();
export type EventInput = z.infer<typeof eventSchema>;

export const accountSchema = z
  .object({
    id: idString,
    name: text(300).pipe(z.string().trim().min(1, 'must not be empty')),
    tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(', ')}` }).nullable().optional(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES, { error: `must be one of ${LIFECYCLE_STAGES.join(', ')}` }).nullable().optional(),
    arr: z.number({ error: 'must be a number' }).finite().min(0, 'must not be negative').max(1e12, 'is too large').optional(),
    ownerEmail: z.email('must be an email address').max(300).nullable().optional(),
    startedAt: instant.nullable().optional(),
    renewalDate: instant.nullable().optional(),
    industry: text(200).nullable().optional(),
    size: text(100).nullable().optional(),
    attributes: properties.nullable().optional(),
  })
  .strict();
export type AccountInput = z.infer<typeof accountSchema>;

export const contactSchema = z
  .object({
    id: idString,
    accountId: idString,
    name: text(300).nullable().optional(),
    email: z.email('must be an email address').max(300).nullable().optional(),
    role: z.enum(CONTACT_ROLES, { error: `must be one of ${CONTACT_ROLES.join(', ')}` }).nullable().optional(),
    department: text(200).nullable().optional(),
  })
  .strict();
export type ContactInput = z.infer<typeof contactSchema>;

export const OUTCOME_TYPES = ['renewed', 'churned', 'expanded', 'contracted'] as const;
export const outcomeSchema = z
  .object({
    id: idString.optional(),
    accountId: idString,
    type: z.enum(OUTCOME_TYPES, { error: `must be one of ${OUTCOME_TYPES.join(', ')}` }),
    occurredAt: instant,
    arrDelta: z.number({ error: 'must be a number' }).finite().nullable().optional(),
    reason: text(2000).nullable().optional(),
  })
  .strict();
export type OutcomeInput = z.infer<typeof outcomeSchema>;

export interface ItemError {
  /** the item's position in the batch; absent for problems with the batch as a whole */
  index?: number;
  path: string;
  message: string;
}

/** Validates every item of a batch; returns the parsed items or every problem found. */
export function validateBatch<T extends z.ZodType>(schema: T, items: unknown, maxItems: number): { ok: true; items: z.infer<T>[] } | { ok: false; errors: ItemError[] } {
  if (!Array.isArray(items)) return { ok: false, errors: [{ path: '(root)', message: 'The body must be a JSON array of items' }] };
  if (items.length === 0) return { ok: false, errors: [{ path: '(root)', message: 'The batch is empty' }] };
  if (items.length > maxItems) return { ok: false, errors: [{ path: '(root)', message: `At most ${maxItems} items per batch, got ${items.length}` }] };
  const out: z.infer<T>[] = [];
  const errors: ItemError[] = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else for (const issue of parsed.error.issues) errors.push({ index, path: issue.path.map(String).join('.') || '(item)', message: issueMessage(issue) });
  });
  return errors.length ? { ok: false, errors } : { ok: true, items: out };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) return `must be ${issue.expected}`;
  return issue.message;
}

/** Repeated ids inside one batch are an error: the sender would not know which one counted. */
export function duplicateIds(items: { id?: string }[]): ItemError[] {
  const seen = new Map<string, number>();
  const errors: ItemError[] = [];
  items.forEach((item, index) => {
    if (!item.id) return;
    const first = seen.get(item.id);
    if (first !== undefined) errors.push({ index, path: 'id', message: `duplicate of item ${first} in this batch` });
    else seen.set(item.id, index);
  });
  return errors;
}
