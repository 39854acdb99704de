'use client';

import { CSV_FIELDS, EXTRAS_FIELD, checkRow, sheetRow, type ImportKind, type Mapping } from '@/lib/ingest/csv';

function show(value: unknown, instant: boolean): string {
  if (value === undefined || value === null) return '';
  if (instant && typeof value === 'number') return new Date(value).toISOString().replace('T00:00:00.000Z', '').replace(':00.000Z', 'Z');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The first rows as they will be imported, each with its problems (same checks as the server). */
export function PreviewTable({ kind, rows, mapping, extras }: { kind: ImportKind; rows: Record<string, string | undefined>[]; mapping: Mapping; extras: boolean }) {
  const fields = CSV_FIELDS[kind].filter((f) => mapping[f.key] || (extras && EXTRAS_FIELD[kind] === f.key));
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">The first rows as they will be imported</caption>
        <thead className="bg-gray-50">
          <tr>
            <th scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">Row</th>
            {fields.map((f) => <th key={f.key} scope="col" className="whitespace-nowrap px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{f.label}</th>)}
            <th scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">Problems</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {rows.map((row, i) => {
            const checked = checkRow(kind, row, mapping, { extras });
            const value = (checked.ok ? checked.value : {}) as Record<string, unknown>;
            return (
              <tr key={i} className={checked.ok ? '' : 'bg-red-50'}>
                <td className="tabular px-3 py-1.5">{sheetRow(i)}</td>
                {fields.map((f) => (
                  <td key={f.key} className="max-w-56 truncate px-3 py-1.5 font-mono text-xs" title={show(value[f.key], f.type === 'instant')}>
                    {checked.ok ? show(value[f.key], f.type === 'instant') : (mapping[f.key] ? row[mapping[f.key]!] ?? '' : '')}
                  </td>
                ))}
                <td className="px-3 py-1.5 text-xs">
                  {checked.ok ? <span className="text-green-800">OK</span> : <span className="text-red-900">{checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
