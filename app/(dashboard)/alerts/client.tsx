'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { AlertActions } from '@/components/alerts/alert-actions';
import { EmptyState } from '@/components/ui/empty-state';
import { MoreListed } from '@/components/ui/more-listed';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatCount, formatScore } from '@/lib/format';
import { ALERT_GROUPS_PAGE, alertsQueryOptions } from '@/lib/queries/alerts';
import { shownOf } from '@/lib/queries/shown';
import type { Role } from '@/lib/roles';
import { parseAlertState, type AlertState } from '@/lib/alert-state';

const TABS: { state: AlertState; label: string }[] = [
  { state: 'open', label: 'Open' },
  { state: 'snoozed', label: 'Snoozed' },
  { state: 'acknowledged', label: 'Acknowledged' },
];

export function AlertsClient({ owners, me, role }: { owners: string[]; me: string; role: Role }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const state = parseAlertState(params.get('state'));
  const owner = params.get('owner') ?? '';
  // How many accounts' alerts are listed: a page, then a page more at a time.
  const shown = shownOf(params.get('shown'), ALERT_GROUPS_PAGE);
  const { data, error, isFetching } = useQuery(alertsQueryOptions(state, owner, shown));
  // The list is fetched by the client; the URL changes through the history API (shareable, back
  // button). Another state or owner starts again at the first page.
  const go = (next: { state?: AlertState; owner?: string; shown?: number }) => {
    const url = new URLSearchParams(window.location.search);
    const s = next.state ?? parseAlertState(url.get('state'));
    const o = next.owner ?? url.get('owner') ?? '';
    const n = next.shown ?? ALERT_GROUPS_PAGE;
    const out = new URLSearchParams();
    if (s !== 'open') out.set('state', s);
    if (o) out.set('owner', o);
    if (n !== ALERT_GROUPS_PAGE) out.set('shown', String(n));
    window.history.pushState(null, '', out.size ? `${pathname}?${out}` : pathname);
  };
  return (
    <div className="space-y-5">
      <PageHeader title="Alerts" description="New red and yellow flags and band drops, grouped by account, the most at stake first. Acknowledge what you have handled; snooze what can wait." />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div role="tablist" aria-label="Alert state" className="flex gap-1 rounded-lg bg-gray-100 p-1">
          {TABS.map((t) => (
            <button key={t.state} role="tab" type="button" aria-selected={state === t.state} onClick={() => go({ state: t.state })}
              className={`rounded-md px-3 py-1.5 text-sm ${state === t.state ? 'bg-white font-medium text-gray-900 shadow-sm' : 'text-gray-700 hover:text-gray-900'}`}>
              {t.label} <span className="tabular text-gray-600">{data ? formatCount(data.counts[t.state]) : ''}</span>
            </button>
          ))}
        </div>
        <div>
          <label htmlFor="alert-owner" className="block text-xs font-medium text-gray-700">Owner</label>
          <select id="alert-owner" value={owner || (role === 'csm' ? '' : '*')} onChange={(e) => go({ owner: e.target.value })}
            className="mt-1 rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm">
            {role === 'csm' ? <option value="">My accounts</option> : null}
            <option value="*">All owners</option>
            {owners.map((o) => <option key={o} value={o}>{o === me ? `${o} (me)` : o}</option>)}
          </select>
        </div>
      </div>
      {error ? <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">{(error as Error).message}</p> : null}
      {data && data.groups.length === 0 ? (
        <EmptyState title={state === 'open' ? 'No open alerts. Nice.' : state === 'snoozed' ? 'Nothing snoozed.' : 'Nothing acknowledged yet.'}>
          {state === 'open' ? <p>New red and yellow flags and band drops of your accounts will show up here.</p> : null}
        </EmptyState>
      ) : null}
      {data && data.groups.length ? (
        <p className="text-xs text-gray-600" data-testid="alerts-summary">
          {formatCount(data.shown)} alert{data.shown === 1 ? '' : 's'} on {formatCount(data.accounts)} account{data.accounts === 1 ? '' : 's'}, the most at stake first (ARR, renewal, severity)
          {data.shown < data.counts[state] ? `; the first ${formatCount(data.shown)} of ${formatCount(data.counts[state])} by severity and date are shown` : ''}.
        </p>
      ) : null}
      <ul id="alert-groups" className="space-y-3" aria-label={`${state} alerts`}>
        {data?.groups.map((g) => (
          <li key={g.account.id} data-testid="alert-group" className={`rounded-lg border-l-4 bg-white p-3 shadow-sm ${g.severity === 'red' ? 'border-band-red-solid' : 'border-band-yellow-solid'}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="text-sm font-semibold text-gray-900">
                <Link href={`/accounts/${encodeURIComponent(g.account.id)}`} className="hover:underline">{g.account.name}</Link>
                <span className="ml-2 text-sm font-normal text-gray-800">{g.why}</span>
              </h2>
              <p className="text-xs text-gray-600">
                {g.alerts.length} alert{g.alerts.length === 1 ? '' : 's'} · score {formatScore(g.account.score)} · {g.account.owner ?? 'no owner'}
              </p>
            </div>
            <ul className="mt-2 divide-y divide-gray-100" aria-label={`Alerts on ${g.account.name}`}>
              {g.alerts.map((a) => (
                <li key={a.pk} className="flex flex-wrap items-start justify-between gap-3 py-2 first:pt-0 last:pb-0">
                  <div className="min-w-0">
                    <p className="text-sm">
                      <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-semibold ${a.severity === 'red' ? 'bg-band-red text-band-red-fg' : 'bg-band-yellow text-band-yellow-fg'}`}>
                        {a.severity === 'red' ? 'Red' : 'Yellow'}
                      </span>
                      <span className="font-medium text-gray-900">{a.title}</span>
                    </p>
                    {a.evidence ? <p className="mt-1 text-sm text-gray-800">{a.evidence}</p> : null}
                    <p className="mt-1 text-xs text-gray-600">
                      <RelativeTime iso={a.createdAt} />
                      {a.acknowledgedAt ? <> · acknowledged by {a.acknowledgedBy ?? 'someone'} <RelativeTime iso={a.acknowledgedAt} /></> : null}
                      {a.snoozedUntil && state === 'snoozed' ? <> · snoozed until <RelativeTime iso={a.snoozedUntil} /></> : null}
                    </p>
                  </div>
                  <AlertActions pk={a.pk} state={state} label={`${a.title} on ${a.account.name}`} />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {data && data.accounts > ALERT_GROUPS_PAGE ? (
        <MoreListed listed={data.groups.length} total={data.accounts} page={ALERT_GROUPS_PAGE} noun="accounts" loading={isFetching && data.groups.length < Math.min(shown, data.accounts)}
          onMore={() => go({ shown: data.groups.length + ALERT_GROUPS_PAGE })} controls="alert-groups" testId="alerts-more" />
      ) : null}
    </div>
  );
}
