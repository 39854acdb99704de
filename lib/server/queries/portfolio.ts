import type { SqlParam, Store } from '@/lib/server/store';

export interface PortfolioSize {
  accounts: number;
  arr: number;
  contacts: number;
  events: number;
}

const CACHE_MS = 10_000;
const caches = new WeakMap<Store, Map<string, { at: number; size: PortfolioSize }>>();

/**
 * The size of the portfolio a user sees (current customers): all for managers and admins, own
 * accounts for CSMs. Shown in the header of every page, so it is kept for a few seconds.
 */
export async function portfolioSize(db: Store, ownerEmail?: string, now = Date.now()): Promise<PortfolioSize> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const key = ownerEmail ?? '*';
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.size;
  const size = await computePortfolioSize(db, ownerEmail);
  cache.set(key, { at: now, size });
  return size;
}

/** The three figures in one query. */
async function computePortfolioSize(db: Store, ownerEmail?: string): Promise<PortfolioSize> {
  const filter = `a.churned_at IS NULL${ownerEmail ? ' AND a.owner_email = ?' : ''}`;
  // The owner is every parameter there is.
  const params: SqlParam[] = ownerEmail ? [ownerEmail, ownerEmail, ownerEmail] : [];
  const row = await db.get<PortfolioSize>(
    `SELECT acc.accounts, acc.arr,
       (SELECT count(*) FROM contacts c JOIN accounts a ON a.pk = c.account_pk WHERE ${filter}) AS contacts,
       (SELECT coalesce(sum(act.events), 0) FROM account_activity act JOIN accounts a ON a.pk = act.account_pk WHERE ${filter}) AS events
     FROM (SELECT count(*) AS accounts, coalesce(sum(a.arr), 0) AS arr FROM accounts a WHERE ${filter}) acc`,
    params,
  );
  return { accounts: row?.accounts ?? 0, arr: row?.arr ?? 0, contacts: row?.contacts ?? 0, events: row?.events ?? 0 };
}
