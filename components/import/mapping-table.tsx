'use client';

import { CSV_FIELDS, type ImportKind, type Mapping } from '@/lib/ingest/csv';

/** One row per field of the kind: which column feeds it, with the first row's value as a hint. */
export function MappingTable({ kind, headers, mapping, sample, onChange }: {
  kind: ImportKind;
  headers: string[];
  mapping: Mapping;
  sample: Record<string, string | undefined> | undefined;
  onChange: (mapping: Mapping) => void;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">Which column of the file feeds each field</caption>
        <thead className="bg-gray-50">
          <tr>
            {['Field', 'Column in the file', 'First row'].map((h) => <th key={h} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{h}</th>)}
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {CSV_FIELDS[kind].map((field) => {
            const id = `map-${field.key}`;
            const column = mapping[field.key] ?? '';
            return (
              <tr key={field.key}>
                <th scope="row" className="px-3 py-2 text-left font-medium text-gray-900">
                  <label htmlFor={id}>{field.label}{field.required ? <span className="text-red-800"> (required)</span> : null}</label>
                </th>
                <td className="px-3 py-2">
                  <select id={id} value={column} onChange={(e) => onChange({ ...mapping, [field.key]: e.target.value || null })}
                    className="w-full min-w-48 rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm" aria-invalid={field.required && !column}>
                    <option value="">— not imported —</option>
                    {headers.map((h) => <option key={h} value={h}>{h}</option>)}
                  </select>
                </td>
                <td className="max-w-64 truncate px-3 py-2 font-mono text-xs text-gray-700">{column ? sample?.[column] ?? '' : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
