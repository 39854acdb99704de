import type { DbLike } from '@/db/open';
import { accountActivity, accounts, contacts } from '@/db/schema';
import { and, eq, isNull, sql } from 'drizzle-orm';

export interface PortfolioSize {
  accounts: number;
  arr: number;
  contacts: number;
  events: number;
}

const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; size: PortfolioSize }>();

/**
 * The size of the portfolio a user sees (current customers): all for managers and admins, own
 * accounts for CSMs. Shown in the header of every page, so it is kept for a few seconds.
 */
export function portfolioSize(db: DbLike, ownerEmail?: string, now = Date.now()): PortfolioSize {
  const key = ownerEmail ?? '*';
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.size;
  const size = computePortfolioSize(db, ownerEmail);
  cache.set(key, { at: now, size });
  return size;
}

function computePortfolioSize(db: DbLike, ownerEmail?: string): PortfolioSize {
  const ownerFilter = and(isNull(accounts.churnedAt), ownerEmail ? eq(accounts.ownerEmail, ownerEmail) : undefined);
  const acc = db.select({ n: sql<number>`count(*)`, arr: sql<number>`coalesce(sum(${accounts.arr}), 0)` }).from(accounts).where(ownerFilter).get();
  const con = db.select({ n: sql<number>`count(*)` }).from(contacts).innerJoin(accounts, eq(contacts.accountPk, accounts.pk)).where(ownerFilter).get();
  const ev = db
    .select({ n: sql<number>`coalesce(sum(${accountActivity.events}), 0)` })
    .from(accountActivity)
    .innerJoin(accounts, eq(accountActivity.accountPk, accounts.pk))
    .where(ownerFilter)
    .get();
  return { accounts: acc?.n ?? 0, arr: acc?.arr ?? 0, contacts: con?.n ?? 0, events: ev?.n ?? 0 };
}
