'use client';

/**
 * Per-override measure numbers: for a tier or lifecycle stage, other points, per-N or caps of the
 * measures that have them (empty: the measure's own number, shown as the placeholder). Ratio tiers
 * and attribute points are overridden in the JSON.
 */
import type { MeasureOverride, Model } from '@/lib/scoring';
import { smallInput, type Errors } from './fields';

const FIELDS: Record<string, readonly ('points' | 'per' | 'cap')[]> = {
  count: ['points', 'per', 'cap'],
  stakeholders: ['points', 'cap'],
  departments: ['points'],
  active_days: ['points', 'cap'],
};
const NAMES = { points: 'points', per: 'per N', cap: 'cap' } as const;

export function MeasureOverrides({ model, index, errors, onChange }: {
  model: Model;
  index: number;
  errors: Errors;
  onChange: (measures: Record<string, MeasureOverride> | undefined) => void;
}) {
  const current = model.overrides[index]?.measures ?? {};
  const set = (key: string, field: 'points' | 'per' | 'cap', value: number | undefined) => {
    const next = { ...current, [key]: { ...(current[key] ?? {}) } };
    if (value === undefined) delete next[key]![field];
    else next[key]![field] = value;
    if (Object.keys(next[key]!).length === 0) delete next[key];
    onChange(Object.keys(next).length ? next : undefined);
  };
  const count = Object.keys(current).length;
  return (
    <details className="w-full">
      <summary className="cursor-pointer text-xs text-gray-700">Measure points and caps for override {index + 1}{count ? ` (${count} changed)` : ''}</summary>
      <table className="mt-2 text-xs">
        <caption className="sr-only">Measure numbers for override {index + 1} (empty: the measure&apos;s own, shown greyed)</caption>
        <thead>
          <tr className="text-left text-gray-600">
            <th scope="col" className="py-1 pr-3 font-medium">Measure</th>
            {(['points', 'per', 'cap'] as const).map((f) => <th key={f} scope="col" className="px-1 py-1 font-medium">{NAMES[f]}</th>)}
          </tr>
        </thead>
        <tbody>
          {model.dimensions.flatMap((d) =>
            d.measures.filter((m) => FIELDS[m.kind]).map((m) => (
              <tr key={m.key}>
                <th scope="row" className="py-0.5 pr-3 text-left font-normal text-gray-800">{d.label}: {m.label}</th>
                {(['points', 'per', 'cap'] as const).map((field) => {
                  if (!FIELDS[m.kind]!.includes(field)) return <td key={field} />;
                  const path = `overrides[${index}].measures.${m.key}.${field}`;
                  const id = `f-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
                  const own = (m as unknown as Record<string, number | undefined>)[field];
                  const error = errors.get(path);
                  return (
                    <td key={field} className="px-1 py-0.5 align-top">
                      <label htmlFor={id} className="sr-only">{NAMES[field]} of {m.label} for override {index + 1}</label>
                      <input id={id} type="number" className={smallInput.replace("w-20", "w-16")} value={current[m.key]?.[field] ?? ''} placeholder={own === undefined ? '' : String(own)} aria-invalid={!!error} title={error ?? path}
                        onChange={(e) => set(m.key, field, e.target.value === '' ? undefined : Number(e.target.value))} />
                      {error ? <span className="block max-w-32 text-red-800">{error}</span> : null}
                    </td>
                  );
                })}
              </tr>
            )),
          )}
        </tbody>
      </table>
    </details>
  );
}
