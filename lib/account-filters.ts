/**
 * The account list's filters as they travel in URLs (the page's query string, the API's query):
 * parsed with one schema on the server, written back by the client so views can be shared.
 */
import { z } from 'zod';

/**
 * `overdue`: most overdue touchpoints first (the earliest due date among the account's cadence items).
 * `risk`: by churn risk, `arrAtRisk`: by churn risk x ARR (`-` first: highest first); accounts without a risk last.
 */
export const ACCOUNT_SORTS = ['score', '-score', 'velocity', '-velocity', 'arr', '-arr', 'name', '-name', 'scoreChange', '-scoreChange', 'overdue', 'risk', '-risk', 'arrAtRisk', '-arrAtRisk'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

const list = z
  .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.string().max(200)).max(50))
  .optional();

export const accountQuerySchema = z
  .object({
    band: list,
    tier: list,
    owner: list,
    stage: list,
    flag: list,
    q: z.string().max(200).optional(),
    belowTarget: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    includeChurned: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    /** only accounts with at least one overdue cadence item (today's, whatever `asOf` says) */
    overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    sort: z.enum(ACCOUNT_SORTS).optional(),
    asOf: z.iso
      .date({ message: 'asOf must be a date, e.g. 2026-03-01' })
      .refine((d) => d <= new Date().toISOString().slice(0, 10), { message: 'asOf must not be in the future' })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export type AccountQuery = z.infer<typeof accountQuerySchema>;

/** The filters a page URL can hold (no paging). `owner: ['*']` means every owner. */
export interface ViewFilters {
  band?: string[];
  tier?: string[];
  owner?: string[];
  stage?: string[];
  flag?: string[];
  q?: string;
  belowTarget?: boolean;
  includeChurned?: boolean;
  /** only accounts with an overdue touchpoint */
  overdue?: boolean;
  sort?: AccountSort;
  /** `YYYY-MM-DD`: the view as of the end of that day (from the daily history) */
  asOf?: string;
}

export function parseViewFilters(params: Record<string, string | string[] | undefined>): ViewFilters {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]).filter(([k]) => k !== 'limit' && k !== 'cursor'));
  const known = Object.fromEntries(Object.entries(flat).filter(([k]) => k in accountQuerySchema.shape));
  const parsed = accountQuerySchema.safeParse(known);
  if (!parsed.success) return {};
  const { limit: _limit, cursor: _cursor, ...filters } = parsed.data;
  // Flags, tier targets and cadence are not kept in the daily history: an earlier day cannot filter by them.
  // Today is the live view, not a day of the history.
  if (filters.asOf && filters.asOf >= new Date().toISOString().slice(0, 10)) delete filters.asOf;
  if (filters.asOf) {
    delete filters.flag;
    delete filters.belowTarget;
    // Cadence is kept for today only, like flags.
    delete filters.overdue;
  }
  return filters;
}

export function viewFiltersToSearch(filters: ViewFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ['band', 'tier', 'owner', 'stage', 'flag'] as const) {
    const v = filters[key];
    if (v?.length) out.set(key, v.join(','));
  }
  if (filters.q) out.set('q', filters.q);
  if (filters.belowTarget) out.set('belowTarget', 'true');
  if (filters.includeChurned) out.set('includeChurned', 'true');
  if (filters.overdue) out.set('overdue', 'true');
  if (filters.sort && filters.sort !== 'score') out.set('sort', filters.sort);
  if (filters.asOf) out.set('asOf', filters.asOf);
  return out;
}
