/** The demo portfolio and demo users, shared by `npm run demo` and the end-to-end test server. */
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/open';
import { accounts } from '@/db/schema';
import { seedDemo } from '@/db/seed';
import { rebuildAggregates } from '@/lib/server/commands/aggregates';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { upsertUser } from '@/lib/server/commands/users';
import { findUserByEmail } from '@/lib/server/queries/users';
import type { Role } from '@/lib/roles';

export const DEMO_PASSWORD = 'trellis-demo';
export const DEMO_USERS: { email: string; role: Role; name: string }[] = [
  { email: 'admin@example.com', role: 'admin', name: 'Ada Admin' },
  { email: 'manager@example.com', role: 'manager', name: 'Morgan Manager' },
  { email: 'csm@example.com', role: 'csm', name: 'Casey CSM' },
];

export function hasAccounts(db: Db): boolean {
  return (db.select({ n: sql<number>`count(*)` }).from(accounts).get()?.n ?? 0) > 0;
}

function progressPrinter(label: string) {
  let last = -1;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct >= last + 10 || done === total) {
      last = pct;
      process.stdout.write(`  ${label}: ${pct}%\n`);
    }
  };
}

/** Seeds the demo portfolio into an empty database; a database with accounts is left as it is. */
export function ensureDemoData(db: Db, options: { accounts: number; months: number; seed: number; end?: Date }): boolean {
  if (hasAccounts(db)) return false;
  console.log(`Seeding a demo portfolio of ${options.accounts} accounts over ${options.months} months…`);
  const summary = seedDemo(db, {
    ...options,
    onProgress: progressPrinter('accounts'),
    aggregate: (d) => rebuildAggregates(d, { onProgress: progressPrinter('aggregates') }),
  });
  console.log(`  ${summary.accounts} accounts, ${summary.contacts} contacts, ${summary.events} events, ${summary.outcomes} outcomes.`);
  console.log('Scoring every account and building the daily history…');
  const printers = { 'current scores': progressPrinter('current scores'), 'daily history': progressPrinter('daily history') };
  rescoreEverything(db, { onProgress: (phase, done, total) => printers[phase](done, total) });
  return true;
}

/** Creates the demo users when missing (existing users and their passwords are left alone). */
export async function ensureDemoUsers(db: Db): Promise<void> {
  for (const user of DEMO_USERS) {
    const existing = findUserByEmail(db, user.email);
    if (existing?.passwordHash) continue;
    await upsertUser(db, { email: user.email, role: user.role, password: DEMO_PASSWORD, name: user.name }, { actor: 'demo' });
  }
}
