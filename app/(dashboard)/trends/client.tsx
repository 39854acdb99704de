'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Select, selectClass } from '@/components/accounts/account-filters';
import { ChartCard } from '@/components/analytics/chart-card';
import { CsvButton, DataTable, type TableColumn } from '@/components/analytics/data-table';
import { bandLegend, BandShareChart, MeanScoreChart } from '@/components/analytics/trend-charts';
import { COMPLIANCE_COLOR, ComplianceChart, complianceHeight } from '@/components/analytics/compliance-chart';
import { complianceSentence, type ComplianceGroup } from '@/lib/analytics/compliance';
import { BandBadge } from '@/components/ui/band-badge';
import { ErrorAlert } from '@/components/ui/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { parseLenient, toSearch, trendQuerySchema, type TrendQuery } from '@/lib/analytics/params';
import { bandShareSentence, meanTrendSentence, migrationSentence, type MigrationRow, type TrendPoint } from '@/lib/analytics/trends';
import { NO_DATA } from '@/lib/bands';
import { formatCount, formatMoney, formatPercent, formatScore } from '@/lib/format';
import { trendsQueryOptions } from '@/lib/queries/analytics';

const TIERS = ['strategic', 'growth', 'core', 'nurture'];
const STAGES = ['onboarding', 'adoption', 'renewal', 'expansion'];
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const one = (v: string) => (v ? [v] : undefined);

export function TrendsClient() {
  const router = useRouter();
  const pathname = usePathname();
  const query = parseLenient(trendQuerySchema, Object.fromEntries(useSearchParams()));
  const { data, error, isFetching, refetch } = useQuery(trendsQueryOptions(toSearch(query)));
  const set = (next: TrendQuery) => {
    const qs = toSearch(next);
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  const header = <PageHeader title="Trends" description="Where is the portfolio heading? Engagement of the accounts that were customers on each day, from the daily score history." />;
  const errorBox = error ? <ErrorAlert message={(error as Error).message} onRetry={() => refetch()} /> : null;
  if (!data) {
    return (
      <div className="space-y-5">
        {header}
        {errorBox ?? <div className="h-64 animate-pulse rounded-lg bg-gray-200" aria-busy="true" aria-label="Loading the trends" />}
      </div>
    );
  }

  const { bands, points, migration, compliance } = data;
  const file = (what: string) => `trellis-${what}-${data.from}-${data.to}`;
  const every = data.step === 1 ? 'each day' : `every ${data.step} days`;
  const pointColumns: TableColumn<TrendPoint>[] = [
    { key: 'date', label: 'Date' },
    { key: 'accounts', label: 'Active accounts', numeric: true },
    { key: 'mean', label: 'Mean score', numeric: true, render: (p) => formatScore(p.mean) },
  ];
  const bandColumns: TableColumn<TrendPoint>[] = [
    { key: 'date', label: 'Date' },
    ...[...bands, NO_DATA].map((b) => ({ key: b.key, label: b.label, numeric: true, csv: (p: TrendPoint) => p.bands[b.key] ?? 0 })),
    { key: 'accounts', label: 'Active accounts', numeric: true },
  ];
  const migrationDisplay: TableColumn<MigrationRow>[] = [
    { key: 'from', label: `On ${data.from} \u2193 / on ${data.to} \u2192`, render: (r) => <BandBadge band={r.from} label={r.label} rank={bandRank(bands, r.from)} />, csv: (r) => r.label },
    ...migration.columns.map((c, i) => ({
      key: c.key,
      label: c.label,
      numeric: true,
      render: (r: MigrationRow) => (
        <span className={r.cells[i]!.accounts ? (c.key === r.from ? 'font-semibold' : '') : 'text-gray-500'}>
          {formatCount(r.cells[i]!.accounts)}
          {r.cells[i]!.accounts ? <span className="block text-xs font-normal text-gray-600">{formatMoney(r.cells[i]!.arr)}</span> : null}
        </span>
      ),
    })),
    { key: 'total', label: 'Total', numeric: true, render: (r) => <>{formatCount(r.accounts)}<span className="block text-xs text-gray-600">{formatMoney(r.arr)}</span></> },
  ];
  const migrationCsv = [
    { key: 'from', label: `band on ${data.from}`, csv: (r: MigrationRow) => r.label },
    ...migration.columns.flatMap((c, i) => [
      { key: `${c.key}-n`, label: `${c.label} on ${data.to}: accounts`, csv: (r: MigrationRow) => r.cells[i]!.accounts },
      { key: `${c.key}-arr`, label: `${c.label} on ${data.to}: ARR`, csv: (r: MigrationRow) => r.cells[i]!.arr },
    ]),
  ];

  return (
    <div className="space-y-5">
      {header}
      <form className="flex flex-wrap items-end gap-3 rounded-lg border border-gray-200 bg-white p-3" onSubmit={(e) => e.preventDefault()} aria-label="Trend filters">
        <div className="min-w-40">
          <label htmlFor="trend-from" className="block text-xs font-medium text-gray-700">From</label>
          <input id="trend-from" type="date" className={selectClass} value={data.from} min={data.firstDate ?? undefined} max={data.to}
            onChange={(e) => e.target.value && set({ ...query, from: e.target.value })} />
        </div>
        <div className="min-w-40">
          <label htmlFor="trend-to" className="block text-xs font-medium text-gray-700">To</label>
          <input id="trend-to" type="date" className={selectClass} value={data.to} min={data.from} max={data.lastDate ?? undefined}
            onChange={(e) => e.target.value && set({ ...query, to: e.target.value })} />
        </div>
        <Select id="trend-tier" label="Tier" value={query.tier?.[0] ?? ''} onChange={(v) => set({ ...query, tier: one(v) })}>
          <option value="">All tiers</option>
          {TIERS.map((t) => <option key={t} value={t}>{capital(t)}</option>)}
        </Select>
        <Select id="trend-owner" label="Owner" value={query.owner?.[0] ?? ''} onChange={(v) => set({ ...query, owner: one(v) })}>
          <option value="">All owners</option>
          {data.owners.map((o) => <option key={o} value={o}>{o}</option>)}
        </Select>
        <Select id="trend-stage" label="Lifecycle stage (today)" value={query.stage?.[0] ?? ''} onChange={(v) => set({ ...query, stage: one(v) })}>
          <option value="">All stages</option>
          {STAGES.map((s) => <option key={s} value={s}>{capital(s)}</option>)}
        </Select>
        <p className="pb-1.5 text-xs text-gray-600" aria-live="polite">{isFetching ? 'Updating…' : `One point ${every}`}</p>
      </form>
      {errorBox}

      <ChartCard id="mean-score" question="Is the portfolio’s engagement rising or falling?" sentence={meanTrendSentence(points)}
        legend={[{ label: 'Mean score of active accounts', color: '#1d4ed8' }, { label: 'Model version published', color: '#374151', dashed: true }]}
        filename={file('mean-score')} columns={pointColumns} rows={points} rowKey={(p) => p.date}>
        <MeanScoreChart points={points} bands={bands} versions={data.versions} title="Mean score over time" />
      </ChartCard>

      <ChartCard id="band-share" question="How is the portfolio spread across the bands over time?" sentence={bandShareSentence(points, bands)}
        legend={bandLegend(bands)} filename={file('band-distribution')} columns={bandColumns} rows={points} rowKey={(p) => p.date}>
        <BandShareChart points={points} bands={bands} versions={data.versions} title="Band distribution over time" />
      </ChartCard>

      <div className="grid gap-5 xl:grid-cols-2">
        {(['owner', 'tier'] as const).map((by) => {
          const groups = by === 'owner' ? compliance.byOwner : compliance.byTier;
          return (
            <ChartCard key={by} id={`compliance-${by}`} question={by === 'owner' ? 'Which CSMs keep their accounts on cadence today?' : 'Which tiers are kept on cadence today?'}
              sentence={complianceSentence(compliance, groups, by === 'owner' ? 'CSM' : 'tier')}
              legend={[{ label: 'Share of accounts with no touchpoint overdue', color: COMPLIANCE_COLOR }]}
              height={complianceHeight(groups.length)} filename={`trellis-cadence-compliance-by-${by}`}
              columns={by === 'owner' ? complianceColumns('CSM') : complianceColumns('Tier')} rows={groups} rowKey={(g) => g.key ?? '(none)'}>
              <ComplianceChart groups={groups} title={by === 'owner' ? 'Cadence compliance by CSM' : 'Cadence compliance by tier'} />
            </ChartCard>
          );
        })}
      </div>

      <section aria-labelledby="migration-title" className="rounded-lg border border-gray-200 bg-white p-4">
        <div className="mb-2 flex flex-wrap items-start justify-between gap-2">
          <h2 id="migration-title" className="text-sm font-semibold text-gray-900">Where did the accounts of {data.from} end up on {data.to}?</h2>
          <CsvButton filename={`${file('band-migration')}.csv`} columns={migrationCsv} rows={migration.rows} />
        </div>
        <DataTable caption={`Band migration from ${data.from} to ${data.to}: accounts and ARR`} columns={migrationDisplay} rows={migration.rows} rowKey={(r) => r.from} />
        <p className="mt-2 text-sm text-gray-700" data-testid="migration-sentence">{migrationSentence(migration, data.from, data.to)}</p>
        <p className="mt-1 text-xs text-gray-600">Rows: band on {data.from}; columns: band on {data.to}. ARR is today’s (or at churn). Accounts that started after {data.from} are not in the matrix.</p>
      </section>
    </div>
  );
}

function complianceColumns(first: string): TableColumn<ComplianceGroup>[] {
  return [
    { key: 'label', label: first },
    { key: 'accounts', label: 'Accounts with a cadence', numeric: true },
    { key: 'onCadence', label: 'On cadence', numeric: true },
    { key: 'share', label: 'Share on cadence', numeric: true, render: (g) => formatPercent(g.share), csv: (g) => g.share.toFixed(3) },
  ];
}

function bandRank(bands: { key: string }[], key: string): number | undefined {
  const i = bands.findIndex((b) => b.key === key);
  return i < 0 ? undefined : i;
}
