'use client';

import Link from 'next/link';
import { useState } from 'react';
import { ExperimentForm } from '@/components/experiments/experiment-form';
import { StateBadge } from '@/components/experiments/state-badge';
import { EmptyState } from '@/components/ui/empty-state';
import { primaryButton } from '@/components/ui/form';
import { formatCount, formatUtcDay } from '@/lib/format';
import type { ExperimentFormOptions, ExperimentSummary } from '@/lib/server/queries/experiments';

const dateText = (iso: string | null) => (iso ? formatUtcDay(iso) : '—');

export function ExperimentsClient({ experiments, options }: { experiments: ExperimentSummary[]; options: ExperimentFormOptions | null }) {
  const [creating, setCreating] = useState(false);
  return (
    <div className="space-y-5">
      {options ? (
        creating ? (
          <ExperimentForm options={options} onCancel={() => setCreating(false)} />
        ) : (
          <button type="button" className={primaryButton} onClick={() => setCreating(true)}>New experiment</button>
        )
      ) : null}
      {experiments.length === 0 ? (
        <EmptyState title="No experiments yet">
          {options ? 'Define one: name a hypothesis, pick the accounts, give each arm its own cadence or playbooks.' : 'A manager defines experiments; their reports show here.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Experiments</caption>
            <thead>
              <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
                <th scope="col" className="px-3 py-2">Experiment</th>
                <th scope="col" className="px-3 py-2">State</th>
                <th scope="col" className="px-3 py-2">Arms (accounts)</th>
                <th scope="col" className="px-3 py-2">Start</th>
                <th scope="col" className="px-3 py-2">End</th>
              </tr>
            </thead>
            <tbody>
              {experiments.map((e) => (
                <tr key={e.id} className="border-b border-gray-100 last:border-0 align-top">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    <Link href={`/experiments/${encodeURIComponent(e.key)}`} className="text-accent-strong underline">{e.name}</Link>
                    {e.hypothesis ? <p className="mt-0.5 max-w-xl text-xs font-normal text-gray-600">{e.hypothesis}</p> : null}
                  </th>
                  <td className="px-3 py-2"><StateBadge state={e.state} /></td>
                  <td className="px-3 py-2 text-gray-800">{e.arms.map((a) => `${a.label} (${formatCount(a.accounts)})`).join(' · ')}</td>
                  <td className="px-3 py-2 tabular text-gray-800">{dateText(e.startAt)}</td>
                  <td className="px-3 py-2 tabular text-gray-800">{e.endAt ? dateText(e.endAt) : 'until stopped'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
