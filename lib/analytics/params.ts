/**
 * The query parameters of the Trends and Cohorts pages and of GET /api/v1/cohorts, parsed with
 * one schema each on the server and written back by the pages so that views can be shared.
 */
import { z } from 'zod';
import { DAY_MS } from '@/lib/scoring/window';
import { GROUP_BYS, isoDate, type GroupBy } from './cohort';

const DATE_MESSAGE = 'Use a date like 2026-03-01';

/** Dates outside these years are refused: nothing Trellis stores is older, and no view reaches further. */
export const MIN_DATE = '1970-01-01';
export const MAX_DATE = '2999-12-31';
const RANGE_MESSAGE = `Use a date between ${MIN_DATE} and ${MAX_DATE}`;

/** A date (YYYY-MM-DD) or an ISO instant, read as its UTC date, between MIN_DATE and MAX_DATE. */
export const date = z
  .string()
  .refine((s) => z.iso.date().safeParse(s).success || z.iso.datetime({ offset: true }).safeParse(s).success, DATE_MESSAGE)
  .transform((s) => isoDate(Math.floor(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s) / DAY_MS) * DAY_MS))
  .refine((d) => d >= MIN_DATE && d <= MAX_DATE, RANGE_MESSAGE);

/** The longest period the Trends page and its route show at once (ten years). */
export const MAX_TREND_DAYS = 3653;

export const MAX_HORIZON_DAYS = 1095;

export const cohortQuerySchema = z
  .object({
    asOf: date.optional(),
    horizonDays: z.coerce
      .number({ message: 'horizonDays must be a whole number of days' })
      .int('horizonDays must be a whole number of days')
      .min(1, 'horizonDays must be at least 1')
      .max(MAX_HORIZON_DAYS, `horizonDays must be at most ${MAX_HORIZON_DAYS}`)
      .optional(),
    groupBy: z.enum(GROUP_BYS, { message: `groupBy must be one of ${GROUP_BYS.join(', ')}` }).optional(),
  })
  .strict();

export type CohortQuery = z.infer<typeof cohortQuerySchema>;

const signalKey = z.string().max(200).regex(/^[a-z0-9][a-z0-9_.-]*$/, 'use a key of lower-case letters, digits, "_", "-" or "."');

/**
 * Metric cohorts: a measure of the live model (`measure=<dimension key>/<measure key>`) or a raw
 * trigger (`trigger=<key>`), an as-of date and a horizon. Without either, the model's first measure.
 */
export const metricCohortQuerySchema = z
  .object({
    asOf: cohortQuerySchema.shape.asOf,
    horizonDays: cohortQuerySchema.shape.horizonDays,
    measure: z
      .string()
      .max(401)
      .regex(/^[a-z0-9][a-z0-9_.-]*\/[a-z0-9][a-z0-9_.-]*$/, 'measure must be "<dimension key>/<measure key>"')
      .optional(),
    trigger: signalKey.optional(),
  })
  .strict()
  .refine((q) => !(q.measure && q.trigger), { message: 'Give a measure or a trigger, not both', path: ['trigger'] });

export type MetricCohortQuery = z.infer<typeof metricCohortQuerySchema>;

export interface CohortParams {
  asOf: string;
  horizonDays: number;
  groupBy: GroupBy;
}

export const GROUP_BY_LABELS: Record<GroupBy, string> = { quartile: 'Score quartile', band: 'Band', tier: 'Tier', startMonth: 'Start month' };

const list = z
  .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.string().max(200)).max(50))
  .optional();

export const trendQuerySchema = z.object({ from: date.optional(), to: date.optional(), tier: list, owner: list, stage: list }).strict();

export type TrendQuery = z.infer<typeof trendQuerySchema>;

/** Reads a page's search params leniently: unknown keys are ignored, a bad value falls back to the default. */
export function parseLenient<S extends z.ZodObject>(schema: S, params: Record<string, string | string[] | undefined>): z.infer<S> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(params)) {
    const field = schema.shape[key] as z.ZodType | undefined;
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (!field || value === undefined || value === '') continue;
    const parsed = field.safeParse(value);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as z.infer<S>;
}

/** Writes parameters back to a query string, leaving out empty ones. */
export function toSearch(params: Record<string, string | number | string[] | undefined>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return out.toString();
}
