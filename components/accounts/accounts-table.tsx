'use client';

import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import Link from 'next/link';
import { useMemo } from 'react';
import type { AccountSort } from '@/lib/account-filters';
import { NO_DATA, type BandInfo } from '@/lib/bands';
import { formatChangePercent, formatChangePoints, formatMoney, formatPercent, formatScore } from '@/lib/format';
import { FLAG_LABELS } from '@/lib/scoring/flag-labels';
import type { FlagKey } from '@/lib/scoring/types';
import { BandBadge } from '@/components/ui/band-badge';
import { SERVER_ROWS, useHydrated } from '@/lib/use-hydrated';

export interface AccountRow {
  id: string;
  name: string;
  tier: string | null;
  lifecycleStage: string | null;
  arr: number;
  owner: string | null;
  renewalDate: string | null;
  score: number | null;
  band: string | null;
  override: { band: string; expiresAt: string } | null;
  state: 'scored' | 'no_data';
  partial: boolean;
  velocity: number | null;
  scoreChange: number | null;
  belowTarget: boolean;
  flags: { key: string; severity: 'red' | 'yellow' }[];
  /** probability of churning within the churn-risk horizon (null: none fitted, or an earlier day) */
  churnRisk: number | null;
}

const SORTABLE: Record<string, [AccountSort, AccountSort]> = {
  name: ['name', '-name'],
  arr: ['-arr', 'arr'],
  score: ['score', '-score'],
  velocity: ['velocity', '-velocity'],
  scoreChange: ['scoreChange', '-scoreChange'],
  churnRisk: ['-risk', 'risk'],
  arrAtRisk: ['-arrAtRisk', 'arrAtRisk'],
};

function strongestFlag(flags: AccountRow['flags']): string | null {
  const first = flags.find((f) => f.severity === 'red') ?? flags[0];
  if (!first) return null;
  const label = FLAG_LABELS[first.key as FlagKey] ?? first.key;
  return flags.length > 1 ? `${label} +${flags.length - 1}` : label;
}

const col = createColumnHelper<AccountRow>();

/**
 * `asOf`: the rows come from the daily history, which has no velocity, flags or churn risk (those columns go).
 * The server's HTML holds the first rows only; the others render right after hydration.
 */
export function AccountsTable({ rows, bands, sort, asOf, onSort }: { rows: AccountRow[]; bands: BandInfo[]; sort: AccountSort; asOf?: string; onSort: (sort: AccountSort) => void }) {
  const hydrated = useHydrated();
  const shown = hydrated || rows.length <= SERVER_ROWS ? rows : rows.slice(0, SERVER_ROWS);
  const columns = useMemo(() => {
    const suffix = asOf ? `?asOf=${asOf}` : '';
    const bandOf = (key: string | null) => {
      const rank = bands.findIndex((b) => b.key === key);
      return rank < 0 ? { label: NO_DATA.label, rank: undefined } : { label: bands[rank].label, rank };
    };
    return [
      col.accessor('name', {
        header: 'Account',
        cell: (c) => (
          <Link href={`/accounts/${encodeURIComponent(c.row.original.id)}${suffix}`} className="font-medium text-gray-900 hover:text-accent-strong hover:underline">
            {c.getValue()}
          </Link>
        ),
      }),
      col.accessor('tier', { header: 'Tier', cell: (c) => <span className="capitalize">{c.getValue() ?? '—'}</span> }),
      col.accessor('owner', { header: 'Owner', cell: (c) => <span className="text-gray-700">{c.getValue()?.split('@')[0] ?? '—'}</span> }),
      col.accessor('arr', { header: 'ARR', cell: (c) => <span className="tabular">{formatMoney(c.getValue())}</span> }),
      col.accessor('score', {
        header: 'Score',
        cell: (c) => (
          <span className="tabular font-semibold">
            {formatScore(c.getValue())}
            {c.row.original.partial ? <span className="ml-1 text-xs font-normal text-gray-600" title="Some dimensions had no data">partial</span> : null}
            {c.row.original.belowTarget ? <span className="ml-1 text-xs font-medium text-red-800" title="Below the target of its tier">below target</span> : null}
          </span>
        ),
      }),
      col.accessor('band', {
        header: 'Band',
        cell: (c) => {
          const override = c.row.original.override;
          const b = bandOf(override?.band ?? c.getValue());
          return (
            <span className="inline-flex items-center gap-1.5">
              <BandBadge band={override?.band ?? c.getValue()} label={b.label} rank={b.rank} />
              {override ? <span className="text-xs text-gray-600" title={`Computed band: ${bandOf(c.getValue()).label}`}>override</span> : null}
            </span>
          );
        },
      }),
      col.accessor('velocity', {
        header: 'Velocity',
        cell: (c) => <span className={`tabular ${(c.getValue() ?? 0) < 0 ? 'text-red-800' : 'text-gray-800'}`}>{formatChangePercent(c.getValue())}</span>,
      }),
      col.accessor('scoreChange', {
        header: 'Change',
        cell: (c) => <span className={`tabular ${(c.getValue() ?? 0) < 0 ? 'text-red-800' : 'text-gray-800'}`}>{formatChangePoints(c.getValue())}</span>,
      }),
      col.accessor('churnRisk', {
        header: 'Risk',
        cell: (c) => <span className="tabular" title="Probability of churning within the churn-risk horizon">{formatPercent(c.getValue(), 0)}</span>,
      }),
      col.accessor((r) => (r.churnRisk === null ? null : r.churnRisk * r.arr), {
        id: 'arrAtRisk',
        header: 'ARR at risk',
        cell: (c) => <span className="tabular">{c.getValue() === null ? '—' : formatMoney(c.getValue()!)}</span>,
      }),
      col.accessor('flags', {
        header: 'Flags',
        cell: (c) => {
          const text = strongestFlag(c.getValue());
          if (!text) return <span className="text-gray-500">—</span>;
          const red = c.getValue().some((f) => f.severity === 'red');
          return <span className={red ? 'font-medium text-red-800' : 'text-yellow-900'}>{text}</span>;
        },
      }),
    ];
  }, [bands, asOf]);

  // TanStack Table's instance is not memoisable by the React Compiler; this app does not use it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: shown, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id,
    state: { columnVisibility: asOf ? { velocity: false, flags: false, churnRisk: false, arrAtRisk: false } : {} },
  });

  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">Accounts with their engagement scores</caption>
        <thead className="bg-gray-50">
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const sortable = SORTABLE[h.column.id];
                const direction = sortable ? (sort === sortable[0] ? 'first' : sort === sortable[1] ? 'second' : null) : null;
                const ascending = direction && (sort.startsWith('-') ? 'descending' : 'ascending');
                return (
                  <th key={h.id} scope="col" aria-sort={ascending || undefined} className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">
                    {sortable ? (
                      <button type="button" onClick={() => onSort(direction === 'first' ? sortable[1] : sortable[0])} className="inline-flex items-center gap-1 uppercase hover:text-gray-900">
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden>{direction ? (sort.startsWith('-') ? '↓' : '↑') : '↕'}</span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-gray-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="hover:bg-gray-50">
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="whitespace-nowrap px-3 py-2">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
