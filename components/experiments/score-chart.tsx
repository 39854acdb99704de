'use client';

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LegendItem } from '@/components/analytics/export';

/** One colour per arm (the baseline first, drawn dashed), distinct for colour-blind readers. */
export const ARM_COLOURS = ['#4b5563', '#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c'];
const TICK = { fontSize: 11, fill: '#4b5563' };

export function armLegend(arms: readonly { key: string; label: string }[]): LegendItem[] {
  return arms.map((a, i) => ({ label: i === 0 ? `${a.label} (baseline)` : a.label, color: ARM_COLOURS[i % ARM_COLOURS.length]!, dashed: i === 0 }));
}

/** Each arm's mean score by day since the start. */
export function ArmScoreChart({ series, arms, title }: { series: { day: number; values: Record<string, number | null> }[]; arms: readonly { key: string; label: string }[]; title: string }) {
  // Lines keyed by the arm's position: an arm's own key (chosen by its author) could be "day", the x axis.
  const data = series.map((p) => ({ day: p.day, ...Object.fromEntries(arms.map((a, i) => [`arm${i}`, Object.hasOwn(p.values, a.key) ? p.values[a.key] : null])) }));
  const values = series.flatMap((p) => Object.values(p.values).filter((v): v is number => typeof v === 'number'));
  const lo = values.length ? Math.max(0, Math.floor((Math.min(...values) - 3) / 5) * 5) : 0;
  const hi = values.length ? Math.min(100, Math.ceil((Math.max(...values) + 3) / 5) * 5) : 100;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 16, right: 16, bottom: 12, left: -12 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
        <XAxis dataKey="day" type="number" domain={['dataMin', 'dataMax']} tick={TICK} label={{ value: 'days since the start', position: 'insideBottom', offset: -6, fontSize: 11, fill: '#4b5563' }} />
        <YAxis domain={[lo, hi]} ticks={Array.from({ length: (hi - lo) / 5 + 1 }, (_, i) => lo + 5 * i)} tick={TICK} allowDataOverflow />
        <Tooltip labelFormatter={(d) => `Day ${d}`} formatter={(v, name) => [typeof v === 'number' ? v.toFixed(1) : '—', String(name)]} />
        {arms.map((a, i) => (
          <Line key={a.key} type="monotone" dataKey={`arm${i}`} name={a.label} stroke={ARM_COLOURS[i % ARM_COLOURS.length]} strokeWidth={2} strokeDasharray={i === 0 ? '6 4' : undefined} dot={false} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
