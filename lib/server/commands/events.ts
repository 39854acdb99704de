/**
 * Writing events: one transaction covering the events, their aggregates and the list of accounts
 * whose score they make stale (`rescore_pending`), so a batch is either fully counted or not at
 * all. Scores are not computed here: the server rescores the listed accounts just after the
 * commit, coalesced (`lib/server/rescore-drainer.ts`); callers without a server drain the list
 * themselves (`rescorePending`). Several batches may share one transaction (`ingestEventGroup`,
 * used when API requests arrive together): each is checked and written on its own.
 */
import { duplicateIds, type EventInput, type ItemError } from '@/lib/ingest/schemas';
import type { SqlParam, Store } from '@/lib/server/store';
import { applyEventsToAggregates, dayOf, lockAccounts, type AggregatableEvent } from '../aggregates';
import { AppError } from '../errors';
import { applyTouches } from './cadence';
import { markHistoryStale } from './history-queue';
import { markRescorePending } from './rescore-pending';
import { insertInto } from './row-writer';

export interface IngestOptions {
  /** create accounts that do not exist yet (named by their id) instead of refusing the batch */
  createAccounts?: boolean;
  /** default `source` for events that do not name one */
  source?: string;
  now?: number;
  /**
   * List the touched accounts for rescoring (default). Bulk loaders that rescore everything once
   * at the end (`rescoreEverything`) turn this off.
   */
  score?: boolean;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  accounts: number;
}

/** Trigger keys by every name they are known under: their key and any admin-mapped alias. */
export async function triggerNames(db: Store): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  // Keys first, then aliases, which win when spelled like a key.
  const rows = await db.all<{ name: string; key: string }>(
    'SELECT name, key FROM (SELECT key AS name, key, 0 AS alias FROM triggers WHERE retired_at IS NULL UNION ALL SELECT name, trigger_key AS key, 1 AS alias FROM trigger_aliases) n ORDER BY alias',
  );
  for (const r of rows) names.set(r.name, r.key);
  return names;
}

interface ContactRef { pk: number; account_pk: number }

/** What checking a batch resolved: trigger keys, account and contact pks (null: not there yet). */
export interface EventPlan {
  names: Map<string, string>;
  accountPks: Map<string, number | null>;
  contactPks: Map<string, ContactRef | null>;
}

/**
 * Every problem of a batch against the database: unknown triggers, accounts (unless they may be
 * created) and contacts, contacts of another account, ids repeated inside the batch. Writes
 * nothing; the CSV import uses it to check whole files before anything is written.
 */
export async function checkEvents(
  db: Store,
  items: EventInput[],
  options: Pick<IngestOptions, 'createAccounts'> & { unknownAccountHint?: string; names?: Map<string, string> } = {},
): Promise<{ errors: ItemError[]; plan: EventPlan }> {
  const errors = duplicateIds(items);
  // `names`: the trigger names as the caller read them in this transaction (`triggerNames`).
  const names = options.names ?? (await triggerNames(db));
  items.forEach((e, index) => {
    if (!names.has(e.type)) errors.push({ index, path: 'type', message: `unknown trigger "${e.type}": add it under Triggers or map the name to a trigger` });
  });
  const accountPks = new Map<string, number | null>();
  const accountIds = [...new Set(items.map((e) => e.accountId))];
  for (const id of accountIds) accountPks.set(id, null);
  for (const r of await db.all<{ id: string; pk: number }>(`SELECT id, pk FROM accounts WHERE ${db.dialect.inJsonArray('id', 'text')}`, [JSON.stringify(accountIds)])) {
    accountPks.set(r.id, r.pk);
  }
  if (!options.createAccounts) {
    items.forEach((e, index) => {
      if (accountPks.get(e.accountId) === null) errors.push({ index, path: 'accountId', message: `unknown account "${e.accountId}" (${options.unknownAccountHint ?? 'send it first, or use ?createAccounts=true'})` });
    });
  }
  const contactPks = new Map<string, ContactRef | null>();
  const contactIds = [...new Set(items.flatMap((e) => (e.contactId ? [e.contactId] : [])))];
  if (contactIds.length) {
    for (const id of contactIds) contactPks.set(id, null);
    for (const r of await db.all<ContactRef & { id: string }>(`SELECT id, pk, account_pk FROM contacts WHERE ${db.dialect.inJsonArray('id', 'text')}`, [JSON.stringify(contactIds)])) {
      contactPks.set(r.id, { pk: r.pk, account_pk: r.account_pk });
    }
  }
  items.forEach((e, index) => {
    if (!e.contactId) return;
    const contact = contactPks.get(e.contactId);
    if (!contact) errors.push({ index, path: 'contactId', message: `unknown contact "${e.contactId}"` });
    else if (accountPks.get(e.accountId) !== null && contact.account_pk !== accountPks.get(e.accountId)) {
      errors.push({ index, path: 'contactId', message: `contact "${e.contactId}" belongs to another account` });
    }
  });
  return { errors, plan: { names, accountPks, contactPks } };
}

export type BatchOutcome = { ok: true; result: IngestResult } | { ok: false; error: AppError };

function invalid(errors: ItemError[]): AppError {
  errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  return new AppError('invalid', `${errors.length} invalid item${errors.length > 1 ? 's' : ''}; nothing was written`, errors);
}

/**
 * Creates the accounts the batch names that do not exist yet (named by their id), in order of
 * first mention; on PostgreSQL in order of id, so that two batches creating the same accounts at
 * once create them in the same order (the second waits for the first, then finds them).
 */
async function createAccounts(db: Store, accountPks: Map<string, number | null>): Promise<void> {
  const missing = [...accountPks].flatMap(([id, pk]) => (pk === null ? [id] : []));
  if (!missing.length) return;
  if (db.engine === 'postgres') missing.sort();
  const created = await insertInto<{ id: string; pk: number }>(db, 'accounts', ['id', 'name'], missing.map((id) => [id, id]), 'ON CONFLICT (id) DO NOTHING RETURNING id, pk');
  for (const r of created) accountPks.set(r.id, r.pk);
  // Created meanwhile by another process (PostgreSQL): that account is the one.
  const raced = missing.filter((id) => accountPks.get(id) === null);
  if (raced.length) {
    for (const r of await db.all<{ id: string; pk: number }>(`SELECT id, pk FROM accounts WHERE ${db.dialect.inJsonArray('id', 'text')}`, [JSON.stringify(raced)])) accountPks.set(r.id, r.pk);
  }
}

/**
 * Writes one checked batch's events (and the accounts it creates); answers its result, and the
 * events it added for the aggregates and touches, which the group applies once for all its
 * batches (`ingestEventGroup`).
 */
async function writeBatch(db: Store, items: EventInput[], plan: EventPlan, options: IngestOptions, now: number, staleFrom: Map<number, number>, locked: Set<number>): Promise<{ result: IngestResult; fresh: AggregatableEvent[] }> {
  const { names, accountPks, contactPks } = plan;
  await createAccounts(db, accountPks);
  const unlocked = [...new Set(items.map((e) => accountPks.get(e.accountId)!))].filter((pk) => !locked.has(pk));
  await lockAccounts(db, unlocked);
  for (const pk of unlocked) locked.add(pk);
  const rows: SqlParam[][] = [];
  const written: (AggregatableEvent & { id: string | null })[] = [];
  for (const e of items) {
    const accountPk = accountPks.get(e.accountId)!;
    const contactPk = e.contactId ? contactPks.get(e.contactId)!.pk : null;
    const type = names.get(e.type)!;
    const props = e.properties && Object.keys(e.properties).length ? e.properties : null;
    rows.push([e.id ?? null, accountPk, contactPk, type, e.occurredAt, e.count, props ? JSON.stringify(props) : null, e.source ?? options.source ?? null, now]);
    written.push({ id: e.id ?? null, accountPk, contactPk, type, occurredAt: e.occurredAt, count: e.count, properties: props });
  }
  // A re-sent id is left out by the unique index on events.id; the ids returned are the new ones.
  const inserted = await insertInto<{ id: string | null }>(
    db,
    'events',
    ['id', 'account_pk', 'contact_pk', 'type', 'occurred_at', 'count', 'properties', 'source', 'received_at'],
    rows,
    'ON CONFLICT (id) WHERE id IS NOT NULL DO NOTHING RETURNING id',
  );
  const newIds = new Set(inserted.flatMap((r) => (r.id === null ? [] : [r.id])));
  const fresh = written.filter((e) => e.id === null || newIds.has(e.id));
  const touched = new Set<number>();
  for (const e of fresh) {
    touched.add(e.accountPk);
    const day = dayOf(e.occurredAt);
    staleFrom.set(e.accountPk, Math.min(staleFrom.get(e.accountPk) ?? Infinity, day));
  }
  return { result: { accepted: fresh.length, duplicates: items.length - fresh.length, accounts: touched.size }, fresh };
}

/**
 * Writes several batches in one transaction. Each batch is checked against the database as the
 * batches before it left it, and only written when it has no problem at all: a bad batch gets
 * its error and leaves no trace, the others are committed. The accounts touched by all of them
 * are listed for rescoring in the same transaction. An unexpected failure (a database error)
 * rolls the whole group back.
 */
export async function ingestEventGroup(db: Store, batches: { items: EventInput[]; options?: IngestOptions }[]): Promise<BatchOutcome[]> {
  const now = Date.now();
  // On SQLite the transaction takes the write lock before reading, so that another writer (a
  // rescore or backup in another process) makes this wait for the lock instead of failing at the
  // first write.
  return db.tx(async (tx) => {
    const staleFrom = new Map<number, number>();
    const outcomes: BatchOutcome[] = [];
    // PostgreSQL: the accounts of every batch are locked first, all at once and in pk order
    // (`lockAccounts`), so that two groups sharing accounts take turns instead of deadlocking.
    const locked = new Set<number>();
    if (tx.engine === 'postgres') {
      const ids = JSON.stringify([...new Set(batches.flatMap((b) => b.items.map((e) => e.accountId)))]);
      for (const pk of await tx.column<number>(`SELECT pk FROM accounts WHERE ${tx.dialect.inJsonArray('id', 'text')} ORDER BY pk FOR NO KEY UPDATE`, [ids])) locked.add(pk);
    }
    // The aggregates and touches of every batch's new events, applied once for the group: a
    // statement per table, not per batch (on PostgreSQL each is a round trip with the locks held).
    const fresh: AggregatableEvent[] = [];
    const names = await triggerNames(tx);
    for (const { items, options = {} } of batches) {
      const { errors, plan } = await checkEvents(tx, items, { ...options, names });
      if (errors.length) {
        outcomes.push({ ok: false, error: invalid(errors) });
        continue;
      }
      const own = options.score === false ? new Map<number, number>() : staleFrom;
      const written = await writeBatch(tx, items, plan, options, options.now ?? now, own, locked);
      for (const e of written.fresh) fresh.push(e);
      outcomes.push({ ok: true, result: written.result });
    }
    await applyEventsToAggregates(tx, fresh);
    await applyTouches(tx, fresh);
    if (staleFrom.size) {
      const when = batches.find((b) => b.options?.now !== undefined)?.options?.now ?? now;
      // Both list the accounts in pk order, as they were locked: two processes listing the same accounts never wait for each other.
      await markRescorePending(tx, staleFrom.keys(), now);
      await markHistoryStale(tx, staleFrom, dayOf(when));
    }
    return outcomes;
  });
}

export async function ingestEvents(db: Store, items: EventInput[], options: IngestOptions = {}): Promise<IngestResult> {
  const [outcome] = await ingestEventGroup(db, [{ items, options }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.result;
}
