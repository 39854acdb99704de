import { formatChangePoints } from '@/lib/format';

interface Measure {
  key: string;
  label: string;
  points: number | null;
  max: number;
  noData: boolean;
  text: string;
  change: number | null;
}

export interface Dimension {
  key: string;
  label: string;
  weight: number;
  appliedWeight: number | null;
  score: number | null;
  noData: boolean;
  change: number | null;
  measures: Measure[];
}

/** Each dimension as a bar; opening it shows every measure in plain words with its points. */
export function DimensionBreakdown({ dimensions }: { dimensions: Dimension[] }) {
  return (
    <ul className="space-y-2">
      {dimensions.map((d) => (
        <li key={d.key}>
          <details className="group rounded-md border border-gray-200 bg-white">
            <summary className="cursor-pointer list-none px-3 py-2">
              <div className="flex items-baseline justify-between gap-2 text-sm">
                <span className="font-medium text-gray-900">
                  <span aria-hidden className="mr-1 inline-block transition group-open:rotate-90">▸</span>
                  {d.label} <span className="font-normal text-gray-600">· weight {Math.round(d.appliedWeight ?? d.weight)}%</span>
                </span>
                <span className="tabular text-gray-900">
                  {d.noData ? <span className="text-gray-600">no data</span> : <><strong>{d.score?.toFixed(1)}</strong> / 100</>}
                  {d.change !== null ? <span className={`ml-2 text-xs ${d.change < 0 ? 'text-red-800' : 'text-gray-600'}`}>{formatChangePoints(d.change)}</span> : null}
                </span>
              </div>
              <div className="mt-1.5 h-2 rounded bg-gray-100" role="img" aria-label={`${d.label}: ${d.noData ? 'no data' : `${d.score?.toFixed(1)} of 100`}`}>
                <div className="h-2 rounded bg-accent" style={{ width: `${d.noData ? 0 : Math.max(0, Math.min(100, d.score ?? 0))}%` }} />
              </div>
            </summary>
            <ul className="space-y-1.5 border-t border-gray-100 px-3 py-2 text-sm">
              {d.measures.map((m) => (
                <li key={m.key} className="flex items-start justify-between gap-3">
                  <span className="text-gray-800">
                    <span className="font-medium">{m.label}:</span> {m.text}
                  </span>
                  <span className="whitespace-nowrap tabular text-gray-700">
                    {m.noData ? 'no data' : `${m.points?.toFixed(m.points % 1 ? 1 : 0)} / ${m.max}`}
                    {m.change ? <span className={`ml-1 text-xs ${m.change < 0 ? 'text-red-800' : 'text-gray-600'}`}>{formatChangePoints(m.change)}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}
