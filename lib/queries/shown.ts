/**
 * Lists that render a page at a time ("Show 50 more"): how many rows a view lists is kept in its
 * URL as `shown`, so that a reload or a shared link lists the same.
 */

/** The most rows one request lists (more than any portfolio holds). */
export const MAX_SHOWN = 1_000_000;

/** What `shown` must be, for the error that names it. */
export const SHOWN_RULE = `a whole number from 1 to ${MAX_SHOWN}`;

/** `shown` from a URL: a whole number from 1 to MAX_SHOWN, else `page` (missing or anything else). */
export function shownOf(value: string | null | undefined, page: number): number {
  const n = value && /^\d{1,7}$/.test(value) ? Number(value) : 0;
  return n >= 1 && n <= MAX_SHOWN ? n : page;
}
