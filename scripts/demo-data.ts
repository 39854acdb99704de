/** The demo portfolio and demo users, shared by `npm run demo` and the end-to-end test server. */
import { defaultEnd, seedDemo } from '@/db/seed';
import { seedFinishedExperiment, seedRunningExperiment } from '@/db/seed/experiments';
import { rebuildAggregates } from '@/lib/server/aggregates';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { upsertUser } from '@/lib/server/commands/users';
import { findUserByEmail } from '@/lib/server/queries/users';
import type { Store } from '@/lib/server/store';
import type { Role } from '@/lib/roles';

export const DEMO_PASSWORD = 'trellis-demo';
export const DEMO_USERS: { email: string; role: Role; name: string }[] = [
  { email: 'admin@example.com', role: 'admin', name: 'Ada Admin' },
  { email: 'manager@example.com', role: 'manager', name: 'Morgan Manager' },
  { email: 'csm@example.com', role: 'csm', name: 'Casey CSM' },
];

export async function hasAccounts(db: Store): Promise<boolean> {
  return (await db.get('SELECT 1 FROM accounts LIMIT 1')) !== undefined;
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
export async function ensureDemoData(db: Store, options: { accounts: number; months: number; seed: number; end?: Date }): Promise<boolean> {
  if (await hasAccounts(db)) return false;
  console.log(`Seeding a demo portfolio of ${options.accounts} accounts over ${options.months} months…`);
  const end = (options.end ?? defaultEnd()).getTime();
  const summary = await seedDemo(db, {
    ...options,
    onProgress: progressPrinter('accounts'),
    aggregate: async (d) => {
      // The finished experiment's calls and churn are part of the raw data the aggregates read.
      await seedFinishedExperiment(d, { end, seed: options.seed });
      await rebuildAggregates(d, { onProgress: progressPrinter('aggregates') });
    },
  });
  console.log(`  ${summary.accounts} accounts, ${summary.contacts} contacts, ${summary.events} events, ${summary.outcomes} outcomes.`);
  console.log('Scoring every account and building the daily history…');
  const printers = { 'current scores': progressPrinter('current scores'), 'daily history': progressPrinter('daily history') };
  await rescoreEverything(db, { onProgress: (phase, done, total) => printers[phase](done, total) });
  await seedRunningExperiment(db, { end, seed: options.seed });
  console.log('  Experiments: one finished (weekly vs monthly calls), one running (quarterly reviews).');
  return true;
}

/** Creates the demo users when missing (existing users and their passwords are left alone). */
export async function ensureDemoUsers(db: Store): Promise<void> {
  for (const user of DEMO_USERS) {
    const existing = await findUserByEmail(db, user.email);
    if (existing?.passwordHash) continue;
    await upsertUser(db, { email: user.email, role: user.role, password: DEMO_PASSWORD, name: user.name }, { actor: 'demo' });
  }
}
