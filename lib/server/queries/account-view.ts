/** What the accounts page shows: band counts, a page of accounts, the choices of its filters. */
import type { AccountQuery, ViewFilters } from '@/lib/account-filters';
import type { BandInfo } from '@/lib/bands';
import { DAY_MS } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import type { CurrentUser } from '../session';
import { ensureLiveModel } from '../commands/model';
import { bandCounts, listAccounts, listOwners, type AccountListItem, type BandCount } from './accounts';
import { ReadCache } from './read-cache';
import { historyDayOf, isoDay } from './score-source';

export interface AccountsView {
  /** the day the view stands at (from the daily history), or null for the current scores */
  asOf: string | null;
  counts: BandCount[];
  total: number;
  data: AccountsViewRow[];
  nextCursor: string | null;
}

/** A row as the accounts page shows it: the dimension scores are the account page's, not the list's. */
export type AccountsViewRow = Omit<AccountListItem, 'dimensions'>;

export interface AccountsViewMeta {
  bands: BandInfo[];
  owners: string[];
  me: string;
  /** the last day with any recorded activity (UTC), null when nothing was recorded */
  latestActivity: string | null;
  today: string;
}

/** A CSM sees their own accounts unless they ask for every owner (`owner=*`). */
export function effectiveFilters(filters: ViewFilters, user: CurrentUser): ViewFilters {
  if (filters.owner?.includes('*')) return { ...filters, owner: undefined };
  if (!filters.owner?.length && user.role === 'csm') return { ...filters, owner: [user.email] };
  return filters;
}

export async function accountsView(db: Store, query: AccountQuery): Promise<AccountsView> {
  const [page, counts] = await Promise.all([listAccounts(db, query), bandCounts(db, query)]);
  // The counts are per band under the other filters, so the total is theirs for the chosen bands.
  const total = counts.filter((c) => !query.band?.length || query.band.includes(c.band)).reduce((sum, c) => sum + c.accounts, 0);
  const day = historyDayOf(query.asOf);
  const data = page.data.map(({ dimensions: _dimensions, ...row }) => row);
  return { asOf: day === null ? null : isoDay(day), counts, total, data, nextCursor: page.nextCursor };
}

/** The owners and the last day of activity: scans, rendered with every accounts page; kept until a commit. */
const metaCache = new ReadCache<{ owners: string[]; latestActivity: string | null }>(30_000, 1);

export async function accountsViewMeta(db: Store, user: CurrentUser): Promise<AccountsViewMeta> {
  const [live, { owners, latestActivity }] = await Promise.all([
    ensureLiveModel(db),
    metaCache.get(db, 'meta', async () => {
      const [lastAt, owners] = await Promise.all([db.value<number | null>('SELECT max(last_at) FROM account_activity').then((v) => v ?? null), listOwners(db)]);
      return { owners, latestActivity: lastAt === null ? null : isoDay(Math.floor(lastAt / DAY_MS)) };
    }),
  ]);
  const model = live.model;
  return {
    bands: model.bands.map((b) => ({ key: b.key, label: b.label, min: b.min, action: b.action })),
    owners,
    me: user.email,
    latestActivity,
    today: new Date().toISOString().slice(0, 10),
  };
}
