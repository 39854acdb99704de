/** Shared zod schemas of the admin forms (server actions validate with these). */
import { z } from 'zod';

export const API_KEY_SCOPE_OPTIONS = [
  { value: 'ingest', label: 'Ingest', help: 'send accounts, contacts, events and outcomes (REST and Segment)' },
  { value: 'read', label: 'Read', help: 'read accounts, scores, history, the model and cohorts' },
  { value: 'admin', label: 'Admin', help: 'everything, including publishing models' },
] as const;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Give the key a name, e.g. "Segment" or "CRM sync"').max(100, 'At most 100 characters'),
  scope: z.enum(['ingest', 'read', 'admin'], { error: 'Choose a scope' }),
});

export const revokeApiKeySchema = z.object({
  pk: z.coerce.number({ error: 'Unknown key' }).int().positive('Unknown key'),
});

/** An incoming event name as senders spell it (Segment track names: "Order Completed"). */
export const eventNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter the event name as your source sends it')
  .max(200, 'At most 200 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Must not contain control characters');

export const addAliasSchema = z.object({
  name: eventNameSchema,
  triggerKey: z.string().min(1, 'Choose a trigger'),
});

export const removeAliasSchema = z.object({ name: z.string().min(1) });
