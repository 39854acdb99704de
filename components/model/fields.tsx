'use client';

/** Small inputs of the model editor, each bound to a model path so validation errors land on it. */
import type { ReactNode } from 'react';

export const smallInput =
  'block w-20 rounded border border-gray-300 bg-white px-2 py-1 text-sm tabular-nums focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent aria-[invalid=true]:border-red-600 aria-[invalid=true]:bg-red-50';

export type Errors = Map<string, string>;

export function NumberField({ path, label, value, onChange, errors, min, max, step = 1, hideLabel = false }: {
  path: string; label: string; value: number | undefined; onChange: (v: number | undefined) => void; errors: Errors; min?: number; max?: number; step?: number; hideLabel?: boolean;
}) {
  const error = errors.get(path);
  const id = `f-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  return (
    <span className="inline-flex flex-col">
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'text-xs text-gray-600'}>{label}</label>
      <input id={id} type="number" className={smallInput} value={value ?? ''} min={min} max={max} step={step} aria-invalid={!!error} title={error ?? path}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
      {error ? <span className="mt-0.5 max-w-48 text-xs text-red-800">{error}</span> : null}
    </span>
  );
}

export function TextField({ path, label, value, onChange, errors, wide = false }: { path: string; label: string; value: string; onChange: (v: string) => void; errors: Errors; wide?: boolean }) {
  const error = errors.get(path);
  const id = `f-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  return (
    <span className="inline-flex flex-col">
      <label htmlFor={id} className="text-xs text-gray-600">{label}</label>
      <input id={id} className={`${smallInput} ${wide ? 'w-80' : 'w-48'}`} value={value} aria-invalid={!!error} onChange={(e) => onChange(e.target.value)} />
      {error ? <span className="mt-0.5 text-xs text-red-800">{error}</span> : null}
    </span>
  );
}

export function Section({ title, children, description }: { title: string; children: ReactNode; description?: ReactNode }) {
  return (
    <fieldset className="rounded-lg border border-gray-200 bg-white p-4">
      <legend className="px-1 text-sm font-semibold text-gray-900">{title}</legend>
      {description ? <p className="mb-3 text-xs text-gray-600">{description}</p> : null}
      {children}
    </fieldset>
  );
}
