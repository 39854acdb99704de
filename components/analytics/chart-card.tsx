'use client';

import { useRef, useState, type ReactNode } from 'react';
import { CsvButton, DataTable, type TableColumn } from './data-table';
import { downloadChartPng, type LegendItem } from './export';

const buttonClass = 'rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-50';

export function Legend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-gray-700">
      {items.map((item) => (
        <li key={item.label} className="flex items-center gap-1.5">
          <svg width="18" height="8" aria-hidden>
            <line x1="0" y1="4" x2="18" y2="4" stroke={item.color} strokeWidth="3" strokeDasharray={item.dashed ? '4 3' : undefined} />
          </svg>
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * One question, one chart, one sentence saying what it shows; the numbers behind it as a table
 * (also the chart's text fallback), with CSV and PNG downloads.
 */
export function ChartCard<Row>({ id, question, sentence, legend, height = 260, filename, columns, rows, rowKey, children }: {
  id: string;
  question: string;
  sentence: string;
  legend?: LegendItem[];
  height?: number;
  /** file name without extension */
  filename: string;
  columns: readonly TableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  children: ReactNode;
}) {
  const chart = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const savePng = async () => {
    const svg = chart.current?.querySelector('svg.recharts-surface');
    if (!(svg instanceof SVGSVGElement)) return;
    setBusy(true);
    try {
      await downloadChartPng(svg, { filename: `${filename}.png`, title: question, caption: sentence, legend });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-gray-200 bg-white p-4">
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-gray-900">{question}</h2>
        <div className="flex gap-2">
          <button type="button" className={buttonClass} onClick={savePng} disabled={busy || rows.length === 0}>Download PNG</button>
          <CsvButton filename={`${filename}.csv`} columns={columns} rows={rows} />
        </div>
      </div>
      <figure aria-labelledby={`${id}-title`}>
        <div ref={chart} style={{ height }}>{children}</div>
        {legend?.length ? <Legend items={legend} /> : null}
        <figcaption className="mt-2 text-sm text-gray-700" data-testid={`${id}-sentence`}>{sentence}</figcaption>
      </figure>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-xs font-medium text-gray-700">Show the numbers as a table</summary>
        <div className="mt-2">
          <DataTable caption={question} columns={columns} rows={rows} rowKey={rowKey} />
        </div>
      </details>
    </section>
  );
}
