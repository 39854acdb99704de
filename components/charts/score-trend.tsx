'use client';

import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { bandStyle, type BandInfo } from '@/lib/bands';

export interface TrendPoint {
  date: string;
  score: number | null;
}

/** Daily score with the bands as background zones and model versions as markers. */
export function ScoreTrend({ points, bands, versions, height = 240 }: { points: TrendPoint[]; bands: BandInfo[]; versions: { version: number; publishedAt: string }[]; height?: number }) {
  const first = points[0]?.date;
  const last = points[points.length - 1]?.date;
  const markers = versions.filter((v) => first && last && v.publishedAt.slice(0, 10) > first && v.publishedAt.slice(0, 10) <= last);
  const scored = points.filter((p) => p.score !== null);
  const summary = scored.length
    ? `Score from ${scored[0].score?.toFixed(1)} on ${scored[0].date} to ${scored[scored.length - 1].score?.toFixed(1)} on ${scored[scored.length - 1].date}; lowest ${Math.min(...scored.map((p) => p.score!)).toFixed(1)}, highest ${Math.max(...scored.map((p) => p.score!)).toFixed(1)}.`
    : 'No score in this period.';
  return (
    <figure>
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: -16 }} title="Daily score" desc={summary}>
            {bands.map((b, i) => (
              <ReferenceArea key={b.key} y1={b.min} y2={i === 0 ? 100 : bands[i - 1].min} fill={bandStyle(b.key, i).hex} fillOpacity={0.08} stroke="none" />
            ))}
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="date" tick={{ fontSize: 11, fill: '#4b5563' }} minTickGap={40} />
            <YAxis domain={[0, 100]} ticks={[0, 20, 40, 60, 80, 100]} tick={{ fontSize: 11, fill: '#4b5563' }} />
            <Tooltip formatter={(v) => [typeof v === 'number' ? v.toFixed(1) : '—', 'Score']} />
            {markers.map((m) => (
              <ReferenceLine key={m.version} x={m.publishedAt.slice(0, 10)} stroke="#6b7280" strokeDasharray="4 2" label={{ value: `v${m.version}`, position: 'insideTopLeft', fontSize: 10, fill: '#374151' }} />
            ))}
            <Line type="monotone" dataKey="score" stroke="#1d4ed8" strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-gray-600">{summary}</figcaption>
    </figure>
  );
}
