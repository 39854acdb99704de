'use client';

import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendPoint } from '@/lib/analytics/trends';
import { NO_DATA, bandStyle, type BandInfo } from '@/lib/bands';
import { formatPercent } from '@/lib/format';
import type { LegendItem } from './export';

const utcDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: '2-digit', timeZone: 'UTC' });
export const formatDay = (t: number) => utcDay.format(t);
const TICK = { fontSize: 11, fill: '#4b5563' };

export interface VersionMarker {
  version: number;
  publishedAt: string;
}

/** Model versions published inside the range, at their UTC day. */
function markersIn(versions: readonly VersionMarker[], from: number, to: number) {
  return versions
    .map((v) => ({ version: v.version, t: Math.floor(Date.parse(v.publishedAt) / 86_400_000) * 86_400_000 }))
    .filter((v) => v.t >= from && v.t <= to);
}

function versionLines(versions: readonly VersionMarker[], data: { t: number }[]) {
  if (!data.length) return null;
  return markersIn(versions, data[0]!.t, data[data.length - 1]!.t).map((m) => (
    <ReferenceLine key={m.version} x={m.t} stroke="#374151" strokeDasharray="4 2" label={{ value: `model v${m.version}`, position: 'insideTopRight', fontSize: 10, fill: '#374151' }} />
  ));
}

export function MeanScoreChart({ points, bands, versions, title }: { points: TrendPoint[]; bands: BandInfo[]; versions: VersionMarker[]; title: string }) {
  const data = points.map((p) => ({ t: Date.parse(p.date), mean: p.mean }));
  const means = points.flatMap((p) => (p.mean === null ? [] : [p.mean]));
  const lo = means.length ? Math.max(0, Math.floor((Math.min(...means) - 5) / 5) * 5) : 0;
  const hi = means.length ? Math.min(100, Math.ceil((Math.max(...means) + 5) / 5) * 5) : 100;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 16, right: 16, bottom: 0, left: -12 }} title={title}>
        {bands.map((b, i) => (
          <ReferenceArea key={b.key} y1={Math.max(lo, b.min)} y2={Math.min(hi, i === 0 ? 100 : bands[i - 1]!.min)} fill={bandStyle(b.key, i).hex} fillOpacity={0.08} stroke="none" ifOverflow="hidden" />
        ))}
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
        <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={formatDay} tick={TICK} minTickGap={40} />
        <YAxis domain={[lo, hi]} ticks={Array.from({ length: (hi - lo) / 5 + 1 }, (_, i) => lo + 5 * i)} tick={TICK} allowDataOverflow />
        <Tooltip labelFormatter={(t) => formatDay(Number(t))} formatter={(v) => [typeof v === 'number' ? v.toFixed(1) : '—', 'Mean score']} />
        {versionLines(versions, data)}
        <Line type="monotone" dataKey="mean" stroke="#1d4ed8" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Bands bottom (worst) to top (best), no score on top, as shares of the active accounts. */
export function bandLegend(bands: BandInfo[]): LegendItem[] {
  return [...bands.map((b, i) => ({ label: b.label, color: bandStyle(b.key, i).hex })), { label: NO_DATA.label, color: bandStyle(null).hex }];
}

export function BandShareChart({ points, bands, versions, title }: { points: TrendPoint[]; bands: BandInfo[]; versions: VersionMarker[]; title: string }) {
  const data = points.map((p) => ({ t: Date.parse(p.date), total: p.accounts, ...p.bands }));
  const stack = [...bands.map((b, i) => ({ ...b, rank: i })).reverse(), { key: NO_DATA.key, label: NO_DATA.label, rank: undefined }];
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={data} stackOffset="expand" margin={{ top: 16, right: 16, bottom: 0, left: -8 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
        <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={formatDay} tick={TICK} minTickGap={40} />
        <YAxis tickFormatter={(v: number) => formatPercent(v, 0)} tick={TICK} />
        <Tooltip
          labelFormatter={(t) => formatDay(Number(t))}
          formatter={(v, name, item) => [`${v} (${formatPercent(Number(v) / ((item.payload as { total: number }).total || 1))})`, name]}
        />
        {versionLines(versions, data)}
        {stack.map((b) => {
          const hex = bandStyle(b.rank === undefined ? null : b.key, b.rank).hex;
          return <Area key={b.key} type="monotone" dataKey={b.key} name={b.label} stackId="bands" stroke={hex} fill={hex} fillOpacity={0.75} isAnimationActive={false} />;
        })}
      </AreaChart>
    </ResponsiveContainer>
  );
}
