/** Zod schemas of the trigger and feature catalogue forms (the server actions validate with these). */
import { z } from 'zod';
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
