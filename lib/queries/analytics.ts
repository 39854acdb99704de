/** Query keys and fetchers of the Trends and Cohorts pages, shared by the server prefetch and the client. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { CohortPageData, CompanionAnswer } from '@/lib/server/queries/cohorts';
import type { MetricCohortAnswer } from '@/lib/server/queries/metric-cohorts';
import type { RiskOverview } from '@/lib/server/queries/risk';
import type { TrendsPageAnswer } from '@/lib/server/queries/trends';

export const cohortsKey = (search: string) => ['cohorts', search] as const;
export const trendsKey = (search: string) => ['trends', search] as const;

async function getJson<T>(url: string, what: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `Loading ${what} failed (${res.status})`);
  }
  return res.json() as Promise<T>;
}

export function cohortsQueryOptions(search: string) {
  return queryOptions({
    queryKey: cohortsKey(search),
    queryFn: () => getJson<CohortPageData>(`/api/app/cohorts?${search}`, 'the cohorts'),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function companionsQueryOptions(search: string) {
  return queryOptions({
    queryKey: ['cohort-companions', search] as const,
    queryFn: () => getJson<CompanionAnswer>(`/api/app/cohorts/companions?${search}`, 'the companion metrics'),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function trendsQueryOptions(search: string) {
  return queryOptions({
    queryKey: trendsKey(search),
    queryFn: () => getJson<TrendsPageAnswer>(`/api/app/trends?${search}`, 'the trends'),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export const riskKey = ['cohort-risk'] as const;

export function riskQueryOptions() {
  return queryOptions({
    queryKey: riskKey,
    queryFn: () => getJson<RiskOverview>('/api/app/cohorts/risk', 'the churn risk'),
    staleTime: 60_000,
  });
}

export function metricCohortQueryOptions(search: string) {
  return queryOptions({
    queryKey: ['cohort-metric', search] as const,
    queryFn: () => getJson<MetricCohortAnswer>(`/api/app/cohorts/metric?${search}`, 'the metric cohorts'),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
