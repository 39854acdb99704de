import type { DbLike } from '@/db/open';
import { accountActivity, accounts, contacts } from '@/db/schema';
import { and, eq, isNull, sql } from 'drizzle-orm';

export interface PortfolioSize {
  accounts: number;
  arr: number;
  contacts: number;
  events: number;
}

/** The size of the portfolio a user sees (current customers): all for managers and admins, own accounts for CSMs. */
export function portfolioSize(db: DbLike, ownerEmail?: string): PortfolioSize {
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
