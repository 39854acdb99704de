'use client';

import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComplianceGroup } from '@/lib/analytics/compliance';
import { formatPercent } from '@/lib/format';

const TICK = { fontSize: 11, fill: '#4b5563' };
export const COMPLIANCE_COLOR = '#1d4ed8';

/** Pixels a chart of `rows` bars needs. */
export const complianceHeight = (rows: number) => Math.max(120, 40 + rows * 32);

/** One horizontal bar per group: the share of its accounts with no touchpoint overdue. */
export function ComplianceChart({ groups, title }: { groups: ComplianceGroup[]; title: string }) {
  const data = groups.map((g) => ({ label: g.label, share: g.share, accounts: g.accounts, onCadence: g.onCadence }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 48, bottom: 0, left: 8 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
        <XAxis type="number" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={(v: number) => formatPercent(v, 0)} tick={TICK} />
        <YAxis type="category" dataKey="label" width={170} tick={TICK} interval={0} />
        <Tooltip
          formatter={(v, _name, item) => {
            const p = item.payload as { accounts: number; onCadence: number };
            return [`${formatPercent(Number(v))} (${p.onCadence} of ${p.accounts})`, 'On cadence'];
          }}
        />
        <Bar dataKey="share" fill={COMPLIANCE_COLOR} isAnimationActive={false} barSize={18}>
          <LabelList dataKey="share" position="right" formatter={(v) => formatPercent(Number(v), 0)} style={{ fontSize: 11, fill: '#374151' }} />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
