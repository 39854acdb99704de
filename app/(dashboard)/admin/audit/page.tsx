import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { auditActions, listAudit } from '@/lib/server/queries/audit';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Audit log' };

const dayStart = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : undefined);

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageRole('admin', '/admin/audit');
  const params = await searchParams;
  const db = await getStore();
  const to = dayStart(params.to);
  const [{ entries, nextBefore }, actions] = await Promise.all([
    listAudit(db, {
      action: params.action || undefined,
      actor: params.actor || undefined,
      from: dayStart(params.from),
      to: to === undefined ? undefined : to + 86_400_000,
      before: params.before ? Number(params.before) || undefined : undefined,
    }),
    auditActions(db),
  ]);
  const next = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1] && e[0] !== 'before'));
  if (nextBefore) next.set('before', String(nextBefore));
  const input = 'mt-1 block rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm';
  return (
    <>
      <PageHeader title="Audit log" description="Every sign-in failure, role change, API key creation or revocation, model publish or rollback, band override, import and webhook change, newest first." />
      <form className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-gray-200 bg-white p-3" aria-label="Filter the audit log">
        <div>
          <label htmlFor="audit-action" className="block text-xs font-medium text-gray-700">Action</label>
          <select id="audit-action" name="action" defaultValue={params.action ?? ''} className={input}>
            <option value="">All actions</option>
            {actions.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="audit-actor" className="block text-xs font-medium text-gray-700">Actor</label>
          <input id="audit-actor" name="actor" defaultValue={params.actor ?? ''} placeholder="email or key" className={input} />
        </div>
        <div>
          <label htmlFor="audit-from" className="block text-xs font-medium text-gray-700">From</label>
          <input id="audit-from" name="from" type="date" defaultValue={params.from ?? ''} className={input} />
        </div>
        <div>
          <label htmlFor="audit-to" className="block text-xs font-medium text-gray-700">To</label>
          <input id="audit-to" name="to" type="date" defaultValue={params.to ?? ''} className={input} />
        </div>
        <button type="submit" className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong">Filter</button>
      </form>
      {entries.length === 0 ? (
        <EmptyState title="Nothing in the audit log matches these filters." />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <caption className="sr-only">Audit log entries</caption>
            <thead className="bg-gray-50 text-left text-xs uppercase text-gray-600">
              <tr><th scope="col" className="px-3 py-2">When (UTC)</th><th scope="col" className="px-3">Who</th><th scope="col" className="px-3">Action</th><th scope="col" className="px-3">On</th><th scope="col" className="px-3">Details</th></tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {entries.map((e) => (
                <tr key={e.pk}>
                  <td className="whitespace-nowrap px-3 py-1.5 tabular">{e.at.slice(0, 19).replace('T', ' ')}</td>
                  <td className="px-3">{e.actor}{e.ip ? <span className="text-xs text-gray-600"> · {e.ip}</span> : null}</td>
                  <td className="px-3 font-medium">{e.action}</td>
                  <td className="px-3">{e.target ?? '—'}</td>
                  <td className="max-w-md truncate px-3 text-gray-700" title={e.details ? JSON.stringify(e.details) : undefined}>{e.details ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore ? <p className="mt-3"><Link href={`/admin/audit?${next}`} className="text-sm font-medium text-accent-strong hover:underline">Older entries</Link></p> : null}
    </>
  );
}
