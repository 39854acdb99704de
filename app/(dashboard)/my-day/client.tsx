'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { AccountCard } from '@/components/my-day/account-card';
import { BudgetForm } from '@/components/my-day/budget-form';
import type { Assignee } from '@/components/tasks/task-actions';
import { BandBadge } from '@/components/ui/band-badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorAlert } from '@/components/ui/error-alert';
import { MoreListed } from '@/components/ui/more-listed';
import { PageHeader } from '@/components/ui/page-header';
import { formatCount, formatMoney, formatUtcDay } from '@/lib/format';
import { MAX_DAILY_BUDGET } from '@/lib/programme/priority';
import { MY_DAY_REST_PAGE, myDayQueryOptions, shownFromUrl } from '@/lib/queries/my-day';
import { hasRole, type Role } from '@/lib/roles';
import type { MyDay } from '@/lib/server/queries/my-day';

function Counts({ counts }: { counts: MyDay['counts'] }) {
  const tiles = [
    { label: 'Overdue touchpoints', value: counts.overdueTouchpoints },
    { label: 'Open tasks', value: counts.openTasks },
    { label: 'Renewals in 90 days', value: counts.renewals },
    { label: 'New red flags', value: counts.newRedFlags },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="day-counts">
      {tiles.map((t) => (
        <div key={t.label} className="rounded-lg border border-gray-200 bg-white px-4 py-3">
          <dt className="text-xs font-medium text-gray-700">{t.label}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular text-gray-900">{formatCount(t.value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Renewals({ day }: { day: MyDay }) {
  return (
    <section aria-labelledby="renewals-title" className="rounded-lg border border-gray-200 bg-white p-4">
      <h2 id="renewals-title" className="text-sm font-semibold text-gray-900">Renewals in the next 90 days</h2>
      {day.renewals.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600">No renewals in the next 90 days.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Renewals in the next 90 days, soonest first</caption>
            <thead>
              <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
                <th scope="col" className="px-2 py-1.5">Account</th>
                <th scope="col" className="px-2 py-1.5">Renews</th>
                <th scope="col" className="px-2 py-1.5 text-right">ARR</th>
                <th scope="col" className="px-2 py-1.5">Band</th>
                <th scope="col" className="px-2 py-1.5 text-right">Items today</th>
              </tr>
            </thead>
            <tbody>
              {day.renewals.map(({ account, items }) => {
                const rank = day.bands.findIndex((b) => b.key === account.band);
                return (
                  <tr key={account.id} className="border-b border-gray-100 last:border-0">
                    <th scope="row" className="px-2 py-1.5 text-left font-medium text-gray-900">
                      <Link href={`/accounts/${encodeURIComponent(account.id)}`} className="hover:underline">{account.name}</Link>
                    </th>
                    <td className="px-2 py-1.5 tabular">
                      {formatUtcDay(account.renewalDate!)} <span className="text-gray-600">({account.renewsInDays === 0 ? 'today' : `in ${account.renewsInDays} day${account.renewsInDays === 1 ? '' : 's'}`})</span>
                    </td>
                    <td className="px-2 py-1.5 text-right tabular">{formatMoney(account.arr)}</td>
                    <td className="px-2 py-1.5">{account.band ? <BandBadge band={account.band} label={day.bands[rank]?.label ?? account.band} rank={rank < 0 ? undefined : rank} /> : <span className="text-gray-600">No data</span>}</td>
                    <td className="px-2 py-1.5 text-right tabular">{items || <span className="text-gray-600">none</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {day.counts.renewals > day.renewals.length ? (
            <p className="mt-2 text-xs text-gray-700" data-testid="renewals-more">
              The soonest {day.renewals.length} of {day.counts.renewals.toLocaleString('en-US')} renewals in the next 90 days.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

export function MyDayClient({ me, role, owners, assignees }: { me: string; role: Role; owners: string[]; assignees: Assignee[] }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const manager = hasRole(role, 'manager');
  const owner = manager ? (params.get('owner') ?? '') : '';
  // How many of the accounts past the budget are listed: none until "Show all", then a page at a time.
  const shown = shownFromUrl(params.get('all'), params.get('shown'));
  const all = shown > 0;
  const { data, error, refetch, isFetching } = useQuery(myDayQueryOptions(owner, shown));
  // The view lives in the URL (shareable, back button); the list is fetched by the client.
  const go = (next: { owner?: string; shown?: number }) => {
    const out = new URLSearchParams();
    const o = next.owner ?? owner;
    if (o) out.set('owner', o);
    const n = next.shown ?? shown;
    if (n > 0) out.set('all', 'true');
    if (n > MY_DAY_REST_PAGE) out.set('shown', String(n));
    window.history.pushState(null, '', out.size ? `${pathname}?${out}` : pathname);
  };
  const whose = data?.owner === null ? 'Everyone’s accounts' : data?.owner && data.owner !== me ? `${data.owner}’s accounts` : 'Your accounts';
  const ownerPicker = manager ? (
    <div>
      <label htmlFor="day-owner" className="block text-xs font-medium text-gray-700">Whose day</label>
      <select id="day-owner" value={owner} onChange={(e) => go({ owner: e.target.value, shown: 0 })} className="mt-1 rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm">
        <option value="">My accounts</option>
        <option value="*">Everyone</option>
        {owners.filter((o) => o !== me).map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </div>
  ) : null;

  return (
    <div className="space-y-5">
      <PageHeader title="My day" description="The accounts that need attention today, each once with everything about it, the most at stake first (ARR, renewal, how serious and how overdue)." actions={ownerPicker} />
      {error ? <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} /> : null}
      {!data ? (
        <div className="h-64 animate-pulse rounded-lg bg-gray-200" aria-busy="true" aria-label="Loading your day" />
      ) : (
        <>
          <Counts counts={data.counts} />
          <section aria-labelledby="today-title" className="space-y-3">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id="today-title" className="text-base font-semibold text-gray-900">
                {data.top.length === 0 ? 'Nothing needs attention today' : `Today’s ${data.top.length === 1 ? 'account' : `${data.top.length} accounts`}`}
                <span className="ml-2 text-sm font-normal text-gray-600">{whose} · {formatCount(data.counts.accounts)} need attention · daily budget {data.budget}</span>
              </h2>
              <p className="text-xs text-gray-600" aria-live="polite">{isFetching ? 'Updating…' : ''}</p>
            </div>
            {data.top.length === 0 ? (
              <EmptyState title="No overdue touchpoints, open tasks or new alerts. Nice.">
                <p>{data.owner === me && manager ? 'You own no accounts with work today; pick a CSM or everyone above.' : 'New alerts, tasks from playbooks and touchpoints falling due will show up here.'}</p>
              </EmptyState>
            ) : (
              <ol className="space-y-3" aria-label="Accounts that need attention today">
                {data.top.map((e) => <li key={e.account.id}><AccountCard entry={e} bands={data.bands} showOwner={data.owner === null} assignees={manager ? assignees : null} /></li>)}
              </ol>
            )}
            {data.summarySentence ? (
              <div className="rounded-lg border border-dashed border-gray-300 bg-white px-4 py-3" data-testid="day-rest">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <p className="text-sm text-gray-800"><span className="font-medium">{data.summarySentence}</span>, after today’s {data.top.length}.</p>
                  <button type="button" aria-expanded={all} aria-controls={all ? 'day-rest-list' : undefined} onClick={() => go({ shown: all ? 0 : MY_DAY_REST_PAGE })}
                    className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium text-gray-800 hover:bg-gray-50">
                    {all ? 'Show only today’s' : `Show all ${formatCount(data.summary.accounts)}`}
                  </button>
                </div>
                {all ? (
                  data.rest === null ? (
                    <div className="mt-3 h-24 animate-pulse rounded-lg bg-gray-200" aria-busy="true" aria-label="Loading the other accounts" />
                  ) : (
                    <div id="day-rest-list" className="mt-3 space-y-3">
                      <ol className="space-y-3" aria-label="More accounts that need attention">
                        {data.rest.map((e) => <li key={e.account.id}><AccountCard entry={e} bands={data.bands} showOwner={data.owner === null} assignees={manager ? assignees : null} /></li>)}
                      </ol>
                      <MoreListed listed={data.rest.length} total={data.summary.accounts} page={MY_DAY_REST_PAGE} loading={isFetching && data.rest.length < shown}
                        onMore={() => go({ shown: data.rest!.length + MY_DAY_REST_PAGE })} controls="day-rest-list" testId="day-rest-more" />
                    </div>
                  )
                ) : null}
              </div>
            ) : null}
          </section>
          <Renewals day={data} />
          {role === 'admin' ? <BudgetForm budget={data.budget} max={MAX_DAILY_BUDGET} /> : null}
        </>
      )}
    </div>
  );
}
