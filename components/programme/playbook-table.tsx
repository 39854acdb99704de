'use client';

/** Every playbook: when it fires, for whom, what it asks, and how much it has open now. */
import { EmptyState } from '@/components/ui/empty-state';
import { secondaryButton } from '@/components/ui/form';
import { formatCount } from '@/lib/format';
import { dueText, tiersText } from '@/lib/programme/describe';
import type { PlaybookListItem } from '@/lib/server/queries/playbooks';

const smallButton = `${secondaryButton} px-2 py-1 text-xs`;

export function PlaybookTable({ playbooks, canEdit, busyKey, onEdit, onToggle }: {
  playbooks: readonly PlaybookListItem[]; canEdit: boolean; busyKey: string | null;
  onEdit: (p: PlaybookListItem) => void; onToggle: (p: PlaybookListItem) => void;
}) {
  if (playbooks.length === 0) {
    return (
      <EmptyState title="No playbooks yet">
        <p>{canEdit ? 'Create one to give owners tasks when an account’s score falls, a flag is raised, a renewal comes near or a touchpoint is overdue.' : 'An admin creates them.'}</p>
      </EmptyState>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Playbooks</caption>
        <thead className="bg-gray-50">
          <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
            <th scope="col" className="px-3 py-2">Playbook</th>
            <th scope="col" className="px-3 py-2">Fires when</th>
            <th scope="col" className="px-3 py-2">Steps</th>
            <th scope="col" className="px-3 py-2">Auto-close</th>
            <th scope="col" className="px-3 py-2 text-right">Open runs</th>
            <th scope="col" className="px-3 py-2 text-right">Open tasks</th>
            <th scope="col" className="px-3 py-2">State</th>
            {canEdit ? <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {playbooks.map((p) => (
            <tr key={p.pk} className={`border-b border-gray-100 align-top last:border-0 ${p.active ? '' : 'bg-gray-50'}`}>
              <th scope="row" className="max-w-xs px-3 py-2 text-left font-medium text-gray-900">
                {p.name}
                <span className="block font-mono text-xs font-normal text-gray-600">{p.key}</span>
                {p.description ? <span className="mt-0.5 block text-xs font-normal text-gray-700">{p.description}</span> : null}
              </th>
              <td className="max-w-xs px-3 py-2 text-gray-800">
                {p.conditionText}
                <span className="block text-xs text-gray-600">{tiersText(p.tiers)}</span>
              </td>
              <td className="max-w-sm px-3 py-2 text-gray-800">
                {p.definition ? (
                  <ol className="list-decimal space-y-0.5 pl-4">
                    {p.definition.steps.map((s, i) => <li key={i}>{s.title} <span className="text-xs text-gray-600">({dueText(s.dueInDays)})</span></li>)}
                  </ol>
                ) : '—'}
              </td>
              <td className="px-3 py-2 text-gray-800">{p.definition ? (p.definition.autoClose ? 'Yes' : 'No') : '—'}</td>
              <td className="px-3 py-2 text-right tabular text-gray-900">{formatCount(p.openRuns)}</td>
              <td className="px-3 py-2 text-right tabular text-gray-900">{formatCount(p.openTasks)}</td>
              <td className="px-3 py-2">
                {p.active
                  ? <span className="rounded bg-green-50 px-1.5 py-0.5 text-xs font-medium text-green-900">Active</span>
                  : <span className="rounded bg-gray-200 px-1.5 py-0.5 text-xs font-medium text-gray-800">Off</span>}
              </td>
              {canEdit ? (
                <td className="px-3 py-2">
                  <div className="flex justify-end gap-2 whitespace-nowrap">
                    <button type="button" className={smallButton} disabled={!p.definition || busyKey !== null} onClick={() => onEdit(p)} aria-label={`Edit ${p.name}`}>Edit</button>
                    <button type="button" className={smallButton} disabled={busyKey !== null} onClick={() => onToggle(p)} aria-label={`${p.active ? 'Switch off' : 'Switch on'} ${p.name}`}>
                      {busyKey === p.key ? 'Saving…' : p.active ? 'Switch off' : 'Switch on'}
                    </button>
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
