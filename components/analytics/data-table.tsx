'use client';

import type { ReactNode } from 'react';
import { downloadCsv, type Column } from './export';

export interface TableColumn<Row> extends Column<Row> {
  /** the cell as shown; default: the CSV value */
  render?: (row: Row) => ReactNode;
  numeric?: boolean;
}

export function CsvButton<Row>({ filename, columns, rows, label = 'Download CSV' }: { filename: string; columns: readonly Column<Row>[]; rows: readonly Row[]; label?: string }) {
  return (
    <button type="button" onClick={() => downloadCsv(filename, columns, rows)} disabled={rows.length === 0}
      className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-50">
      {label}
    </button>
  );
}

/** A plain table of figures: numbers right-aligned in tabular figures, the first column a row header. */
export function DataTable<Row>({ caption, columns, rows, rowKey }: { caption: string; columns: readonly TableColumn<Row>[]; rows: readonly Row[]; rowKey: (row: Row) => string }) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
            {columns.map((c) => (
              <th key={c.key} scope="col" className={`px-2 py-1.5 ${c.numeric ? 'text-right' : ''}`}>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className="border-b border-gray-100 last:border-0">
              {columns.map((c, i) => {
                const value = c.render ? c.render(row) : c.csv ? c.csv(row) : ((row as Record<string, ReactNode>)[c.key] ?? '—');
                const className = `px-2 py-1.5 ${c.numeric ? 'tabular text-right' : ''}`;
                return i === 0 ? <th key={c.key} scope="row" className={`${className} text-left font-medium text-gray-900`}>{value}</th> : <td key={c.key} className={className}>{value}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
