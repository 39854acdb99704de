import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatCount } from '@/lib/format';
import type { ImportRunRow } from '@/lib/server/queries/import-runs';

const STATUS: Record<ImportRunRow['status'], string> = { running: 'text-blue-900', done: 'text-green-800', failed: 'text-red-800' };

/** Recent imports (CSV and bulk), with the report of skipped rows where there is one. */
export function RunsTable({ runs }: { runs: ImportRunRow[] }) {
  if (!runs.length) return <EmptyState title="No imports yet">Imports you run here, and bulk imports from the command line, are listed with what they wrote and skipped.</EmptyState>;
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">Recent imports</caption>
        <thead className="bg-gray-50">
          <tr>
            {['Started', 'Kind', 'File', 'Status', 'Rows', 'Written', 'Skipped', 'By', ''].map((h, i) => (
              <th key={i} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{h || <span className="sr-only">Report</span>}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {runs.map((r) => (
            <tr key={r.pk}>
              <td className="whitespace-nowrap px-3 py-2"><RelativeTime iso={r.startedAt} /></td>
              <td className="px-3 py-2 capitalize">{r.kind}</td>
              <td className="max-w-56 truncate px-3 py-2" title={r.filename ?? undefined}>{r.filename ?? '—'}</td>
              <td className={`px-3 py-2 font-medium ${STATUS[r.status]}`} title={r.message ?? undefined}>{r.status}</td>
              <td className="tabular px-3 py-2">{formatCount(r.totalRows)}</td>
              <td className="tabular px-3 py-2">{formatCount(r.writtenRows)}</td>
              <td className="tabular px-3 py-2">{formatCount(r.skippedRows)}</td>
              <td className="px-3 py-2 text-gray-700">{r.createdBy ?? 'command line'}</td>
              <td className="px-3 py-2">{r.skippedRows > 0 ? <a href={`/api/app/imports/runs/${r.pk}/report`} className="text-accent-strong underline">Report</a> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
