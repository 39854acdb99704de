'use client';

import { useQuery } from '@tanstack/react-query';
import type { AucVerdict, CohortGroup } from '@/lib/analytics/cohort';
import { companionSentence, type CompanionRow } from '@/lib/analytics/companion';
import { aucSentence, correlationSentence, liftSentence } from '@/lib/analytics/sentences';
import { formatPercent, formatScore } from '@/lib/format';
import { toSearch } from '@/lib/analytics/params';
import { companionsQueryOptions } from '@/lib/queries/analytics';
import type { CohortAnswer } from '@/lib/server/queries/cohorts';
import { BandBadge } from '@/components/ui/band-badge';
import { ErrorAlert } from '@/components/ui/error-alert';
import type { BandInfo } from '@/lib/bands';
import { CsvButton, DataTable, type TableColumn } from './data-table';

function Significance({ significant }: { significant: boolean }) {
  return significant ? (
    <span className="rounded bg-gray-100 px-1.5 py-0.5 text-xs font-medium text-gray-800">Significant</span>
  ) : (
    <span className="rounded border border-dashed border-gray-400 px-1.5 py-0.5 text-xs font-medium text-gray-700">Not significant</span>
  );
}

function Metric({ id, label, value, significant, sentence }: { id: string; label: string; value: string; significant: boolean; sentence: string }) {
  return (
    <section aria-labelledby={`${id}-label`} className="rounded-lg border border-gray-200 bg-white p-4" data-testid={id}>
      <div className="flex items-center justify-between gap-2">
        <h2 id={`${id}-label`} className="text-sm font-semibold text-gray-900">{label}</h2>
        {value === '—' ? null : <Significance significant={significant} />}
      </div>
      <p className="mt-1 text-3xl font-semibold tabular text-gray-900" data-testid={`${id}-value`}>{value}</p>
      <p className="mt-2 text-sm text-gray-700" data-testid={`${id}-sentence`}>{sentence}</p>
    </section>
  );
}

export function MetricCards({ cohorts }: { cohorts: CohortAnswer }) {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <Metric id="metric-auc" label="AUC: does a higher score mean staying?" value={cohorts.auc?.toFixed(2) ?? '—'} significant={cohorts.significance.auc} sentence={aucSentence(cohorts)} />
      <Metric id="metric-lift" label="Lift: bottom vs top quartile" value={cohorts.lift === null ? '—' : `${cohorts.lift.toFixed(1)}x`} significant={cohorts.significance.lift} sentence={liftSentence(cohorts)} />
      <Metric id="metric-correlation" label="Correlation of score and retention" value={cohorts.correlation?.toFixed(2) ?? '—'} significant={cohorts.significance.correlation} sentence={correlationSentence(cohorts)} />
    </div>
  );
}

const VERDICTS: Record<AucVerdict, string> = {
  predicts: 'Predicts churn',
  chance: 'No better than chance',
  backwards: 'Wrong way round',
  too_few: 'Too few to tell',
};

const interval = (g: CohortGroup) => (g.aucInterval ? `${g.aucInterval[0].toFixed(2)}–${g.aucInterval[1].toFixed(2)}` : '—');

export const TIER_COLUMNS: TableColumn<CohortGroup>[] = [
  { key: 'label', label: 'Tier' },
  { key: 'accounts', label: 'Accounts', numeric: true },
  { key: 'churned', label: 'Churned', numeric: true },
  { key: 'auc', label: 'AUC', numeric: true, render: (g) => g.auc?.toFixed(2) ?? '—' },
  { key: 'aucInterval', label: '95% interval', numeric: true, csv: interval },
  { key: 'verdict', label: 'Reading', csv: (g) => VERDICTS[g.aucVerdict] },
];

export function groupColumns(groupLabel: string): TableColumn<CohortGroup>[] {
  const pct = (key: 'retention' | 'renewal' | 'expansion') => ({ render: (g: CohortGroup) => formatPercent(g[key]), csv: (g: CohortGroup) => g[key] });
  return [
    { key: 'label', label: groupLabel },
    { key: 'accounts', label: 'Accounts', numeric: true },
    { key: 'churned', label: 'Churned', numeric: true },
    { key: 'retention', label: 'Retention', numeric: true, ...pct('retention') },
    { key: 'renewal', label: 'Renewal rate', numeric: true, ...pct('renewal') },
    { key: 'expansion', label: 'Expansion rate', numeric: true, ...pct('expansion') },
    { key: 'meanScore', label: 'Mean score', numeric: true, render: (g) => formatScore(g.meanScore) },
    { key: 'auc', label: 'AUC in group', numeric: true, render: (g) => g.auc?.toFixed(2) ?? '—' },
    {
      key: 'significant',
      label: 'Significance',
      render: (g) => (g.significant ? 'Significant' : <span className="text-gray-700">Not significant (n &lt; 30)</span>),
      csv: (g) => (g.significant ? 'significant' : 'not significant (n < 30)'),
    },
  ];
}

export function GroupTable({ groups, groupLabel, filename }: { groups: CohortGroup[]; groupLabel: string; filename: string }) {
  const columns = groupColumns(groupLabel);
  return (
    <section aria-labelledby="groups-title" className="rounded-lg border border-gray-200 bg-white p-4">
      <div className="mb-2 flex flex-wrap items-start justify-between gap-2">
        <h2 id="groups-title" className="text-sm font-semibold text-gray-900">Churn, renewal and expansion by {groupLabel.toLowerCase()}</h2>
        <CsvButton filename={`${filename}.csv`} columns={columns} rows={groups} />
      </div>
      <DataTable caption={`Churn, renewal and expansion by ${groupLabel.toLowerCase()}`} columns={columns} rows={groups} rowKey={(g) => g.key} />
      <p className="mt-2 text-xs text-gray-600">
        Retention: share not churned by the end of the horizon. Renewal rate: of the accounts with a renewal decision in the horizon (renewed or churned), the share that renewed and stayed.
        Expansion rate: share with an expansion in the horizon. Groups under 30 accounts are shown but marked not significant.
      </p>
    </section>
  );
}

/** Companion metrics by band for the cohort's as-of date and horizon, loaded on their own (they are slower). */
export function CompanionTable({ asOf, horizonDays, bands, filename }: { asOf: string; horizonDays: number; bands: BandInfo[]; filename: string }) {
  const { data: companions, error, refetch } = useQuery(companionsQueryOptions(toSearch({ asOf, horizonDays })));
  const title = 'Do other health signals line up with the bands?';
  if (!companions) {
    return (
      <section aria-labelledby="companion-title" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="companion-title" className="mb-2 text-sm font-semibold text-gray-900">{title}</h2>
        {error ? (
          <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} />
        ) : (
          <div role="status" className="h-40 animate-pulse rounded bg-gray-200" aria-busy="true" aria-label="Loading the companion metrics" />
        )}
      </section>
    );
  }
  const measured = companions.referralTriggers.length > 0;
  const columns: TableColumn<CompanionRow>[] = [
    {
      key: 'label',
      label: 'Band as of the date',
      render: (r) => {
        const rank = bands.findIndex((b) => b.key === r.key);
        return <BandBadge band={r.key} label={r.label} rank={rank < 0 ? undefined : rank} />;
      },
      csv: (r) => r.label,
    },
    { key: 'accounts', label: 'Accounts', numeric: true },
    { key: 'renewal', label: 'Renewal rate', numeric: true, render: (r) => formatPercent(r.renewal) },
    { key: 'expansion', label: 'Expansion rate', numeric: true, render: (r) => formatPercent(r.expansion) },
    { key: 'responseHours', label: 'Mean reply time (h)', numeric: true, render: (r) => (r.responseHours === null ? '—' : `${r.responseHours.toFixed(1)} h`) },
    { key: 'replies', label: 'Replies', numeric: true },
    { key: 'nps', label: 'NPS', numeric: true, render: (r) => (r.nps === null ? '—' : r.nps.toFixed(0)) },
    { key: 'npsResponses', label: 'NPS answers', numeric: true },
    ...(measured ? [{ key: 'referralsPerAccountYear', label: 'Referrals per account-year', numeric: true, render: (r: CompanionRow) => r.referralsPerAccountYear?.toFixed(2) ?? '—' }] : []),
  ];
  return (
    <section aria-labelledby="companion-title" className="rounded-lg border border-gray-200 bg-white p-4">
      <div className="mb-2 flex flex-wrap items-start justify-between gap-2">
        <h2 id="companion-title" className="text-sm font-semibold text-gray-900">{title}</h2>
        <CsvButton filename={`${filename}.csv`} columns={columns} rows={companions.rows} />
      </div>
      <DataTable caption="Companion metrics by band" columns={columns} rows={companions.rows} rowKey={(r) => r.key} />
      <p className="mt-2 text-sm text-gray-700" data-testid="companion-sentence">{companionSentence(companions.rows, horizonDays)}</p>
      <p className="mt-1 text-xs text-gray-600">
        Measured over the horizon: mean reply time is the mean <code>responseHours</code> of <code>outreach.replied</code> events; NPS is % promoters (9–10) minus % detractors (0–6) over every <code>nps.response</code> answer.
      </p>
      <p className="mt-1 text-sm text-gray-800" data-testid="referral-note">
        {measured
          ? `Referrals are counted from the ${companions.referralTriggers.join(', ')} trigger${companions.referralTriggers.length > 1 ? 's' : ''}.`
          : 'Referral frequency is not shown: the trigger catalogue has no referral trigger, so no referrals are recorded (the demo data has none). An admin can add one under Triggers and send those events.'}
      </p>
    </section>
  );
}
