/**
 * What `POST /api/v1/model/suggest` and the editor's "Suggest a model" take: the outcome to warn
 * of, its horizon, a training period and a later test period, sampled every `everyDays`.
 */
import { z } from 'zod';

const DAY_MS = 86_400_000;

export const SUGGEST_OUTCOMES = ['churned', 'not_renewed', 'not_expanded'] as const;
export type SuggestOutcome = (typeof SUGGEST_OUTCOMES)[number];
/** At most this many sample dates per period: each one loads every account's activity. */
export const MAX_SAMPLE_DATES = 60;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)').refine((s) => Number.isFinite(Date.parse(`${s}T00:00:00Z`)), 'must be a real date');

export const suggestModelSchema = z
  .strictObject({
    outcome: z.enum(SUGGEST_OUTCOMES).default('churned'),
    horizonDays: z.number().int().min(7).max(730).default(90),
    trainFrom: date,
    trainTo: date,
    testFrom: date,
    testTo: date,
    everyDays: z.number().int().min(1).max(365).default(14),
  })
  .superRefine((v, ctx) => {
    const t = (s: string) => Date.parse(`${s}T00:00:00Z`);
    if (t(v.trainTo) < t(v.trainFrom)) ctx.addIssue({ code: 'custom', path: ['trainTo'], message: 'must not be before trainFrom' });
    if (t(v.testTo) < t(v.testFrom)) ctx.addIssue({ code: 'custom', path: ['testTo'], message: 'must not be before testFrom' });
    // The training outcomes are read up to trainTo + horizon: they must be over before the test period starts.
    if (t(v.trainTo) + v.horizonDays * DAY_MS > t(v.testFrom)) {
      ctx.addIssue({ code: 'custom', path: ['testFrom'], message: `must be at least horizonDays (${v.horizonDays}) after trainTo, so that the fit never sees the test period's outcomes` });
    }
    for (const [from, to, path] of [[v.trainFrom, v.trainTo, 'trainTo'], [v.testFrom, v.testTo, 'testTo']] as const) {
      if ((t(to) - t(from)) / (v.everyDays * DAY_MS) + 1 > MAX_SAMPLE_DATES) {
        ctx.addIssue({ code: 'custom', path: [path], message: `at most ${MAX_SAMPLE_DATES} sample dates per period: widen everyDays or shorten the period` });
      }
    }
  });
export type SuggestModelInput = z.input<typeof suggestModelSchema>;

