'use client';

/** What the draft would do: score distribution draft vs live, the accounts that change band, and validation on history. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { BandBadge } from '@/components/ui/band-badge';
import { formatCount, formatMoney, formatScore } from '@/lib/format';
import type { ModelPreview, ValidationFigures } from '@/lib/server/queries/model-preview';

const fmt = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

function better(draft: number | null, live: number | null): string {
  if (draft === null || live === null) return '';
  if (Math.abs(draft - live) < 0.005) return 'same';
  return draft > live ? 'draft better' : 'live better';
}

function Validation({ draft, live }: { draft: ValidationFigures; live: ValidationFigures }) {
  const rows: [string, string, string, string][] = [
    ['AUC (1 = perfect, 0.5 = chance)', fmt(draft.auc), fmt(live.auc), better(draft.auc, live.auc)],
    ['Lift (churn bottom ÷ top quartile)', fmt(draft.lift, 1), fmt(live.lift, 1), better(draft.lift, live.lift)],
    ['Churn rate, bottom quartile', pct(draft.churnRates.bottom), pct(live.churnRates.bottom), ''],
    ['Churn rate, top quartile', pct(draft.churnRates.top), pct(live.churnRates.top), ''],
  ];
  const bandKeys = [...new Set([...draft.bands.map((b) => b.key), ...live.bands.map((b) => b.key)])];
  const band = (list: ValidationFigures['bands'], key: string) => list.find((b) => b.key === key);
  return (
    <table className="min-w-full text-sm">
      <caption className="sr-only">Validation of draft and live on history</caption>
      <thead><tr className="text-left text-xs uppercase tracking-wide text-gray-600"><th scope="col" className="py-1">Figure</th><th scope="col">Draft</th><th scope="col">Live</th><th scope="col"><span className="sr-only">Comparison</span></th></tr></thead>
      <tbody className="divide-y divide-gray-100">
        {rows.map(([label, d, l, cmp]) => (
          <tr key={label}><th scope="row" className="py-1 text-left font-normal text-gray-800">{label}</th><td className="tabular-nums">{d}</td><td className="tabular-nums">{l}</td><td className="text-xs text-gray-600">{cmp}</td></tr>
        ))}
        {bandKeys.map((k) => {
          const d = band(draft.bands, k);
          const l = band(live.bands, k);
          return (
            <tr key={k}>
              <th scope="row" className="py-1 text-left font-normal text-gray-800">Retention, {d?.label ?? l?.label ?? k}</th>
              <td className="tabular-nums">{d ? `${pct(d.retention)} of ${formatCount(d.accounts)}` : '—'}</td>
              <td className="tabular-nums">{l ? `${pct(l.retention)} of ${formatCount(l.accounts)}` : '—'}</td>
              <td />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function PreviewPanel({ preview, state, asOf, onAsOf }: { preview: ModelPreview | null; state: 'idle' | 'loading' | 'error' | 'invalid'; asOf: string; onAsOf: (d: string) => void }) {
  const labelOf = (key: string) => preview?.bands.find((b) => b.key === key)?.label ?? key;
  return (
    <section aria-labelledby="preview-heading" className="space-y-4 rounded-lg border border-gray-200 bg-white p-4" aria-busy={state === 'loading'}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="preview-heading" className="text-base font-semibold text-gray-900">Preview: draft vs live</h2>
        <span className="text-xs text-gray-600" role="status">
          {state === 'loading' ? 'Updating…' : state === 'invalid' ? 'Fix the draft to update the preview' : state === 'error' ? 'The preview failed' : preview ? `Computed in ${preview.ms} ms` : ''}
        </span>
      </div>
      {!preview ? <p className="text-sm text-gray-600">The preview appears here.</p> : (
        <>
          <figure>
            <div style={{ height: 200 }}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={preview.distribution} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
                  <XAxis dataKey="bin" tick={{ fontSize: 10, fill: '#4b5563' }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#4b5563' }} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Bar dataKey="live" name="Live" fill="#9ca3af" isAnimationActive={false} />
                  <Bar dataKey="draft" name="Draft" fill="#1d4ed8" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <figcaption className="text-xs text-gray-600">
              Score distribution of current customers. By band (draft / live): {preview.bands.map((b) => `${b.label} ${b.draft} / ${b.live}`).join(', ')}; no score {preview.noScore.draft} / {preview.noScore.live}.
            </figcaption>
          </figure>

          <div>
            <h3 className="text-sm font-semibold text-gray-900" id="moves-heading">
              {preview.changes.total === 0 ? 'No account would change band' : `${formatCount(preview.changes.total)} accounts would change band (${preview.changes.up} up, ${preview.changes.down} down, ${formatMoney(preview.changes.arrMoved)} ARR)`}
            </h3>
            {preview.changes.total > 0 ? (
              <div className="mt-2 max-h-72 overflow-y-auto">
                <table className="min-w-full text-sm" aria-labelledby="moves-heading">
                  <thead className="sticky top-0 bg-white"><tr className="text-left text-xs uppercase tracking-wide text-gray-600"><th scope="col" className="py-1">Account</th><th scope="col">ARR</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Score</th></tr></thead>
                  <tbody className="divide-y divide-gray-100">
                    {preview.changes.top.map((c) => (
                      <tr key={c.id}>
                        <th scope="row" className="py-1 text-left font-medium text-gray-900">{c.name}</th>
                        <td className="tabular-nums">{formatMoney(c.arr)}</td>
                        <td>{c.from ? <BandBadge band={c.from} label={labelOf(c.from)} /> : '—'}</td>
                        <td>{c.to ? <BandBadge band={c.to} label={labelOf(c.to)} /> : '—'}</td>
                        <td className="whitespace-nowrap tabular-nums text-gray-700">{formatScore(c.liveScore)} → {formatScore(c.draftScore)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {preview.changes.total > preview.changes.top.length ? <p className="mt-1 text-xs text-gray-600">The {preview.changes.top.length} biggest by ARR are listed.</p> : null}
              </div>
            ) : null}
          </div>

          <div>
            <div className="flex flex-wrap items-end justify-between gap-2">
              <h3 className="text-sm font-semibold text-gray-900">Would it have predicted churn better?</h3>
              <label className="text-xs text-gray-600">Scores as of
                <input type="date" className="ml-2 rounded border border-gray-300 px-2 py-0.5 text-sm" value={asOf} onChange={(e) => e.target.value && onAsOf(e.target.value)} />
              </label>
            </div>
            <p className="mb-2 text-xs text-gray-600">
              Every account active on {preview.validation.asOf} scored with each model as of that day, against churn in the following {preview.validation.horizonDays} days
              ({formatCount(preview.validation.draft.population.active)} accounts, {formatCount(preview.validation.draft.population.churned)} churned){preview.validation.complete ? '' : '; the horizon reaches past today, so churn is not all known yet'}.
            </p>
            <Validation draft={preview.validation.draft} live={preview.validation.live} />
          </div>
        </>
      )}
    </section>
  );
}
