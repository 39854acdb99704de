'use client';

import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { NO_SCORE, type CohortGroup, type GroupBy } from '@/lib/analytics/cohort';
import { bandStyle, type BandInfo } from '@/lib/bands';
import { formatPercent } from '@/lib/format';
import type { LegendItem } from './export';

const TICK = { fontSize: 11, fill: '#4b5563' };
/** Calm, distinct line colours (each at least 3:1 on white); bands use their own colours. */
const PALETTE = ['#1d4ed8', '#0f766e', '#7c3aed', '#b45309', '#be185d', '#4d7c0f', '#0369a1', '#57534e'];
/** More lines than this are unreadable: the largest groups are drawn, all are in the table. */
export const MAX_CURVES = 8;

export function curveGroups(groups: readonly CohortGroup[]): CohortGroup[] {
  const withAccounts = groups.filter((g) => g.accounts > 0);
  if (withAccounts.length <= MAX_CURVES) return withAccounts;
  const largest = new Set([...withAccounts].sort((a, b) => b.accounts - a.accounts).slice(0, MAX_CURVES).map((g) => g.key));
  return withAccounts.filter((g) => largest.has(g.key));
}

export function curveLegend(groups: readonly CohortGroup[], groupBy: GroupBy, bands: BandInfo[]): LegendItem[] {
  return groups.map((g, i) => {
    const rank = bands.findIndex((b) => b.key === g.key);
    const color = g.key === NO_SCORE ? bandStyle(null).hex : groupBy === 'band' ? bandStyle(g.key, rank < 0 ? undefined : rank).hex : PALETTE[i % PALETTE.length]!;
    return { label: g.significant ? g.label : `${g.label} (n=${g.accounts}, not significant)`, color, dashed: !g.significant };
  });
}

export function RetentionCurves({ groups, legend, title }: { groups: CohortGroup[]; legend: LegendItem[]; title: string }) {
  const months = Math.max(0, ...groups.map((g) => g.curve.length));
  const data = Array.from({ length: months }, (_, month) => ({ month, ...Object.fromEntries(groups.map((g) => [g.key, g.curve[month]?.retained ?? null])) }));
  // Ticks every 5 or 10 points from just below the lowest point to 100%.
  const lowest = Math.min(1, ...groups.flatMap((g) => g.curve.map((p) => p.retained)));
  const step = lowest < 0.5 ? 0.1 : 0.05;
  const floor = Math.max(0, Math.floor((lowest - 0.01) / step) * step);
  const ticks = Array.from({ length: Math.round((1 - floor) / step) + 1 }, (_, i) => Math.round((floor + i * step) * 100) / 100);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: -4 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="month" tick={TICK} label={{ value: 'months after the as-of date', position: 'insideBottom', offset: -4, fontSize: 11, fill: '#4b5563' }} />
        <YAxis domain={[floor, 1]} ticks={ticks} tickFormatter={(v: number) => formatPercent(v, 0)} tick={TICK} />
        <Tooltip labelFormatter={(m) => `Month ${m}`} formatter={(v, name) => [formatPercent(Number(v)), name]} />
        {groups.map((g, i) => (
          <Line key={g.key} dataKey={g.key} name={legend[i]!.label} stroke={legend[i]!.color} strokeWidth={2} strokeDasharray={legend[i]!.dashed ? '5 4' : undefined} dot={{ r: 2 }} isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

const PREDICTS = '#1d4ed8';
const NOT_SHOWN = '#9ca3af';
export const TIER_AUC_LEGEND: LegendItem[] = [
  { label: 'Predicts churn (95% interval above 0.5)', color: PREDICTS },
  { label: 'Not shown to predict (chance, wrong way round or too few)', color: NOT_SHOWN },
];

/** AUC per tier with its 95% interval against the coin-toss line. */
export function TierAucChart({ byTier, title }: { byTier: CohortGroup[]; title: string }) {
  const data = byTier
    .filter((g) => g.accounts > 0)
    .map((g) => ({
      label: `${g.label} · ${g.auc === null ? 'no AUC' : g.auc.toFixed(2)}`,
      auc: g.auc,
      error: g.auc !== null && g.aucInterval ? [g.auc - g.aucInterval[0], g.aucInterval[1] - g.auc] : [0, 0],
      verdict: g.aucVerdict,
    }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} layout="vertical" margin={{ top: 16, right: 24, bottom: 8, left: 8 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
        <XAxis type="number" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={TICK} />
        <YAxis type="category" dataKey="label" tick={TICK} width={140} />
        <Tooltip formatter={(v) => [typeof v === 'number' ? v.toFixed(2) : '—', 'AUC']} />
        <ReferenceLine x={0.5} stroke="#374151" strokeDasharray="4 2" label={{ value: 'coin toss', position: 'top', fontSize: 10, fill: '#374151' }} />
        <Bar dataKey="auc" isAnimationActive={false} barSize={18}>
          {data.map((d) => <Cell key={d.label} fill={d.verdict === 'predicts' ? PREDICTS : NOT_SHOWN} />)}
          <ErrorBar dataKey="error" width={6} stroke="#111827" direction="x" />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
