import { toCsv } from '@/lib/csv';
import { sessionRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { getImportRun } from '@/lib/server/queries/import-runs';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** The skipped rows of an import as CSV: row number, field, problem, then the row as it was. */
export const GET = sessionRoute<{ pk: string }>('admin', async ({ db }, { pk }) => {
  const run = await getImportRun(db, Number(pk));
  if (!run || !Number.isInteger(Number(pk))) throw new AppError('not_found', `No import ${pk}`);
  const columns = [...new Set(run.skipped.flatMap((s) => Object.keys(s.values ?? {})))];
  const rows = run.skipped.map((s) => [String(s.row), s.field, s.message, ...columns.map((c) => s.values?.[c] ?? '')]);
  if (run.truncated) rows.push(['', '', `More rows were skipped than the report keeps (${run.skippedRows} in all)`]);
  const csv = toCsv(['row', 'field', 'problem', ...columns], rows);
  const name = `skipped-rows-import-${run.pk}.csv`;
  return new Response(csv, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` } });
});
