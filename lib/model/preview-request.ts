/** The body of a preview request: a draft model JSON, or `{ model, asOf?, horizonDays? }`. */
import { z } from 'zod';
import { MAX_DATE, MIN_DATE } from '@/lib/analytics/params';
import { AppError } from '@/lib/server/errors';

const options = z.strictObject({
  model: z.unknown(),
  asOf: z.iso
    .date('must be a date (YYYY-MM-DD)')
    .refine((d) => d >= MIN_DATE && d <= MAX_DATE, `must be between ${MIN_DATE} and ${MAX_DATE}`)
    .optional(),
  horizonDays: z.number().int().min(7).max(1095).optional(),
});

export function parsePreviewRequest(body: unknown): { model: unknown; asOf?: string; horizonDays?: number } {
  const wrapped = typeof body === 'object' && body !== null && 'model' in body && !('dimensions' in body);
  if (!wrapped) return { model: body };
  const parsed = options.safeParse(body);
  if (!parsed.success) {
    throw new AppError('invalid', 'The preview options are not valid', parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })));
  }
  return parsed.data;
}
