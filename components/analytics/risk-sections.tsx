'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { refitRiskAction, setRiskHorizonAction } from '@/app/(dashboard)/cohorts/actions';
import { Select } from '@/components/accounts/account-filters';
import { JobProgress, useJob } from '@/components/model/job-progress';
import { ErrorAlert } from '@/components/ui/error-alert';
import type { DecileRow } from '@/lib/analytics/risk';
import { formatCount, formatPercent } from '@/lib/format';
import { metricCohortQueryOptions, riskKey, riskQueryOptions } from '@/lib/queries/analytics';
import type { MetricCohortAnswer } from '@/lib/server/queries/metric-cohorts';
import type { RiskOverview } from '@/lib/server/queries/risk';
import { ChartCard } from './chart-card';
import type { TableColumn } from './data-table';
import { CALIBRATION_LEGEND, CalibrationChart, DecileChurnChart } from './risk-charts';

const RISK_HORIZONS = [30, 60, 90, 180, 365];

const calibrationColumns: TableColumn<DecileRow>[] = [
  { key: 'decile', label: 'Decile of predicted risk' },
  { key: 'samples', label: 'Samples', numeric: true },
  { key: 'predicted', label: 'Predicted (mean)', numeric: true, render: (d) => formatPercent(d.predicted) },
  { key: 'observed', label: 'Observed churn', numeric: true, render: (d) => formatPercent(d.observed) },
  { key: 'churned', label: 'Churned', numeric: true },
];

/** The held-out AUC and Brier score in words. */
export function calibrationSentence(model: NonNullable<RiskOverview['model']>): string {
  const h = model.heldOut;
  const base = h.samples ? h.churned / h.samples : 0;
  const auc = h.auc === null ? 'cannot be judged' : `ranks a churned account above one that stayed ${formatPercent(h.auc, 0)} of the time (AUC ${h.auc.toFixed(2)}; 0.5 is a coin toss)`;
  const brier = h.brier === null ? '' : ` Its Brier score is ${h.brier.toFixed(3)} (the mean squared gap between the predicted risk and what happened; predicting the overall rate of ${formatPercent(base, 0)} for everyone would score ${(base * (1 - base)).toFixed(3)}).`;
  const calibrated = model.calibration.method === 'platt' ? ' The fit was recalibrated (Platt scaling, judged on one half of these accounts at a time) because that lowered the gap.' : '';
  return `On ${formatCount(h.samples)} account-dates from ${h.dates[0] ?? '—'} to ${h.dates.at(-1) ?? '—'}, which the fit never saw, the risk ${auc}.${brier}${calibrated}`;
}

function RiskAdmin({ horizonDays }: { horizonDays: number }) {
  const queryClient = useQueryClient();
  const [job, setJob] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const state = useJob(job, () => void queryClient.invalidateQueries({ queryKey: riskKey }));
  const run = async (call: () => ReturnType<typeof refitRiskAction>) => {
    setError(null);
    const result = await call();
    if (result.ok) setJob(result.data.job);
    else setError(result.message);
  };
  return (
    <div className="flex flex-wrap items-end gap-3 border-t border-gray-100 pt-3">
      <Select id="risk-horizon" label="Churn-risk horizon (admins)" value={String(horizonDays)} onChange={(v) => void run(() => setRiskHorizonAction({ horizonDays: Number(v) }))}>
        {[...new Set([...RISK_HORIZONS, horizonDays])].sort((a, b) => a - b).map((h) => <option key={h} value={h}>{h} days</option>)}
      </Select>
      <button type="button" className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong" onClick={() => void run(() => refitRiskAction({}))}>
        Refit the churn risk
      </button>
      <div className="min-w-60 flex-1">{job !== null ? <JobProgress job={state} label="Fitting the churn risk" /> : null}</div>
      {error ? <p role="alert" className="text-sm text-red-800">{error}</p> : null}
    </div>
  );
}

/** The churn risk's calibration on the held-out dates, or why there is no risk yet. */
export function RiskSection({ admin }: { admin: boolean }) {
  const { data, error, refetch } = useQuery(riskQueryOptions());
  if (error) return <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} />;
  if (!data) return <div role="status" className="h-40 animate-pulse rounded-lg bg-gray-200" aria-busy="true" aria-label="Loading the churn risk" />;
  const model = data.model;
  const admins = admin ? <RiskAdmin horizonDays={data.horizonDays} /> : null;
  if (!model) {
    return (
      <section aria-labelledby="risk-title" className="space-y-3 rounded-lg border border-gray-200 bg-white p-4" data-testid="risk-none">
        <h2 id="risk-title" className="text-sm font-semibold text-gray-900">Is the churn risk calibrated?</h2>
        <p className="text-sm text-gray-700">
          No churn risk is fitted for the live model yet. {data.status && !data.status.fitted ? data.status.message : `It needs at least ${data.minimum.churned} accounts that churned and ${data.minimum.retained} that stayed within the ${data.horizonDays}-day horizon in the score history.`}
        </p>
        {admins}
      </section>
    );
  }
  const title = `Is the ${model.horizonDays}-day churn risk calibrated? Predicted against observed churn by decile`;
  return (
    <div className="space-y-2">
      <ChartCard id="risk-calibration" question={title} sentence={calibrationSentence(model)} legend={CALIBRATION_LEGEND} height={280}
        filename={`trellis-churn-risk-calibration-${model.fittedAt.slice(0, 10)}`} columns={calibrationColumns} rows={model.heldOut.deciles} rowKey={(d) => String(d.decile)}>
        <CalibrationChart deciles={model.heldOut.deciles} title={title} />
      </ChartCard>
      <p className="text-xs text-gray-700">
        Fitted {model.fittedAt.slice(0, 10)} for model version {model.modelVersion} on {formatCount(model.accounts)} accounts ({formatCount(model.training.samples)} training samples on {model.training.dates.length} dates from {model.training.dates[0]} to {model.training.dates.at(-1)}).
        Features: {model.features.map((f) => f.label).join(', ')}.
      </p>
      {admin ? <div className="rounded-lg border border-gray-200 bg-white p-3">{admins}</div> : null}
    </div>
  );
}

function directionSentence(m: MetricCohortAnswer): string {
  const auc = m.auc === null ? 'no AUC (everyone churned or nobody did)' : `AUC of the value alone ${m.auc.toFixed(2)}`;
  const what = m.signal.kind === 'measure' ? `${m.signal.label} points` : `${m.signal.label} events in the ${m.windowDays} days before`;
  const dir =
    m.direction === 'higher_stays' ? `Accounts with more ${what} stayed more often` : m.direction === 'higher_churns' ? `Accounts with more ${what} churned more often` : `${what} does not clearly separate the accounts that churned`;
  const few = m.fewValues ? ` There are only ${m.distinctValues} distinct values, fewer than ten deciles: tied values are kept together, so some deciles are empty.` : '';
  const none = m.noValue ? ` ${formatCount(m.noValue)} accounts had no value and are left out.` : '';
  return `${dir} (${auc}; 0.5 is a coin toss).${few}${none}`;
}

/** Churn by decile of one signal as of the page's date, so a manager sees which signals separate. */
export function MetricSection({ asOf, horizonDays, filePrefix }: { asOf: string; horizonDays: number; filePrefix: string }) {
  const [signal, setSignal] = useState('');
  const params = new URLSearchParams({ asOf, horizonDays: String(horizonDays) });
  if (signal.startsWith('trigger:')) params.set('trigger', signal.slice(8));
  else if (signal) params.set('measure', signal.slice(8));
  const { data, error, refetch, isFetching } = useQuery(metricCohortQueryOptions(params.toString()));
  const selected = data ? (data.signal.kind === 'trigger' ? `trigger:${data.signal.key}` : `measure:${data.signal.key}`) : signal;
  const format = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const columns: TableColumn<DecileRow>[] = [
    { key: 'decile', label: 'Decile' },
    { key: 'from', label: 'From', numeric: true, render: (d) => format(d.from) },
    { key: 'to', label: 'To', numeric: true, render: (d) => format(d.to) },
    { key: 'samples', label: 'Accounts', numeric: true },
    { key: 'churned', label: 'Churned', numeric: true },
    { key: 'observed', label: 'Churn rate', numeric: true, render: (d) => formatPercent(d.observed) },
  ];
  const question = data ? `Does ${data.signal.label} separate the accounts that churned? Churn by decile` : 'Which signals separate the accounts that churned?';
  return (
    <div className="space-y-2" data-testid="metric-cohorts">
      <form className="flex flex-wrap items-end gap-3 rounded-lg border border-gray-200 bg-white p-3" onSubmit={(e) => e.preventDefault()} aria-label="Metric cohort settings">
        <Select id="metric-signal" label="Signal (metric cohorts)" value={selected} onChange={setSignal}>
          <optgroup label="Measures of the live model (points)">
            {data?.options.measures.map((o) => <option key={o.value} value={`measure:${o.value}`}>{o.label}</option>)}
          </optgroup>
          <optgroup label="Triggers (count in the model’s window)">
            {data?.options.triggers.map((o) => <option key={o.value} value={`trigger:${o.value}`}>{o.label}</option>)}
          </optgroup>
        </Select>
        <p className="pb-1.5 text-xs text-gray-600" aria-live="polite">{isFetching ? 'Updating…' : `Accounts active on ${asOf}, churn within ${horizonDays} days`}</p>
      </form>
      {error ? <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} /> : null}
      {data ? (
        <ChartCard id="metric-cohort" question={question} sentence={directionSentence(data)} height={260}
          filename={`${filePrefix}-metric-${data.signal.key.replace(/[^a-z0-9_.-]/g, '-')}`} columns={columns} rows={data.deciles} rowKey={(d) => String(d.decile)}>
          <DecileChurnChart deciles={data.deciles} title={question} format={format} />
        </ChartCard>
      ) : !error ? <div role="status" className="h-64 animate-pulse rounded-lg bg-gray-200" aria-busy="true" aria-label="Loading the metric cohorts" /> : null}
    </div>
  );
}
