'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { ChartCard } from '@/components/analytics/chart-card';
import { curveGroups, curveLegend, RetentionCurves, TIER_AUC_LEGEND, TierAucChart } from '@/components/analytics/cohort-charts';
import { CompanionTable, GroupTable, MetricCards, TIER_COLUMNS } from '@/components/analytics/cohort-sections';
import { MetricSection, RiskSection } from '@/components/analytics/risk-sections';
import type { TableColumn } from '@/components/analytics/data-table';
import { Select, selectClass } from '@/components/accounts/account-filters';
import { ErrorAlert } from '@/components/ui/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { GROUP_BYS, type CohortGroup, type GroupBy } from '@/lib/analytics/cohort';
import { cohortQuerySchema, GROUP_BY_LABELS, parseLenient, toSearch, type CohortQuery } from '@/lib/analytics/params';
import { curveSentence, tierSentence } from '@/lib/analytics/sentences';
import type { BandInfo } from '@/lib/bands';
import { formatCount, formatPercent } from '@/lib/format';
import { cohortsQueryOptions } from '@/lib/queries/analytics';

const HORIZONS = [30, 60, 90, 180, 270, 365, 730];
const GROUP_NAMES: Record<GroupBy, string> = { quartile: 'quartile', band: 'band', tier: 'tier', startMonth: 'start month' };

export function CohortsClient({ bands, admin }: { bands: BandInfo[]; admin: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const query = parseLenient(cohortQuerySchema, Object.fromEntries(useSearchParams()));
  const search = toSearch(query);
  const { data, error, isFetching, refetch } = useQuery(cohortsQueryOptions(search));
  const set = (next: CohortQuery) => {
    const qs = toSearch(next);
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  const params = data?.params;
  const horizons = params && !HORIZONS.includes(params.horizonDays) ? [...HORIZONS, params.horizonDays].sort((a, b) => a - b) : HORIZONS;
  const header = (
    <PageHeader
      title="Cohorts"
      description="Does the score predict churn? The accounts that were customers on the as-of date, grouped by their score then, and what happened to them over the horizon."
    />
  );
  if (!data || !params) {
    return (
      <div className="space-y-5">
        {header}
        {error ? <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} /> : <div role="status" className="h-64 animate-pulse rounded-lg bg-gray-200" aria-busy="true" aria-label="Loading the cohorts" />}
      </div>
    );
  }
  const { cohorts, defaults } = data;
  const groupLabel = GROUP_BY_LABELS[params.groupBy];
  const drawn = curveGroups(cohorts.groups);
  const legend = curveLegend(drawn, params.groupBy, bands);
  const file = (what: string) => `trellis-${what}-${params.asOf}-${params.horizonDays}d`;
  const curveMonths = Math.max(0, ...cohorts.groups.map((g) => g.curve.length));
  const curveColumns: TableColumn<CohortGroup>[] = [
    { key: 'label', label: groupLabel },
    ...Array.from({ length: curveMonths }, (_, m) => ({ key: `m${m}`, label: `Month ${m}`, numeric: true, csv: (g: CohortGroup) => g.curve[m]?.retained ?? null, render: (g: CohortGroup) => formatPercent(g.curve[m]?.retained) })),
  ];
  const pop = cohorts.population;

  return (
    <div className="space-y-5">
      {header}
      <form className="flex flex-wrap items-end gap-3 rounded-lg border border-gray-200 bg-white p-3" onSubmit={(e) => e.preventDefault()} aria-label="Cohort settings">
        <div className="min-w-40">
          <label htmlFor="cohort-as-of" className="block text-xs font-medium text-gray-700">As-of date</label>
          <input id="cohort-as-of" type="date" className={selectClass} value={params.asOf} min={defaults.firstDate ?? undefined} max={defaults.lastDate ?? undefined}
            onChange={(e) => e.target.value && set({ ...query, asOf: e.target.value })} />
        </div>
        <Select id="cohort-horizon" label="Horizon" value={String(params.horizonDays)} onChange={(v) => set({ ...query, horizonDays: Number(v) })}>
          {horizons.map((h) => <option key={h} value={h}>{h} days</option>)}
        </Select>
        <Select id="cohort-group-by" label="Group by" value={params.groupBy} onChange={(v) => set({ ...query, groupBy: v as GroupBy })}>
          {GROUP_BYS.map((g) => <option key={g} value={g}>{GROUP_BY_LABELS[g]}</option>)}
        </Select>
        <p className="pb-1.5 text-xs text-gray-600" aria-live="polite">{isFetching ? 'Updating…' : `History from ${defaults.firstDate ?? '—'} to ${defaults.lastDate ?? '—'}`}</p>
      </form>
      {error ? <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} /> : null}

      <p className="text-sm text-gray-800" data-testid="cohort-population">
        On <strong>{cohorts.asOf}</strong>, <span className="tabular">{formatCount(pop.active)}</span> accounts were customers
        ({formatCount(pop.notStarted)} had not started, {formatCount(pop.churnedBefore)} had churned before); {formatCount(pop.scored)} had a score.{' '}
        <span className="tabular">{formatCount(pop.churned)}</span> churned by {cohorts.horizonEnd} ({params.horizonDays} days).
      </p>
      {!cohorts.complete ? (
        <p role="status" className="rounded-md border border-band-yellow-solid bg-band-yellow px-4 py-2 text-sm text-band-yellow-fg">
          The horizon ends on {cohorts.horizonEnd}, after today: churn after today is not known yet, so retention is overstated. Pick an earlier as-of date or a shorter horizon.
        </p>
      ) : null}

      <MetricCards cohorts={cohorts} />

      <ChartCard id="tier-auc" question="Does the score predict churn within each tier?" sentence={tierSentence(cohorts.byTier)} height={200} legend={TIER_AUC_LEGEND}
        filename={file('auc-by-tier')} columns={TIER_COLUMNS} rows={cohorts.byTier} rowKey={(g) => g.key}>
        <TierAucChart byTier={cohorts.byTier} title="Does the score predict churn within each tier?" />
      </ChartCard>

      <ChartCard id="retention-curves" question={`How many accounts stayed, month by month, by ${GROUP_NAMES[params.groupBy]}?`}
        sentence={curveSentence(drawn, cohorts.groups.filter((g) => g.accounts > 0).length, params.horizonDays, GROUP_NAMES[params.groupBy])} legend={legend} height={300}
        filename={file(`retention-by-${params.groupBy}`)} columns={curveColumns} rows={cohorts.groups.filter((g) => g.accounts > 0)} rowKey={(g) => g.key}>
        <RetentionCurves groups={drawn} legend={legend} title={`Retention by ${GROUP_NAMES[params.groupBy]}`} />
      </ChartCard>

      <GroupTable groups={cohorts.groups} groupLabel={groupLabel} filename={file(`groups-by-${params.groupBy}`)} />
      <CompanionTable asOf={params.asOf} horizonDays={params.horizonDays} bands={bands} filename={file('companion-metrics')} />

      <h2 className="pt-2 text-base font-semibold text-gray-900">Churn risk</h2>
      <RiskSection admin={admin} />

      <h2 className="pt-2 text-base font-semibold text-gray-900">Metric cohorts</h2>
      <MetricSection asOf={params.asOf} horizonDays={params.horizonDays} filePrefix={`trellis-${params.asOf}-${params.horizonDays}d`} />

      <details className="rounded-lg border border-gray-200 bg-white p-4 text-sm text-gray-700">
        <summary className="cursor-pointer font-medium text-gray-900">How these figures are computed</summary>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>The cohort: accounts started before the as-of date and not churned on it. Their score is the one as of the start of that day (the daily history point of the day before).</li>
          <li>Churned, renewed, expanded: an outcome of that type after the as-of date and up to the end of the horizon.</li>
          <li>AUC: the chance that an account that stayed scored higher than one that churned (ties count half); 0.5 is a coin toss. Significant when its 95% interval leaves out 0.5.</li>
          <li>Lift: churn rate of the bottom score quartile over the top one. Quartiles never split tied scores. Correlation: point-biserial, score against stayed (1) or churned (0).</li>
          <li>Retention curves: share of the group not yet churned every 30 days after the as-of date; the last point is the end of the horizon.</li>
          <li>Churn risk: a logistic regression of churn within its horizon on the live model’s dimension scores and the score change, fitted on earlier dates of the daily history and judged on the latest dates, whose outcomes it never saw. The calibration chart groups those held-out accounts into deciles of predicted risk.</li>
          <li>Metric cohorts: the accounts active on the as-of date split into deciles of one signal then (tied values kept together), with the churn rate of each and the AUC of the value alone.</li>
        </ul>
      </details>
    </div>
  );
}
