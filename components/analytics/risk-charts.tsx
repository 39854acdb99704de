'use client';

import { Bar, BarChart, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { DecileRow } from '@/lib/analytics/risk';
import { formatPercent } from '@/lib/format';
import type { LegendItem } from './export';

const TICK = { fontSize: 11, fill: '#4b5563' };
const OBSERVED = '#1d4ed8';
const DIAGONAL = '#6b7280';

export const CALIBRATION_LEGEND: LegendItem[] = [
  { label: 'Observed churn rate of the decile (against its mean predicted risk)', color: OBSERVED },
  { label: 'Perfect calibration (predicted = observed)', color: DIAGONAL, dashed: true },
];

/** Predicted against observed churn by decile of the predicted risk, with the diagonal for reference. */
export function CalibrationChart({ deciles, title }: { deciles: readonly DecileRow[]; title: string }) {
  const top = Math.min(1, Math.max(0.1, ...deciles.map((d) => Math.max(d.predicted ?? 0, d.observed))) * 1.1);
  const points = deciles.map((d) => ({ predicted: d.predicted ?? 0, observed: d.observed, decile: d.decile, samples: d.samples }));
  const diagonal = [{ predicted: 0, diagonal: 0 }, { predicted: top, diagonal: top }];
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart margin={{ top: 8, right: 16, bottom: 16, left: -4 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis type="number" dataKey="predicted" domain={[0, top]} tickFormatter={(v: number) => formatPercent(v, 0)} tick={TICK}
          label={{ value: 'predicted churn risk', position: 'insideBottom', offset: -8, fontSize: 11, fill: '#4b5563' }} />
        <YAxis type="number" domain={[0, top]} tickFormatter={(v: number) => formatPercent(v, 0)} tick={TICK} />
        <Tooltip formatter={(v, name) => [formatPercent(Number(v)), name === 'observed' ? 'observed' : name]} labelFormatter={(v) => `predicted ${formatPercent(Number(v))}`} />
        <Line data={diagonal} dataKey="diagonal" name="perfect calibration" stroke={DIAGONAL} strokeDasharray="5 4" dot={false} isAnimationActive={false} legendType="none" />
        <Scatter data={points} dataKey="observed" name="observed" fill={OBSERVED} line={{ stroke: OBSERVED }} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** The churn rate of each decile of a signal, lowest values first. */
export function DecileChurnChart({ deciles, title, format }: { deciles: readonly DecileRow[]; title: string; format: (v: number) => string }) {
  const data = deciles.map((d) => ({ label: d.from === d.to ? format(d.from) : `${format(d.from)}–${format(d.to)}`, observed: d.observed, samples: d.samples }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: -4 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
        <XAxis dataKey="label" tick={TICK} interval={0} label={{ value: 'value as of the date (deciles, lowest first)', position: 'insideBottom', offset: -8, fontSize: 11, fill: '#4b5563' }} />
        <YAxis tickFormatter={(v: number) => formatPercent(v, 0)} tick={TICK} />
        <Tooltip formatter={(v) => [formatPercent(Number(v)), 'churned']} />
        <Bar dataKey="observed" name="churn rate" fill={OBSERVED} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
