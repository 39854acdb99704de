/** Zod schemas of the trigger and feature catalogue forms (the server actions validate with these). */
import { z } from 'zod';
import { eventNameSchema } from '@/lib/admin-schemas';
import { FEATURE_TIERS } from '@/lib/scoring/types';

const catalogueKey = z
  .string()
  .trim()
  .min(1, 'Enter a key, e.g. "webinar.attended"')
  .max(100, 'At most 100 characters')
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'Use lower-case letters, digits, "_", "-" or "." (the key never changes once created)');
const label = z.string().trim().min(1, 'Enter a label people will read').max(120, 'At most 120 characters');
const tier = z.enum(FEATURE_TIERS, { error: 'Choose core, advanced or basic' });

export const createTriggerSchema = z.object({ key: catalogueKey, label, description: z.string().trim().max(500).optional() });
export const renameTriggerSchema = z.object({ key: z.string().min(1), label });
export const catalogueKeySchema = z.object({ key: z.string().min(1) });
export const createFeatureSchema = z.object({ key: catalogueKey, label, tier });
export const updateFeatureSchema = z.object({ key: z.string().min(1), label, tier });

/**
 * Items of the catalogue API's batches (`POST /api/v1/triggers`, `/features`, `/trigger-aliases`),
 * made of the forms' schemas, strict (an unknown field is an error, not a silent no-op). `retired`
 * retires (true) or brings back (false) what the admin page's Retire and Restore buttons do;
 * left out, it stays as it is. What `GET` answers can be sent back as it is.
 */
export const triggerItemSchema = z.strictObject({
  ...createTriggerSchema.shape,
  description: createTriggerSchema.shape.description.unwrap().nullable().optional(),
  retired: z.boolean().optional(),
});
export const featureItemSchema = z.strictObject({ ...createFeatureSchema.shape, retired: z.boolean().optional() });
export const triggerAliasItemSchema = z.strictObject({
  name: eventNameSchema,
  trigger: z.string().min(1, 'Name the trigger key this event name means').max(100, 'At most 100 characters'),
});
export type TriggerItem = z.infer<typeof triggerItemSchema>;
export type FeatureItem = z.infer<typeof featureItemSchema>;
export type TriggerAliasItem = z.infer<typeof triggerAliasItemSchema>;

/** Items per catalogue batch and bytes per body: far above a real catalogue, small enough for one transaction. */
export const CATALOGUE_LIMITS = { maxItems: 500, maxBytes: 1024 * 1024 } as const;
