/**
 * Writing Segment calls: the accounts of `group` calls, the contacts of `identify` and `group`
 * calls, and the events of `track` calls, all in one transaction through the same commands as
 * the REST API. Track names that are not triggers are remembered for the admins' mapping list.
 */
import type { AccountInput, ItemError } from '@/lib/ingest/schemas';
import { planSegment, type SegmentPlan, type Skipped } from '@/lib/ingest/segment';
import type { Store } from '@/lib/server/store';
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
async function forCalls<T>(indexOf: number[], rename: (path: string) => string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid') {
      throw refused(error.details.map((d) => ({ ...d, index: d.index === undefined ? undefined : indexOf[d.index], path: rename(d.path) })));
    }
    throw error;
  }
}

type PlanOptions = Parameters<typeof planSegment>[2];

/**
 * Plans the calls with the accounts their users belong to now. The planner asks for them as it
 * goes: they are read in one query for the users the calls name, and the plan made again in the
 * rare case it asked for one more.
 */
async function plan(db: Store, calls: unknown[], names: Map<string, string>, options: PlanOptions): Promise<SegmentPlan> {
  const accountOf = new Map<string, string | null>();
  const read = async (people: Iterable<string>) => {
    const ids = [...people];
    for (const id of ids) accountOf.set(id, null);
    const rows = await db.all<{ person: string; account: string }>(
      `SELECT c.id AS person, a.id AS account FROM contacts c JOIN accounts a ON a.pk = c.account_pk WHERE ${db.dialect.inJsonArray('c.id', 'text')}`,
      [JSON.stringify(ids)],
    );
    for (const r of rows) accountOf.set(r.person, r.account);
  };
  const named = new Set<string>();
  for (const call of calls) {
    const c = call as { userId?: unknown; anonymousId?: unknown } | null;
    const person = c && typeof c === 'object' ? (c.userId ?? c.anonymousId) : undefined;
    if (typeof person === 'string' || typeof person === 'number') named.add(String(person).trim());
  }
  if (named.size) await read(named);
  for (;;) {
    const asked = new Set<string>();
    const made = planSegment(calls, {
      accountOfPerson: (person) => {
        if (!accountOf.has(person)) asked.add(person);
        return accountOf.get(person) ?? null;
      },
      triggerFor: (name) => names.get(name) ?? null,
    }, options);
    if (!asked.size) return made;
    await read(asked);
  }
}

export async function ingestSegment(
  db: Store,
  calls: unknown[],
  options: { context?: Record<string, unknown> | null; createAccounts?: boolean; receivedAt?: number } = {},
): Promise<SegmentResult> {
  const names = await triggerNames(db);
  const planned = await plan(db, calls, names, { context: options.context, receivedAt: options.receivedAt ?? Date.now() });
  if (planned.errors.length) throw refused(planned.errors);

  // Accounts named by identify/track calls must exist, or come from a group call here.
  const grouped = new Set(planned.accounts.map((a) => a.input.id));
  const named = [...new Set([...planned.contacts, ...planned.events].map((item) => item.input.accountId).filter((id) => !grouped.has(id)))];
  const existing = new Set(named.length ? await db.column<string>(`SELECT id FROM accounts WHERE ${db.dialect.inJsonArray('id', 'text')}`, [JSON.stringify(named)]) : []);
  const missing = new Map<string, number>();
  for (const item of [...planned.contacts, ...planned.events]) {
    const id = item.input.accountId;
    if (!grouped.has(id) && !missing.has(id) && !existing.has(id)) missing.set(id, item.index);
  }
  if (missing.size && !options.createAccounts) {
    throw refused([...missing].map(([id, index]) => ({ index, path: 'context.groupId', message: `unknown account "${id}": send a group call for it first (or use ?createAccounts=true)` })));
  }

  const before = new Map(
    grouped.size
      ? (await db.all<{ id: string; name: string; attributes: string | null }>(`SELECT id, name, attributes FROM accounts WHERE ${db.dialect.inJsonArray('id', 'text')}`, [JSON.stringify([...grouped])])).map((r) => [r.id, r])
      : [],
  );
  const accounts: AccountInput[] = planned.accounts.map((a) => {
    const prior = before.get(a.input.id);
    const name = a.input.name ?? prior?.name ?? a.input.id;
    if (!a.attributes) return { ...a.input, name };
    // Attributes from traits add to what the account has; they do not replace it.
    const merged = prior?.attributes ? parseJsonDict<Record<string, unknown>>(prior.attributes) : dict<unknown>();
    for (const [key, value] of Object.entries(a.attributes)) merged[key] = value;
    return { ...a.input, name, attributes: dictFrom(Object.entries(merged).slice(0, 50)) as AccountInput['attributes'] };
  });
  for (const id of missing.keys()) accounts.push({ id, name: id });
  const accountCalls = [...planned.accounts.map((a) => a.index), ...missing.values()];

  return db.tx(async (tx) => {
    if (accounts.length) await forCalls(accountCalls, (p) => `traits.${p}`, () => upsertAccounts(tx, accounts));
    if (planned.contacts.length) {
      await forCalls(planned.contacts.map((x) => x.index), (p) => (p === 'accountId' ? 'context.groupId' : `traits.${p}`), () => upsertContacts(tx, planned.contacts.map((x) => x.input)));
    }
    const events = planned.events.length
      ? await forCalls(planned.events.map((x) => x.index), (p) => p, () => ingestEvents(tx, planned.events.map((x) => x.input), { source: 'segment' }))
      : { accepted: 0, duplicates: 0 };
    await recordUnmappedNames(tx, planned.skipped.flatMap((s) => (s.event ? [s.event] : [])));
    return { accounts: accounts.length, contacts: planned.contacts.length, events: events.accepted, duplicates: events.duplicates + planned.duplicates, skipped: planned.skipped };
  });
}
