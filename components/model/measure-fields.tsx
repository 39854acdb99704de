'use client';

import type { MeasureDef } from '@/lib/scoring';
import { NumberField, type Errors } from './fields';

/** The numbers of one measure, by kind. Keys and event types are edited in the JSON. */
export function MeasureFields({ measure, path, errors, onChange }: { measure: MeasureDef; path: string; errors: Errors; onChange: (m: MeasureDef) => void }) {
  const set = (patch: Partial<MeasureDef>) => onChange({ ...measure, ...patch } as MeasureDef);
  const num = (field: 'points' | 'per' | 'cap' | 'min', value: number | undefined, text: string) => (
    <NumberField path={`${path}.${field}`} label={text} value={value} errors={errors} onChange={(v) => set({ [field]: v ?? 0 } as Partial<MeasureDef>)} />
  );
  switch (measure.kind) {
    case 'count':
      return <>{num('points', measure.points, 'Points')}{num('per', measure.per, 'Per N events')}{num('cap', measure.cap, 'Cap')}</>;
    case 'stakeholders':
      return <>{num('points', measure.points, 'Points per contact')}{num('cap', measure.cap, 'Cap')}</>;
    case 'departments':
      return <>{num('min', measure.min, 'Departments at least')}{num('points', measure.points, 'Points')}</>;
    case 'ratio':
      return (
        <span className="flex flex-wrap gap-2">
          {measure.tiers.map((t, k) => (
            <span key={k} className="flex gap-1 rounded bg-gray-50 p-1">
              <NumberField path={`${path}.tiers[${k}].min`} label={`≥ rate`} value={t.min} step={0.05} errors={errors}
                onChange={(v) => set({ tiers: measure.tiers.map((x, n) => (n === k ? { ...x, min: v ?? 0 } : x)) })} />
              <NumberField path={`${path}.tiers[${k}].points`} label="points" value={t.points} errors={errors}
                onChange={(v) => set({ tiers: measure.tiers.map((x, n) => (n === k ? { ...x, points: v ?? 0 } : x)) })} />
            </span>
          ))}
        </span>
      );
    case 'attributes':
      return (
        <span className="flex flex-wrap gap-2">
          {measure.attributes.map((a, k) => (
            <NumberField key={a.property} path={`${path}.attributes[${k}].points`} label={a.property} value={a.points} errors={errors}
              onChange={(v) => set({ attributes: measure.attributes.map((x, n) => (n === k ? { ...x, points: v ?? 0 } : x)) })} />
          ))}
        </span>
      );
    case 'adoption':
      return <span className="text-xs text-gray-600">Weighted by the tiers of the feature catalogue (Triggers page)</span>;
    case 'active_days':
      return <>{num('points', measure.points, 'Points per active day')}{num('cap', measure.cap, 'Cap')}</>;
    case 'recency':
      return (
        <span className="flex flex-wrap gap-2">
          {measure.tiers.map((t, k) => (
            <span key={k} className="flex gap-1 rounded bg-gray-50 p-1">
              <NumberField path={`${path}.tiers[${k}].maxDays`} label="≤ days ago" value={t.maxDays} min={0} errors={errors}
                onChange={(v) => set({ tiers: measure.tiers.map((x, n) => (n === k ? { ...x, maxDays: v ?? 0 } : x)) })} />
              <NumberField path={`${path}.tiers[${k}].points`} label="points" value={t.points} min={0} errors={errors}
                onChange={(v) => set({ tiers: measure.tiers.map((x, n) => (n === k ? { ...x, points: v ?? 0 } : x)) })} />
            </span>
          ))}
          <span className="self-end text-xs text-gray-600">older or never: the last tier&apos;s points</span>
        </span>
      );
    case 'trend':
      return (
        <span className="flex flex-wrap gap-2">
          {measure.tiers.map((t, k) => (
            <span key={k} className="flex gap-1 rounded bg-gray-50 p-1">
              <NumberField path={`${path}.tiers[${k}].min`} label="≥ ratio" value={t.min} min={0} step={0.05} errors={errors}
                onChange={(v) => set({ tiers: measure.tiers.map((x, n) => (n === k ? { ...x, min: v ?? 0 } : x)) })} />
              <NumberField path={`${path}.tiers[${k}].points`} label="points" value={t.points} min={0} errors={errors}
                onChange={(v) => set({ tiers: measure.tiers.map((x, n) => (n === k ? { ...x, points: v ?? 0 } : x)) })} />
            </span>
          ))}
          <span className="self-end text-xs text-gray-600">ratio = this window&apos;s count / the window before&apos;s</span>
        </span>
      );
  }
}
