/**
 * Lists that render a page at a time ("Show 50 more"): how many rows a view lists is kept in its
 * URL as `shown`, so that a reload or a shared link lists the same.
 */
import { z } from 'zod';

/** The most rows one request lists (more than any portfolio holds). */
export const MAX_SHOWN = 1_000_000;

const SHOWN_RULE = `a whole number from 1 to ${MAX_SHOWN}`;

/** `shown` as a query parameter: the data routes refuse anything else with a 400 naming it. */
export const shownParam = z.string().regex(/^\d{1,7}$/, SHOWN_RULE).transform(Number).pipe(z.number().min(1, SHOWN_RULE).max(MAX_SHOWN, SHOWN_RULE));

/** `shown` from a page's URL: as `shownParam` takes it, else `page` (missing or anything else). */
export function shownOf(value: string | null | undefined, page: number): number {
  return shownParam.safeParse(value).data ?? page;
}
