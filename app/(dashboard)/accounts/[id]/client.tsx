'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { AccountTimeline } from '@/components/accounts/account-timeline';
import { formatDay } from '@/components/accounts/as-of';
import { CadencePanel } from '@/components/accounts/cadence-panel';
import { DimensionBreakdown } from '@/components/accounts/dimension-breakdown';
import { OverrideForm } from '@/components/accounts/override-form';
import { TasksPanel } from '@/components/accounts/tasks-panel';
import { TouchpointDialog } from '@/components/accounts/touchpoint-dialog';
import { AlertActions } from '@/components/alerts/alert-actions';
import { ScoreTrend } from '@/components/charts/score-trend';
import { BandBadge } from '@/components/ui/band-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { NO_DATA, type BandInfo } from '@/lib/bands';
import { formatChangePercent, formatChangePoints, formatMoney, formatPercent, formatScore } from '@/lib/format';
import { accountQueryOptions } from '@/lib/queries/account';
import type { AccountPageData } from '@/lib/server/queries/account-page';

const ROLE_LABELS: Record<string, string> = { executive_sponsor: 'Executive sponsor', champion: 'Champion', power_user: 'Power user', user: 'User' };

function Card({ title, children, className = '' }: { title: string; children: React.ReactNode; className?: string }) {
  return (
    <section aria-label={title} className={`rounded-lg border border-gray-200 bg-white p-4 ${className}`}>
      <h2 className="mb-3 text-sm font-semibold text-gray-900">{title}</h2>
      {children}
    </section>
  );
}

/** The churn risk beside the score: the probability, its horizon, the reasons and how well the fit did on data it never saw. */
function ChurnRiskPanel({ risk, note, asOf }: { risk: AccountPageData['churnRisk']; note: string | null; asOf: string | null }) {
  if (!risk) {
    return (
      <section aria-label="Churn risk" data-testid="churn-risk" className="mt-2 max-w-md text-left text-sm text-gray-700">
        <h2 className="font-semibold text-gray-900">Churn risk</h2>
        <p>{note ?? 'Not available.'}</p>
      </section>
    );
  }
  const m = risk.model;
  return (
    <section aria-label="Churn risk" data-testid="churn-risk" className="mt-2 max-w-md rounded-md border border-gray-200 bg-gray-50 px-3 py-2 text-left text-sm text-gray-800">
      <h2 className="font-semibold text-gray-900">
        Churn risk <span className="tabular text-lg" data-testid="churn-risk-probability">{formatPercent(risk.probability, 0)}</span>{' '}
        <span className="font-normal text-gray-700">within {risk.horizonDays} days{asOf ? ` as of ${formatDay(asOf)}` : ''}</span>
      </h2>
      {risk.reasons.length ? (
        <ul className="mt-1 list-disc space-y-0.5 pl-5" aria-label="Why this risk">
          {risk.reasons.map((r) => <li key={r.key}>{r.text}</li>)}
        </ul>
      ) : (
        <p className="mt-1">About as likely to churn as a typical account.</p>
      )}
      <p className="mt-1 text-xs text-gray-700">
        Fitted on {m.accounts.toLocaleString('en')} accounts{m.heldOutAuc === null ? '' : `, held-out AUC ${m.heldOutAuc.toFixed(2)}`}
        {m.calibration === 'platt' ? ', calibrated (Platt scaling)' : ''} · <RelativeTime iso={m.fittedAt} />
      </p>
    </section>
  );
}

/** Who is looking: a CSM logs touchpoints and acts on tasks of their own accounts, a manager on any. */
export interface Viewer { email: string; manager: boolean }

export function AccountClient({ id, bands, me }: { id: string; bands: BandInfo[]; me: Viewer }) {
  const asOfParam = useSearchParams().get('asOf') ?? '';
  const { data, error, refetch } = useQuery({ ...accountQueryOptions(id, '', asOfParam), placeholderData: keepPreviousData });
  if (!data) {
    return error ? (
      <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
        {(error as Error).message} <button type="button" className="underline" onClick={() => refetch()}>Try again</button>
      </div>
    ) : null;
  }
  const computed = data.band ?? NO_DATA;
  const effectiveKey = data.override?.band ?? data.band?.key ?? null;
  const rank = bands.findIndex((b) => b.key === effectiveKey);
  const band = bands[rank] ?? computed;
  const asOf = data.asOf;
  const mayAct = me.manager || data.owner === me.email;
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-gray-600">
        <Link href={asOf ? `/accounts?asOf=${asOf}` : '/accounts'} className="hover:underline">Accounts{asOf ? ` as of ${formatDay(asOf)}` : ''}</Link> <span aria-hidden>/</span> {data.name}
      </nav>
      {asOf ? (
        <div role="status" data-testid="as-of-banner" className="rounded-md border border-accent/40 bg-blue-50 px-4 py-2 text-sm text-gray-900">
          <span className="font-semibold">As of {formatDay(asOf)}</span> (end of that day, UTC): the score, its breakdown and the flags are computed
          from the events recorded up to then; the trend, timeline and outcomes stop there. Alerts and band overrides act today.{' '}
          <Link href={`/accounts/${encodeURIComponent(data.id)}`} className="font-medium text-accent-strong underline">See it today</Link>
        </div>
      ) : null}
      <header className="flex flex-wrap items-start justify-between gap-4 rounded-lg border border-gray-200 bg-white p-4">
        {/* The name and facts take the room left beside the score (their lines wrap), so the score stays on the right whatever their length. */}
        <div className="min-w-0 flex-1 basis-80">
          <h1 className="text-xl font-semibold text-gray-900">{data.name}</h1>
          <p className="mt-1 text-sm text-gray-700">
            <span className="capitalize">{data.tier ?? 'No tier'}</span> · {data.lifecycleStage} · owner {data.owner ?? 'none'} · {formatMoney(data.arr)} ARR
            {data.renewalDate ? <> · renews <RelativeTime iso={data.renewalDate} /></> : null}
            {data.churnedAt ? <> · <strong className="text-red-800">churned <RelativeTime iso={data.churnedAt} /></strong></> : null}
          </p>
          {data.experiments.length ? (
            <ul className="mt-1 space-y-0.5 text-sm text-gray-700" aria-label="Experiments" data-testid="account-experiments">
              {data.experiments.map((x) => (
                <li key={x.id}>
                  {x.state === 'finished' ? 'Was in' : x.state === 'planned' ? 'Will be in' : 'In'} experiment{' '}
                  <Link href={`/experiments/${encodeURIComponent(x.key)}`} className="font-medium text-accent-strong underline">{x.name}</Link>, arm <strong className="font-medium text-gray-900">{x.armLabel}</strong>
                  {x.baseline ? ' (the baseline)' : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="ml-auto text-right">
          <div className="flex items-center justify-end gap-3">
            <span className="text-3xl font-semibold tabular" data-testid="account-score">{formatScore(data.score)}</span>
            <BandBadge band={effectiveKey} label={band.label} rank={rank < 0 ? undefined : rank} />
            {data.override ? <span className="text-xs text-gray-600">override · computed {computed.label}</span> : null}
          </div>
          <p className="mt-1 text-sm text-gray-700">
            {data.partial ? <span title={`No data for ${data.missing.map((m) => m.label).join(', ')}`}>Partial score · </span> : null}
            {data.belowTarget ? <span className="font-medium text-red-800">Below the {data.tier} target of {data.target} · </span> : null}
            velocity {data.newActivity ? 'new activity' : formatChangePercent(data.velocity)} · {formatChangePoints(data.scoreChange)} vs {data.window.days} days ago
          </p>
          <p className="mt-1 max-w-md text-sm font-medium text-gray-900" data-testid="band-action">Next: {band.action}</p>
          <ChurnRiskPanel risk={data.churnRisk} note={data.riskNote} asOf={asOf} />
        </div>
        <div className="flex w-full flex-wrap items-start gap-3">
          {mayAct ? (
            <TouchpointDialog accountId={data.id} contacts={data.stakeholders} />
          ) : (
            <p className="py-1.5 text-sm text-gray-700">{data.owner ? `${data.owner} owns this account` : 'This account has no owner'}: touchpoints are logged by its owner or a manager.</p>
          )}
          <OverrideForm accountId={data.id} bands={bands} override={data.currentOverride} computedBand={data.band?.key ?? null} />
        </div>
      </header>

      <div className="grid gap-5 lg:grid-cols-2">
        <Card title="Touchpoint cadence">
          <CadencePanel items={data.cadence} tier={data.tier} />
        </Card>
        <Card title="Tasks">
          <TasksPanel accountId={data.id} tasks={data.tasks} mayAct={(task) => mayAct || (task !== null && task.owner === me.email)} />
        </Card>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <Card title="Why this score">
          {data.state === 'no_data' ? (
            <p className="text-sm text-gray-700">Nothing has been recorded for this account yet, so it has no score (not a zero).</p>
          ) : (
            <DimensionBreakdown dimensions={data.dimensions} />
          )}
        </Card>
        <div className="space-y-5">
          <Card title={asOf ? `Score over the ${data.history.length} days to ${formatDay(asOf)}` : `Score over the last ${data.history.length} days`}>
            <ScoreTrend points={data.history} bands={bands} versions={data.versions} />
          </Card>
          <Card title="Early-warning flags">
            {data.flags.length === 0 ? (
              <p className="text-sm text-gray-700">No flags. Nothing unusual in the {data.window.days} days {asOf ? `to ${formatDay(asOf)}` : 'to today'}.</p>
            ) : (
              <ul className="space-y-2">
                {data.flags.map((f) => {
                  const alert = data.openAlerts.find((a) => a.kind === 'flag' && a.key === f.key);
                  return (
                    <li key={f.key} className={`rounded-md border-l-4 px-3 py-2 text-sm ${f.severity === 'red' ? 'border-band-red-solid bg-band-red' : 'border-band-yellow-solid bg-band-yellow'}`}>
                      <p><span className="font-semibold">{f.severity === 'red' ? 'Red' : 'Yellow'} · {f.label}:</span> {f.evidence}</p>
                      {alert ? <div className="mt-1.5"><AlertActions pk={alert.pk} state="open" label={f.label} /></div> : <p className="mt-1 text-xs text-gray-700">{asOf ? 'No open alert for it today' : 'Acknowledged'}</p>}
                    </li>
                  );
                })}
              </ul>
            )}
          </Card>
        </div>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <Card title="Stakeholders">
          <table className="min-w-full text-sm">
            <thead className="text-left text-xs uppercase text-gray-600">
              <tr><th scope="col" className="py-1">Name</th><th scope="col">Role</th><th scope="col">Department</th><th scope="col">Last active</th><th scope="col" className="text-right">Last {data.window.days} d</th></tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {data.stakeholders.map((s) => (
                <tr key={s.id}>
                  <td className="py-1.5">{s.name ?? s.id}</td>
                  <td>{s.role ? ROLE_LABELS[s.role] : '—'}</td>
                  <td>{s.department ?? '—'}</td>
                  <td><RelativeTime iso={s.lastActiveAt} /></td>
                  <td className="text-right tabular">{s.interactionsInWindow}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Outcomes">
          {data.outcomes.length === 0 ? <p className="text-sm text-gray-700">No renewals, churn or expansions recorded {asOf ? `by ${formatDay(asOf)}` : 'yet'}.</p> : (
            <ul className="space-y-1 text-sm">
              {data.outcomes.map((o, i) => (
                <li key={i}><span className="font-medium capitalize">{o.type}</span> <RelativeTime iso={o.occurredAt} />{o.arrDelta ? ` (${o.arrDelta > 0 ? '+' : ''}${formatMoney(o.arrDelta)})` : ''}{o.reason ? `: ${o.reason}` : ''}</li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <Card title="Timeline">
        <AccountTimeline accountId={data.id} asOf={asOfParam} first={data.timeline} triggers={data.triggers} />
      </Card>
    </div>
  );
}
