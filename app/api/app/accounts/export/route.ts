import { accountQuerySchema } from '@/lib/account-filters';
import { toCsv, type CsvCell } from '@/lib/csv';
import { sessionRoute } from '@/lib/server/api';
import { effectiveFilters } from '@/lib/server/queries/account-view';
import { listAccounts } from '@/lib/server/queries/accounts';
import { historyDayOf, isoDay } from '@/lib/server/queries/score-source';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const COLUMNS = ['asOf', 'id', 'name', 'tier', 'lifecycleStage', 'owner', 'arr', 'renewalDate', 'score', 'band', 'state', 'partial', 'velocity', 'scoreChange', 'belowTarget', 'flags'] as const;

/**
 * The current view of the accounts page as CSV: every matching account, in the view's order.
 * As of an earlier day (`asOf`), the rows come from the daily history and `asOf` names that day on
 * every row; velocity and flags are not in the history and stay empty.
 */
export const GET = sessionRoute('csm', async ({ db, user, request }) => {
  const query = accountQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  const filters = { ...query, ...effectiveFilters(query, user) };
  const day = historyDayOf(filters.asOf);
  const asOf = day === null ? '' : isoDay(day);
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null | undefined = undefined;
  do {
    const page = await listAccounts(db, { ...filters, limit: 500, cursor });
    for (const a of page.data) {
      rows.push({ ...Object.fromEntries(COLUMNS.map((c) => [c, a[c as keyof typeof a]])), asOf, flags: a.flags.map((f) => f.key).join(' ') });
    }
    cursor = page.nextCursor;
  } while (cursor);
  const csv = toCsv(COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c] as CsvCell)));
  const stamp = asOf ? `as-of-${asOf}` : new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="trellis-accounts-${stamp}.csv"` },
  });
});
