'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { usePathname, useSearchParams } from 'next/navigation';
import { AccountFilters } from '@/components/accounts/account-filters';
import { AccountsTable } from '@/components/accounts/accounts-table';
import { AsOfBanner, AsOfPicker, formatDay, StaleDataNotice } from '@/components/accounts/as-of';
import { BandCards } from '@/components/accounts/band-cards';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadMoreButton } from '@/components/ui/load-more-button';
import { PageHeader } from '@/components/ui/page-header';
import { parseViewFilters, viewFiltersToSearch, type ViewFilters } from '@/lib/account-filters';
import { NO_DATA, type BandInfo } from '@/lib/bands';
import { formatCount } from '@/lib/format';
import { accountsQueryOptions } from '@/lib/queries/accounts';
import type { Role } from '@/lib/roles';

export interface AccountsMeta {
  bands: BandInfo[];
  owners: string[];
  me: string;
  latestActivity: string | null;
  today: string;
}

function emptyMessage(filters: ViewFilters, bands: BandInfo[]): string {
  if (filters.band?.length === 1) {
    const band = filters.band[0] === NO_DATA.key ? NO_DATA : bands.find((b) => b.key === filters.band![0]);
    if (band && bands.length && band.key === bands[bands.length - 1].key) return `No ${band.label.toLowerCase()} accounts. Nice.`;
    if (band) return `No accounts in “${band.label}” with these filters.`;
  }
  if (filters.overdue) return 'No accounts with overdue touchpoints under these filters. Nice.';
  return 'No accounts match these filters.';
}

export function AccountsClient({ meta, role }: { meta: AccountsMeta; role: Role }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = parseViewFilters(Object.fromEntries(params));
  const search = viewFiltersToSearch(filters).toString();
  const query = useInfiniteQuery(accountsQueryOptions(search, !!filters.asOf));
  const exportHref = `/api/app/accounts/export?${search}`;

  // Filters change in the browser only (the list is fetched by the client), through the native
  // history API, which Next.js keeps in step with useSearchParams. Each change builds on the URL as
  // it is now, so quick successive changes all stick; the back button steps through them.
  const setFilters = (patch: Partial<ViewFilters>) => {
    const current = parseViewFilters(Object.fromEntries(new URLSearchParams(window.location.search)));
    const qs = viewFiltersToSearch({ ...current, ...patch }).toString();
    const url = qs ? `${pathname}?${qs}` : pathname;
    if ('q' in patch && Object.keys(patch).length === 1) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  };
  const toggleBand = (band: string) => {
    const current = filters.band ?? [];
    setFilters({ band: current.includes(band) ? current.filter((b) => b !== band) : [band] });
  };

  const first = query.data?.pages[0];
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const selectedBand = filters.band?.length === 1 ? [...meta.bands, NO_DATA].find((b) => b.key === filters.band![0]) : undefined;
  const showingMine = role === 'csm' && !filters.owner?.length;
  const asOf = filters.asOf;
  const whose = showingMine ? 'Your accounts' : 'Every account';
  const latestHref = meta.latestActivity ? `${pathname}?${viewFiltersToSearch({ ...filters, asOf: meta.latestActivity }).toString()}` : pathname;

  return (
    <div className="space-y-5">
      <PageHeader
        title="Accounts"
        description={asOf ? `${whose} by health band as of ${formatDay(asOf)}. Start with the red ones.` : `${whose} by health band. Start with the red ones.`}
        actions={
          <>
          <AsOfPicker asOf={asOf} today={meta.today} onChange={(v) => setFilters({ asOf: v })} />
          <a href={exportHref} className="rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 hover:bg-gray-50" download>
            Export CSV
          </a>
          </>
        }
      />
      {asOf ? <AsOfBanner asOf={asOf} onToday={() => setFilters({ asOf: undefined })} /> : (
        <StaleDataNotice latestActivity={meta.latestActivity} today={meta.today} href={latestHref} />
      )}
      <BandCards bands={meta.bands} counts={first?.counts} selected={filters.band ?? []} onToggle={toggleBand} />
      {selectedBand ? (
        <p className="rounded-md border border-gray-200 bg-white px-4 py-2 text-sm text-gray-800" data-testid="band-action">
          <span className="font-semibold">{selectedBand.label}:</span> {selectedBand.action}
        </p>
      ) : null}
      <AccountFilters filters={filters} owners={meta.owners} me={meta.me} role={role} historyOnly={!!asOf} onChange={setFilters} />
      {query.isError ? (
        <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          {(query.error as Error).message}{' '}
          <button type="button" className="font-medium underline" onClick={() => query.refetch()}>Try again</button>
        </div>
      ) : null}
      {query.isPending ? (
        <div className="space-y-2" aria-busy="true" aria-label="Loading accounts">
          {Array.from({ length: 8 }, (_, i) => <div key={i} className="h-9 animate-pulse rounded bg-gray-200" />)}
        </div>
      ) : rows.length === 0 ? (
        <EmptyState title={emptyMessage(filters, meta.bands)}>
          <p>Clear a filter or pick another band to see more accounts.</p>
        </EmptyState>
      ) : (
        <>
          <p className="text-sm text-gray-600" aria-live="polite">
            Showing <span className="tabular">{formatCount(rows.length)}</span> of <span className="tabular">{formatCount(first?.total ?? 0)}</span> accounts
          </p>
          <AccountsTable rows={rows} bands={meta.bands} sort={filters.sort ?? 'score'} asOf={asOf} onSort={(sort) => setFilters({ sort })} />
          {query.hasNextPage ? (
            <div className="flex justify-center">
              <LoadMoreButton loading={query.isFetchingNextPage} onLoad={() => query.fetchNextPage()}>Load more accounts</LoadMoreButton>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
