/** The latest playbook runs: which account, which playbook, why, and whether the condition still holds. */
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import type { PlaybookFiring } from '@/lib/server/queries/playbooks';

export function FiringsTable({ firings }: { firings: readonly PlaybookFiring[] }) {
  if (firings.length === 0) {
    return <EmptyState title="No playbook has fired yet">Runs appear here when a playbook&apos;s condition starts to hold on an account.</EmptyState>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Recent playbook firings, newest first</caption>
        <thead className="bg-gray-50">
          <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
            <th scope="col" className="px-3 py-2">Account</th>
            <th scope="col" className="px-3 py-2">Playbook</th>
            <th scope="col" className="px-3 py-2">Why</th>
            <th scope="col" className="px-3 py-2">Started</th>
            <th scope="col" className="px-3 py-2">Ended</th>
          </tr>
        </thead>
        <tbody>
          {firings.map((f) => (
            <tr key={f.runPk} className="border-b border-gray-100 align-top last:border-0">
              <th scope="row" className="px-3 py-2 text-left font-medium">
                <Link href={`/accounts/${encodeURIComponent(f.accountId)}`} className="text-accent-strong underline-offset-2 hover:underline">{f.accountName}</Link>
              </th>
              <td className="px-3 py-2 text-gray-800">{f.playbookName}</td>
              <td className="max-w-xl px-3 py-2 text-gray-800">{f.reason}</td>
              <td className="whitespace-nowrap px-3 py-2 text-gray-800"><RelativeTime iso={f.startedAt} /></td>
              <td className="whitespace-nowrap px-3 py-2 text-gray-800">{f.endedAt ? <RelativeTime iso={f.endedAt} /> : <span className="text-gray-600">still holds</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
