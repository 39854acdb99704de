'use client';

import { bandStyle, NO_DATA, type BandInfo } from '@/lib/bands';
import { formatCount, formatMoney } from '@/lib/format';

export interface BandCountRow {
  band: string;
  accounts: number;
  arr: number;
}

/** One card per band (and no data): the top-level way into the list. Pressing one filters by it. */
/** `counts` undefined: still loading (placeholders, not zeros). */
export function BandCards({ bands, counts, selected, onToggle }: { bands: BandInfo[]; counts: BandCountRow[] | undefined; selected: string[]; onToggle: (band: string) => void }) {
  const all = [...bands, { ...NO_DATA, min: -1 }];
  return (
    <div role="group" aria-label="Accounts by health band" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {all.map((b, rank) => {
        const row = counts?.find((c) => c.band === b.key);
        const active = selected.includes(b.key);
        const style = bandStyle(b.key, rank);
        return (
          <button
            key={b.key}
            type="button"
            aria-pressed={active}
            onClick={() => onToggle(b.key)}
            title={b.action}
            className={`rounded-lg border bg-white p-3 text-left shadow-sm transition hover:shadow ${active ? `border-2 ${style.card} ring-2 ring-offset-1 ring-gray-300` : 'border-gray-200'}`}
          >
            <span className="flex items-center gap-2 text-sm font-medium text-gray-800">
              <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${style.solid}`} />
              {b.label}
            </span>
            {counts ? (
              <>
                <span className="mt-1 block text-2xl font-semibold tabular text-gray-900">{formatCount(row?.accounts ?? 0)}</span>
                <span className="block text-xs text-gray-600 tabular">{formatMoney(row?.arr ?? 0)} ARR</span>
              </>
            ) : (
              <span aria-label="Loading" className="mt-2 block h-10 animate-pulse rounded bg-gray-100" />
            )}
          </button>
        );
      })}
    </div>
  );
}
