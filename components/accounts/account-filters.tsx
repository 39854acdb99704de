'use client';

import { useEffect, useState } from 'react';
import type { AccountSort, ViewFilters } from '@/lib/account-filters';
import { FLAG_LABELS } from '@/lib/scoring/flag-labels';
import type { Role } from '@/lib/roles';

const TIERS = ['strategic', 'growth', 'core', 'nurture'];
const STAGES = ['onboarding', 'adoption', 'renewal', 'expansion'];
const SORTS: { value: AccountSort; label: string }[] = [
  { value: 'score', label: 'Lowest score first' },
  { value: '-score', label: 'Highest score first' },
  { value: 'velocity', label: 'Falling fastest' },
  { value: '-arr', label: 'Most ARR first (ARR at risk)' },
  { value: 'scoreChange', label: 'Biggest score drop' },
  { value: 'overdue', label: 'Most overdue touchpoints first' },
  { value: 'name', label: 'Name' },
];

export const selectClass = 'mt-1 block w-full rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent';

export function Select({ id, label, value, onChange, disabled, children }: { id: string; label: string; value: string; onChange: (v: string) => void; disabled?: boolean; children: React.ReactNode }) {
  return (
    <div className="min-w-36">
      <label htmlFor={id} className="block text-xs font-medium text-gray-700">{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} className={`${selectClass} disabled:bg-gray-100 disabled:text-gray-600`}>
        {children}
      </select>
    </div>
  );
}

const one = (v: string) => (v ? [v] : undefined);

export function AccountFilters({ filters, owners, me, role, historyOnly = false, onChange }: {
  filters: ViewFilters; owners: string[]; me: string; role: Role;
  /** the view stands at an earlier day: flags and targets are not in the history, so they cannot filter */
  historyOnly?: boolean;
  onChange: (patch: Partial<ViewFilters>) => void;
}) {
  const [q, setQ] = useState(filters.q ?? '');
  // The URL can change the search too (back button, a shared link): follow it when it does.
  const [urlQ, setUrlQ] = useState(filters.q);
  if (filters.q !== urlQ) {
    setUrlQ(filters.q);
    setQ(filters.q ?? '');
  }
  useEffect(() => {
    if ((filters.q ?? '') === q) return;
    const t = setTimeout(() => onChange({ q: q || undefined }), 300);
    return () => clearTimeout(t);
  }, [q, filters.q, onChange]);

  // For a CSM no owner filter means "my accounts"; `*` asks for everyone's.
  const ownerValue = filters.owner?.[0] ?? (role === 'csm' ? '' : '*');
  return (
    <div className="flex flex-wrap items-end gap-3 rounded-lg border border-gray-200 bg-white p-3">
      <div className="min-w-56 flex-1">
        <label htmlFor="account-search" className="block text-xs font-medium text-gray-700">Search</label>
        <input id="account-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or id"
          className="mt-1 block w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent" />
      </div>
      <Select id="filter-owner" label="Owner" value={ownerValue} onChange={(v) => onChange({ owner: v === '' ? undefined : [v] })}>
        {role === 'csm' ? <option value="">My accounts</option> : null}
        <option value="*">All owners</option>
        {owners.map((o) => <option key={o} value={o}>{o === me ? `${o} (me)` : o}</option>)}
      </Select>
      <Select id="filter-tier" label="Tier" value={filters.tier?.[0] ?? ''} onChange={(v) => onChange({ tier: one(v) })}>
        <option value="">All tiers</option>
        {TIERS.map((t) => <option key={t} value={t} className="capitalize">{t[0].toUpperCase() + t.slice(1)}</option>)}
      </Select>
      <Select id="filter-stage" label="Lifecycle stage" value={filters.stage?.[0] ?? ''} onChange={(v) => onChange({ stage: one(v) })}>
        <option value="">All stages</option>
        {STAGES.map((s) => <option key={s} value={s}>{s[0].toUpperCase() + s.slice(1)}</option>)}
      </Select>
      <Select id="filter-flag" label="Flag" value={historyOnly ? '' : filters.flag?.[0] ?? ''} disabled={historyOnly} onChange={(v) => onChange({ flag: one(v) })}>
        <option value="">{historyOnly ? 'Today only' : 'Any or none'}</option>
        {Object.entries(FLAG_LABELS).map(([key, label]) => <option key={key} value={key}>{label}</option>)}
      </Select>
      <Select id="sort" label="Sort" value={filters.sort ?? 'score'} onChange={(v) => onChange({ sort: v as AccountSort })}>
        {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
      </Select>
      <label className="flex items-center gap-2 pb-1.5 text-sm text-gray-800">
        <input type="checkbox" checked={!historyOnly && !!filters.belowTarget} disabled={historyOnly} onChange={(e) => onChange({ belowTarget: e.target.checked || undefined })} className="h-4 w-4 rounded border-gray-300" />
        Below target only
      </label>
      <label className="flex items-center gap-2 pb-1.5 text-sm text-gray-800">
        <input type="checkbox" checked={!historyOnly && !!filters.overdue} disabled={historyOnly} onChange={(e) => onChange({ overdue: e.target.checked || undefined })} className="h-4 w-4 rounded border-gray-300" />
        Overdue touchpoints
      </label>
      <label className="flex items-center gap-2 pb-1.5 text-sm text-gray-800">
        <input type="checkbox" checked={!!filters.includeChurned} onChange={(e) => onChange({ includeChurned: e.target.checked || undefined })} className="h-4 w-4 rounded border-gray-300" />
        Include churned
      </label>
    </div>
  );
}
