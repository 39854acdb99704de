/**
 * Writing Segment calls: the accounts of `group` calls, the contacts of `identify` and `group`
 * calls, and the events of `track` calls, all in one transaction through the same commands as
 * the REST API. Track names that are not triggers are remembered for the admins' mapping list.
 */
import type { Db } from '@/db/open';
import type { AccountInput, ItemError } from '@/lib/ingest/schemas';
import { planSegment, type Skipped } from '@/lib/ingest/segment';
import { AppError } from '../errors';
import { upsertAccounts, upsertContacts } from './accounts';
import { ingestEvents, triggerNames } from './events';
import { recordUnmappedNames } from './trigger-aliases';
import { dict, dictFrom, parseJsonDict } from '@/lib/dict';

export interface SegmentResult {
  accounts: number;
  contacts: number;
  events: number;
  duplicates: number;
  skipped: Skipped[];
}

function refused(errors: ItemError[]): AppError {
  errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  const bad = new Set(errors.map((e) => e.index)).size;
  return new AppError('invalid', `${bad} invalid call${bad > 1 ? 's' : ''}; nothing was written`, errors);
}

/** Runs a command on items made from calls; its errors are reported against the calls. */
function forCalls<T>(indexOf: number[], rename: (path: string) => string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid') {
      throw refused(error.details.map((d) => ({ ...d, index: d.index === undefined ? undefined : indexOf[d.index], path: rename(d.path) })));
    }
    throw error;
  }
}

export function ingestSegment(db: Db, calls: unknown[], options: { context?: Record<string, unknown> | null; createAccounts?: boolean; receivedAt?: number } = {}): SegmentResult {
  const c = db.$client;
  const names = triggerNames(db);
  const personAccount = c.prepare('SELECT a.id FROM contacts c JOIN accounts a ON a.pk = c.account_pk WHERE c.id = ?').pluck();
  const plan = planSegment(calls, {
    accountOfPerson: (person) => (personAccount.get(person) as string | undefined) ?? null,
    triggerFor: (name) => names.get(name) ?? null,
  }, { context: options.context, receivedAt: options.receivedAt ?? Date.now() });
  if (plan.errors.length) throw refused(plan.errors);

  // Accounts named by identify/track calls must exist, or come from a group call here.
  const grouped = new Set(plan.accounts.map((a) => a.input.id));
  const exists = c.prepare('SELECT 1 FROM accounts WHERE id = ?').pluck();
  const missing = new Map<string, number>();
  for (const item of [...plan.contacts, ...plan.events]) {
    const id = item.input.accountId;
    if (!grouped.has(id) && !missing.has(id) && !exists.get(id)) missing.set(id, item.index);
  }
  if (missing.size && !options.createAccounts) {
    throw refused([...missing].map(([id, index]) => ({ index, path: 'context.groupId', message: `unknown account "${id}": send a group call for it first (or use ?createAccounts=true)` })));
  }

  const existing = c.prepare('SELECT name, attributes FROM accounts WHERE id = ?');
  const accounts: AccountInput[] = plan.accounts.map((a) => {
    const before = existing.get(a.input.id) as { name: string; attributes: string | null } | undefined;
    const name = a.input.name ?? before?.name ?? a.input.id;
    if (!a.attributes) return { ...a.input, name };
    // Attributes from traits add to what the account has; they do not replace it.
    const merged = before?.attributes ? parseJsonDict<Record<string, unknown>>(before.attributes) : dict<unknown>();
    for (const [key, value] of Object.entries(a.attributes)) merged[key] = value;
    return { ...a.input, name, attributes: dictFrom(Object.entries(merged).slice(0, 50)) as AccountInput['attributes'] };
  });
  for (const id of missing.keys()) accounts.push({ id, name: id });
  const accountCalls = [...plan.accounts.map((a) => a.index), ...missing.values()];

  return db.transaction(() => {
    if (accounts.length) forCalls(accountCalls, (p) => `traits.${p}`, () => upsertAccounts(db, accounts));
    if (plan.contacts.length) forCalls(plan.contacts.map((x) => x.index), (p) => (p === 'accountId' ? 'context.groupId' : `traits.${p}`), () => upsertContacts(db, plan.contacts.map((x) => x.input)));
    const events = plan.events.length
      ? forCalls(plan.events.map((x) => x.index), (p) => p, () => ingestEvents(db, plan.events.map((x) => x.input), { source: 'segment' }))
      : { accepted: 0, duplicates: 0 };
    recordUnmappedNames(db, plan.skipped.flatMap((s) => (s.event ? [s.event] : [])));
    return { accounts: accounts.length, contacts: plan.contacts.length, events: events.accepted, duplicates: events.duplicates + plan.duplicates, skipped: plan.skipped };
  });
}
