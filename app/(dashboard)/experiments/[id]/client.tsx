'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { ChartCard } from '@/components/analytics/chart-card';
import { CsvButton, DataTable, type TableColumn } from '@/components/analytics/data-table';
import { ArmScoreChart, armLegend } from '@/components/experiments/score-chart';
import { StateBadge } from '@/components/experiments/state-badge';
import { Card, dangerButton, Field, FormAlert, inputClass, secondaryButton } from '@/components/ui/form';
import { armProgrammeText, comparisonSentence, intervalText, METHOD_WORDS, metricDifference, metricValue, populationText, pValueText, verdictText } from '@/lib/experiments/describe';
import { METRIC_KIND, METRIC_LABELS, METRICS, powerFor, type ArmReport, type ComparisonReport, type MetricKey } from '@/lib/experiments/report';
import { formatCount, formatUtcDay } from '@/lib/format';
import type { AssignmentItem, ExperimentDetail, ExperimentFormOptions, ExperimentReport } from '@/lib/server/queries/experiments';
import { stopExperimentAction } from '../actions';

const dateText = (iso: string | null) => (iso ? formatUtcDay(iso) : '—');

/** The comparison a reader looks for first: churn when any churned, else the score change. */
function headline(report: ExperimentReport): ComparisonReport[] {
  const anyChurn = report.arms.some((a) => (a.metrics.churnRate.value ?? 0) > 0);
  const metric: MetricKey = anyChurn ? 'churnRate' : 'scoreChange';
  return report.comparisons.filter((c) => c.metric === metric);
}

const EFFECT_DEFAULTS: Record<MetricKey, number> = { scoreChange: 3, churnRate: 5, expansionRate: 5, nps: 10, csmMinutes: 30 };
const EFFECT_UNITS: Record<MetricKey, string> = { scoreChange: 'score points', churnRate: 'percentage points', expansionRate: 'percentage points', nps: 'NPS points', csmMinutes: 'minutes per account' };

function PowerCalculator({ report }: { report: ExperimentReport }) {
  const [metric, setMetric] = useState<MetricKey>('churnRate');
  const [effect, setEffect] = useState(String(EFFECT_DEFAULTS.churnRate));
  const value = Number(effect);
  const answer = Number.isFinite(value) && value > 0 ? powerFor(report, metric, value) : null;
  const unit = EFFECT_UNITS[metric];
  const what = METRIC_KIND[metric] === 'nps' ? 'answers' : 'accounts';
  const baseRate = METRIC_KIND[metric] === 'rate' ? report.arms[0]?.metrics[metric].value ?? 0 : null;
  const from = baseRate === null ? '' : ` from the baseline’s ${(baseRate * 100).toFixed(1)}%`;
  return (
    <Card id="power-title" title="How many accounts would it take?" description="The number of accounts each arm needs for an 80% chance of seeing a difference of the size you choose, if it is real (5% significance level).">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-48">
          <Field id="power-metric" label="Metric">
            <select id="power-metric" className={inputClass} value={metric} onChange={(e) => { const m = e.target.value as MetricKey; setMetric(m); setEffect(String(EFFECT_DEFAULTS[m])); }}>
              {METRICS.map((m) => <option key={m} value={m}>{METRIC_LABELS[m]}</option>)}
            </select>
          </Field>
        </div>
        <div className="w-48">
          <Field id="power-effect" label={`Difference to detect (${unit})`}>
            <input id="power-effect" type="number" inputMode="decimal" min={0} step="any" className={`${inputClass} tabular`} value={effect} onChange={(e) => setEffect(e.target.value)} />
          </Field>
        </div>
      </div>
      <p className="mt-3 text-sm text-gray-800" aria-live="polite" data-testid="power-answer">
        {answer === null
          ? 'Not enough data in this experiment yet to estimate the spread of this metric, or no difference entered.'
          : answer.more === 0
            ? `About ${formatCount(answer.needed)} ${what} per arm are needed to detect ${effect} ${unit}${from}; the smallest arm has ${formatCount(answer.have)}: enough.`
            : `About ${formatCount(answer.needed)} ${what} per arm are needed to detect ${effect} ${unit}${from}; the smallest arm has ${formatCount(answer.have)}: ${formatCount(answer.more)} more per arm.`}
      </p>
    </Card>
  );
}

export function ExperimentClient({ experiment: e, report, options, accounts, canStop, created }: {
  experiment: ExperimentDetail; report: ExperimentReport; options: ExperimentFormOptions; accounts: AssignmentItem[]; canStop: boolean; created: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [stopping, startStop] = useTransition();
  const [confirm, setConfirm] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const itemLabels = new Map(options.cadenceItems.map((i) => [i.key, i.label]));
  const playbookNames = new Map(options.playbooks.map((p) => [p.key, p.name]));
  const bandLabels = new Map(options.bands.map((b) => [b.key, b.label]));
  const labelOf = new Map(e.arms.map((a) => [a.key, a.label]));
  const baseline = e.arms[0]!;
  const file = (what: string) => `trellis-experiment-${e.key}-${what}-${report.asOf.slice(0, 10)}`;
  const asOfDay = report.asOf.slice(0, 10);

  const stop = () => {
    startStop(async () => {
      const result = await stopExperimentAction({ key: e.key });
      setConfirm(false);
      if (result.ok) router.refresh();
      else setNotice(result.message);
    });
  };

  const armColumns: TableColumn<ArmReport>[] = [
    { key: 'label', label: 'Arm', render: (a) => (a.key === baseline.key ? `${a.label} (baseline)` : a.label) },
    { key: 'accounts', label: 'Accounts', numeric: true, render: (a) => formatCount(a.accounts) },
    ...METRICS.map((m): TableColumn<ArmReport> => ({
      key: m,
      label: METRIC_LABELS[m],
      numeric: true,
      csv: (a) => a.metrics[m].value,
      render: (a) => (
        <span>
          {metricValue(m, a.metrics[m].value)}
          <span className="block text-xs text-gray-600">n = {formatCount(a.metrics[m].n)}</span>
        </span>
      ),
    })),
    { key: 'pointsPerHour', label: 'Score points per CSM hour', numeric: true, csv: (a) => a.pointsPerHour, render: (a) => (a.pointsPerHour === null ? '—' : a.pointsPerHour.toFixed(2)) },
  ];
  const comparisonColumns: TableColumn<ComparisonReport>[] = [
    { key: 'metric', label: 'Metric', csv: (c) => c.metric, render: (c) => METRIC_LABELS[c.metric] },
    { key: 'arm', label: 'Arm vs baseline', csv: (c) => `${c.arm} vs ${c.baseline}`, render: (c) => `${labelOf.get(c.arm) ?? c.arm} vs ${labelOf.get(c.baseline) ?? c.baseline}` },
    { key: 'difference', label: 'Difference', numeric: true, csv: (c) => c.difference, render: (c) => metricDifference(c.metric, c.difference) },
    { key: 'ci', label: '95% interval', numeric: true, csv: (c) => (c.ci ? `${c.ci[0]};${c.ci[1]}` : null), render: (c) => intervalText(c.metric, c.ci) },
    { key: 'pValue', label: 'p-value', numeric: true, csv: (c) => c.pValue, render: (c) => pValueText(c.pValue) },
    {
      key: 'significant', label: 'Verdict', csv: (c) => (c.significant ? 'significant' : 'not significant'),
      render: (c) => <span className={c.significant ? 'font-medium text-green-900' : 'text-gray-700'}>{verdictText(c)}</span>,
    },
    { key: 'method', label: 'Method', csv: (c) => c.method, render: (c) => (METRIC_KIND[c.metric] === 'rate' ? 'Two proportions (Wald)' : 'Welch’s t') },
  ];
  const seriesColumns: TableColumn<ExperimentReport['series'][number]>[] = [
    { key: 'day', label: 'Day since start', numeric: true },
    { key: 'date', label: 'Date' },
    ...e.arms.map((a) => ({ key: a.key, label: `${a.label}: mean score`, numeric: true, csv: (p: ExperimentReport['series'][number]) => p.values[a.key] ?? null })),
  ];
  const lead = headline(report);
  const last = report.series[report.series.length - 1];
  const chartSentence = last
    ? `Mean score on day ${last.day}: ${e.arms.map((a) => `${a.label} ${last.values[a.key]?.toFixed(1) ?? '—'}`).join(', ')}.`
    : 'No daily scores since the start yet.';

  return (
    <div className="space-y-5">
      <header className="rounded-lg border border-gray-200 bg-white p-4">
        <p className="text-sm"><Link href="/experiments" className="text-accent-strong underline">Experiments</Link></p>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold text-gray-900">{e.name}</h1>
          <StateBadge state={e.state} />
        </div>
        {e.hypothesis ? <p className="mt-1 max-w-3xl text-sm text-gray-700">Hypothesis: {e.hypothesis}</p> : null}
        <p className="mt-1 text-sm text-gray-700">
          {e.state === 'planned' ? 'Starts' : 'Started'} {dateText(e.startAt)} · {e.endAt ? `${e.state === 'finished' ? 'ended' : 'ends'} ${dateText(e.endAt)}` : 'runs until stopped'}
          {e.stoppedBy ? ` (stopped by ${e.stoppedBy})` : ''} · {formatCount(e.assigned)} accounts
        </p>
        {canStop && e.state !== 'finished' ? (
          <div className="mt-3 flex flex-wrap items-center gap-2">
            {confirm ? (
              <>
                <span className="text-sm text-gray-800">Stop now? Its accounts go back to the usual programme; the report stays.</span>
                <button type="button" className={dangerButton} onClick={stop} disabled={stopping}>{stopping ? 'Stopping…' : 'Stop the experiment'}</button>
                <button type="button" className={secondaryButton} onClick={() => setConfirm(false)} disabled={stopping}>Keep it running</button>
              </>
            ) : (
              <button type="button" className={dangerButton} onClick={() => setConfirm(true)}>Stop…</button>
            )}
          </div>
        ) : null}
        {notice ? <div className="mt-3"><FormAlert>{notice}</FormAlert></div> : null}
      </header>
      {created ? <FormAlert tone="success">Created: {formatCount(e.assigned)} accounts were assigned at random, {e.arms.map((a) => `${formatCount(a.accounts)} to ${a.label}`).join(' and ')}.</FormAlert> : null}

      <div className="grid gap-5 lg:grid-cols-2">
        <Card id="definition-title" title="Definition">
          <dl className="space-y-2 text-sm">
            <div><dt className="font-medium text-gray-900">Population</dt><dd className="text-gray-700">{populationText(e.population, bandLabels)}</dd></div>
            <div>
              <dt className="font-medium text-gray-900">Arms</dt>
              <dd>
                <ul className="space-y-1 text-gray-700">
                  {e.arms.map((a) => (
                    <li key={a.key}><strong className="font-medium text-gray-900">{a.label}</strong>{a.baseline ? ' (baseline)' : ''}, weight {a.weight}: {armProgrammeText(a, itemLabels, playbookNames)}</li>
                  ))}
                </ul>
              </dd>
            </div>
            <div><dt className="font-medium text-gray-900">Assignment</dt><dd className="text-gray-700">At random within each {e.stratifyBy.length ? e.stratifyBy.join(' and ') : 'account (no strata)'} stratum, from seed {e.seed}; accounts joining later are {e.lateJoiners === 'assign' ? 'assigned as they come' : 'left out'}.</dd></div>
          </dl>
        </Card>
        <Card id="assignment-title" title="Assignment" description={`${formatCount(e.assigned)} accounts${e.lateAssigned ? `, ${formatCount(e.lateAssigned)} of them joined later` : ''}.`}>
          <ul className="mb-3 flex flex-wrap gap-3 text-sm" data-testid="arm-counts">
            {e.arms.map((a) => <li key={a.key} className="rounded-md bg-gray-50 px-3 py-1.5"><strong className="tabular">{formatCount(a.accounts)}</strong> in {a.label}</li>)}
          </ul>
          <DataTable
            caption="Accounts by stratum and arm"
            columns={[
              { key: 'stratum', label: 'Stratum', render: (s: ExperimentDetail['strata'][number]) => s.stratum.replaceAll('|', ', ').replaceAll('=', ' ') },
              ...e.arms.map((a) => ({ key: a.key, label: a.label, numeric: true, render: (s: ExperimentDetail['strata'][number]) => formatCount(s.arms[a.key] ?? 0) })),
              { key: 'total', label: 'Total', numeric: true },
            ]}
            rows={e.strata}
            rowKey={(s) => s.stratum}
          />
          {accounts.length ? (
            <details className="mt-3 text-sm">
              <summary className="cursor-pointer font-medium text-gray-900">Accounts and their arms{e.assigned > accounts.length ? ` (the first ${accounts.length} of ${formatCount(e.assigned)}; all through the API)` : ''}</summary>
              <div className="mt-2 max-h-72 overflow-y-auto">
                <DataTable
                  caption="Accounts and their arms"
                  columns={[
                    { key: 'arm', label: 'Arm', render: (a: AssignmentItem) => labelOf.get(a.arm) ?? a.arm },
                    { key: 'accountName', label: 'Account', render: (a: AssignmentItem) => <Link href={`/accounts/${encodeURIComponent(a.accountId)}`} className="text-accent-strong underline">{a.accountName}</Link> },
                    { key: 'late', label: 'Joined', render: (a: AssignmentItem) => (a.late ? 'later' : 'at the start') },
                  ]}
                  rows={accounts}
                  rowKey={(a) => a.accountId}
                />
              </div>
            </details>
          ) : null}
        </Card>
      </div>

      <section aria-labelledby="report-title" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="report-title" className="text-lg font-semibold text-gray-900">Report as of {dateText(report.asOf)}</h2>
          {e.state !== 'planned' ? (
            <div className="w-44">
              <Field id="report-as-of" label="As of (end of day)">
                <input id="report-as-of" type="date" className={inputClass} value={asOfDay} min={e.startAt.slice(0, 10)} max={(e.endAt && e.state === 'finished' ? e.endAt : new Date().toISOString()).slice(0, 10)}
                  onChange={(ev) => ev.target.value && router.replace(`${pathname}?asOf=${ev.target.value}`, { scroll: false })} />
              </Field>
            </div>
          ) : null}
        </div>
        <div className="space-y-2 rounded-lg border border-gray-200 bg-white p-4" data-testid="report-headline">
          {lead.map((c) => <p key={c.arm} className="text-sm text-gray-900">{comparisonSentence(c, labelOf.get(c.arm) ?? c.arm, labelOf.get(c.baseline) ?? c.baseline)}</p>)}
          {lead.length === 0 ? <p className="text-sm text-gray-700">One arm only: nothing to compare.</p> : null}
        </div>

        <section aria-labelledby="arms-title" className="rounded-lg border border-gray-200 bg-white p-4">
          <div className="mb-2 flex flex-wrap items-start justify-between gap-2">
            <h3 id="arms-title" className="text-sm font-semibold text-gray-900">Each arm since the start</h3>
            <CsvButton filename={`${file('arms')}.csv`} columns={armColumns} rows={report.arms} />
          </div>
          <DataTable caption="Each arm since the start" columns={armColumns} rows={report.arms} rowKey={(a) => a.key} />
        </section>

        <section aria-labelledby="comparisons-title" className="rounded-lg border border-gray-200 bg-white p-4">
          <div className="mb-2 flex flex-wrap items-start justify-between gap-2">
            <h3 id="comparisons-title" className="text-sm font-semibold text-gray-900">Each arm against the baseline</h3>
            <CsvButton filename={`${file('comparisons')}.csv`} columns={comparisonColumns} rows={report.comparisons} />
          </div>
          <DataTable caption="Each arm against the baseline" columns={comparisonColumns} rows={report.comparisons} rowKey={(c) => `${c.arm}:${c.metric}`} />
          <details className="mt-3 text-sm text-gray-700">
            <summary className="cursor-pointer font-medium text-gray-900">How these figures are computed</summary>
            <ul className="mt-2 list-disc space-y-1 pl-5">
              {METHOD_WORDS.map((w) => <li key={w}>{w}</li>)}
              <li>Score change: each account’s score at the end of the day before the as-of date minus its score at the end of the day before the start (daily history; today’s score when the report is as of now). Churn and expansion: an outcome of that type between the start and the as-of date. CSM minutes: the minutes logged on touchpoints (calls, meetings, emails, reviews, notes) in the period, per account. An account that joined later counts from when it joined.</li>
            </ul>
          </details>
        </section>

        <ChartCard id="arm-scores" question="How did each arm's mean score move since the start?" sentence={chartSentence} legend={armLegend(e.arms)} height={280}
          filename={file('scores')} columns={seriesColumns} rows={report.series} rowKey={(p) => String(p.day)}>
          <ArmScoreChart series={report.series} arms={e.arms} title="Mean score by day since the start, per arm" />
        </ChartCard>

        <PowerCalculator report={report} />
      </section>
    </div>
  );
}
