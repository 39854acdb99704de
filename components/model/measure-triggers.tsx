'use client';

/**
 * The trigger keys a measure reads (edited in the JSON), each with the problem the catalogue check
 * found with it, so a key that is not a trigger is marked where the measure is shown.
 */
import { TRIGGER_FIELDS, type MeasureDef } from '@/lib/scoring';
import type { Errors } from './fields';

const NAMES: Record<(typeof TRIGGER_FIELDS)[number], string> = { event: 'Reads', numerator: 'Numerator', denominator: 'Denominator' };

export function MeasureTriggers({ measure, path, errors }: { measure: MeasureDef; path: string; errors: Errors }) {
  const fields = TRIGGER_FIELDS.flatMap((field) => {
    const value = (measure as Partial<Record<(typeof TRIGGER_FIELDS)[number], unknown>>)[field];
    if (typeof value === 'string') return [{ field, refs: [{ key: value, path: `${path}.${field}` }] }];
    if (Array.isArray(value)) return [{ field, refs: value.filter((k): k is string => typeof k === 'string').map((key, k) => ({ key, path: `${path}.${field}[${k}]` })) }];
    return [];
  });
  if (!fields.length) return null;
  return (
    <span className="flex flex-col gap-0.5 text-xs text-gray-600">
      {fields.map(({ field, refs }) => (
        <span key={field}>
          {NAMES[field]}:{' '}
          {refs.map((r, k) => {
            const error = errors.get(r.path) ?? errors.get(`${path}.${field}`);
            return (
              <span key={r.path}>
                {k ? ', ' : null}
                <code className={error ? 'rounded bg-red-50 px-1 text-red-900 ring-1 ring-red-600' : 'rounded bg-gray-100 px-1'}>{r.key}</code>
                {error ? <span className="ml-1 font-medium text-red-800">{error}</span> : null}
              </span>
            );
          })}
        </span>
      ))}
    </span>
  );
}
