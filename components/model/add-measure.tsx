'use client';

/**
 * Adding a measure to a dimension from the form: its kind, label and event type(s); the numbers
 * start at modest defaults and are then edited like any other measure's. The key is made from the
 * label (unique in the model); the JSON view can rename it.
 */
import { useId, useState } from 'react';
import type { MeasureDef, Model } from '@/lib/scoring';
import { primaryButton, secondaryButton } from '@/components/ui/form';
import { smallInput } from './fields';

const KINDS: { kind: MeasureDef['kind']; label: string }[] = [
  { kind: 'count', label: 'Count of events' },
  { kind: 'ratio', label: 'Ratio of two event types' },
  { kind: 'attributes', label: 'Attributes of events' },
  { kind: 'stakeholders', label: 'Engaged contacts with a role' },
  { kind: 'departments', label: 'Departments engaged' },
  { kind: 'adoption', label: 'Feature adoption' },
  { kind: 'active_days', label: 'Active days' },
  { kind: 'recency', label: 'Days since the last event' },
  { kind: 'trend', label: 'Trend against the window before' },
];
const ROLES = ['executive_sponsor', 'champion', 'power_user', 'user'] as const;

export function uniqueKey(model: Model, label: string): string {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'measure';
  const taken = new Set(model.dimensions.flatMap((d) => d.measures.map((m) => m.key)));
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  return key;
}

function newMeasure(kind: MeasureDef['kind'], key: string, label: string, event: string, second: string, role: (typeof ROLES)[number]): MeasureDef {
  switch (kind) {
    case 'count':
      return { key, label, kind, event, points: 1, per: 1, cap: 10 };
    case 'ratio':
      return { key, label, kind, numerator: event, denominator: second, tiers: [{ min: 0.75, points: 10 }, { min: 0.5, points: 5 }, { min: 0, points: 0 }] };
    case 'attributes':
      return { key, label, kind, event, attributes: [{ property: 'onTime', points: 1 }] };
    case 'stakeholders':
      return { key, label, kind, role, points: 10, cap: 30 };
    case 'departments':
      return { key, label, kind, min: 3, points: 20 };
    case 'adoption':
      return { key, label, kind, event, property: 'feature' };
    case 'active_days':
      return { key, label, kind, event, points: 1, cap: 20 };
    case 'recency':
      return { key, label, kind, event, tiers: [{ maxDays: 7, points: 20 }, { maxDays: 30, points: 10 }, { maxDays: 90, points: 0 }] };
    case 'trend':
      return { key, label, kind, event, tiers: [{ min: 1.1, points: 10 }, { min: 0.8, points: 5 }, { min: 0, points: 0 }] };
  }
}

export function AddMeasure({ model, dimension, triggers, onAdd }: { model: Model; dimension: number; triggers: readonly string[]; onAdd: (m: MeasureDef) => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<MeasureDef['kind']>('count');
  const [label, setLabel] = useState('');
  const [event, setEvent] = useState(triggers[0] ?? '');
  const [second, setSecond] = useState(triggers[1] ?? triggers[0] ?? '');
  const [role, setRole] = useState<(typeof ROLES)[number]>('champion');
  const dimensionLabel = model.dimensions[dimension]?.label ?? '';
  if (!open) {
    return (
      <button type="button" className="mt-1 text-sm text-accent-strong underline" onClick={() => setOpen(true)}>
        Add a measure to {dimensionLabel}
      </button>
    );
  }
  const needsEvent = kind !== 'stakeholders' && kind !== 'departments';
  const select = (value: string, set: (v: string) => void, name: string) => (
    <label className="inline-flex flex-col text-xs text-gray-600">
      {name}
      <select className="mt-0.5 rounded border border-gray-300 px-2 py-1 text-sm" value={value} onChange={(e) => set(e.target.value)}>
        {triggers.map((t) => <option key={t}>{t}</option>)}
      </select>
    </label>
  );
  const add = () => {
    const text = label.trim() || KINDS.find((k) => k.kind === kind)!.label;
    onAdd(newMeasure(kind, uniqueKey(model, text), text, event, second, role));
    setLabel('');
    setOpen(false);
  };
  return (
    <div role="group" aria-label={`New measure in ${dimensionLabel}`} className="mt-2 flex flex-wrap items-end gap-3 rounded border border-dashed border-gray-300 p-2">
      <label className="inline-flex flex-col text-xs text-gray-600">
        Kind
        <select className="mt-0.5 rounded border border-gray-300 px-2 py-1 text-sm" value={kind} onChange={(e) => setKind(e.target.value as MeasureDef['kind'])}>
          {KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
        </select>
      </label>
      <span className="inline-flex flex-col">
        <label htmlFor={`${id}-label`} className="text-xs text-gray-600">Label</label>
        <input id={`${id}-label`} className={`${smallInput} w-48`} value={label} onChange={(e) => setLabel(e.target.value)} />
      </span>
      {needsEvent ? select(event, setEvent, kind === 'ratio' ? 'Numerator event' : 'Event') : null}
      {kind === 'ratio' ? select(second, setSecond, 'Denominator event') : null}
      {kind === 'stakeholders' ? (
        <label className="inline-flex flex-col text-xs text-gray-600">
          Role
          <select className="mt-0.5 rounded border border-gray-300 px-2 py-1 text-sm" value={role} onChange={(e) => setRole(e.target.value as (typeof ROLES)[number])}>
            {ROLES.map((r) => <option key={r}>{r}</option>)}
          </select>
        </label>
      ) : null}
      <button type="button" className={primaryButton} onClick={add}>Add measure</button>
      <button type="button" className={secondaryButton} onClick={() => setOpen(false)}>Cancel</button>
    </div>
  );
}
