/**
 * Writing events: one transaction covering the events, their aggregates and the list of accounts
 * whose score they make stale (`rescore_pending`), so a batch is either fully counted or not at
 * all. Scores are not computed here: the server rescores the listed accounts just after the
 * commit, coalesced (`lib/server/rescore-drainer.ts`); callers without a server drain the list
 * themselves (`rescorePending`). Several batches may share one transaction (`ingestEventGroup`,
 * used when API requests arrive together): each is checked and written on its own.
 */
import type { Db } from '@/db/open';
import { duplicateIds, type EventInput, type ItemError } from '@/lib/ingest/schemas';
import { AppError } from '../errors';
import { applyEventsToAggregates, dayOf, type AggregatableEvent } from './aggregates';
import { markHistoryStale } from './history-queue';
import { markRescorePending } from './rescore-pending';

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
export function triggerNames(db: Db): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of db.$client.prepare('SELECT key FROM triggers WHERE retired_at IS NULL').all() as { key: string }[]) names.set(r.key, r.key);
  for (const r of db.$client.prepare('SELECT name, trigger_key FROM trigger_aliases').all() as { name: string; trigger_key: string }[]) names.set(r.name, r.trigger_key);
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
export function checkEvents(db: Db, items: EventInput[], options: Pick<IngestOptions, 'createAccounts'> & { unknownAccountHint?: string } = {}): { errors: ItemError[]; plan: EventPlan } {
  const errors = duplicateIds(items);
  const names = triggerNames(db);
  items.forEach((e, index) => {
    if (!names.has(e.type)) errors.push({ index, path: 'type', message: `unknown trigger "${e.type}": add it under Triggers or map the name to a trigger` });
  });
  const c = db.$client;
  const accountPks = new Map<string, number | null>();
  const accountIds = [...new Set(items.map((e) => e.accountId))];
  for (const id of accountIds) accountPks.set(id, null);
  for (const r of c.prepare('SELECT id, pk FROM accounts WHERE id IN (SELECT value FROM json_each(?))').iterate(JSON.stringify(accountIds)) as IterableIterator<{ id: string; pk: number }>) {
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
    for (const r of c.prepare('SELECT id, pk, account_pk FROM contacts WHERE id IN (SELECT value FROM json_each(?))').iterate(JSON.stringify(contactIds)) as IterableIterator<ContactRef & { id: string }>) {
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

const INSERT_EVENT =
  'INSERT INTO events (id, account_pk, contact_pk, type, occurred_at, count, properties, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) WHERE id IS NOT NULL DO NOTHING';

/** Writes one checked batch (events, created accounts, aggregates); returns what to rescore. */
function writeBatch(db: Db, items: EventInput[], plan: EventPlan, options: IngestOptions, now: number, staleFrom: Map<number, number>) {
  const c = db.$client;
  const { names, accountPks, contactPks } = plan;
  const createAccount = c.prepare('INSERT INTO accounts (id, name) VALUES (?, ?)');
  for (const [id, pk] of accountPks) {
    if (pk === null) accountPks.set(id, Number(createAccount.run(id, id).lastInsertRowid));
  }
  const insert = c.prepare(INSERT_EVENT);
  const written: AggregatableEvent[] = [];
  let duplicates = 0;
  const touched = new Set<number>();
  for (const e of items) {
    const accountPk = accountPks.get(e.accountId)!;
    const contactPk = e.contactId ? contactPks.get(e.contactId)!.pk : null;
    const type = names.get(e.type)!;
    const props = e.properties && Object.keys(e.properties).length ? e.properties : null;
    const res = insert.run(e.id ?? null, accountPk, contactPk, type, e.occurredAt, e.count, props ? JSON.stringify(props) : null, e.source ?? options.source ?? null, now);
    if (res.changes === 0) {
      duplicates += 1;
      continue;
    }
    written.push({ accountPk, contactPk, type, occurredAt: e.occurredAt, count: e.count, properties: props });
    touched.add(accountPk);
    const day = dayOf(e.occurredAt);
    staleFrom.set(accountPk, Math.min(staleFrom.get(accountPk) ?? Infinity, day));
  }
  applyEventsToAggregates(db, written);
  return { accepted: written.length, duplicates, accounts: touched.size };
}

/**
 * Writes several batches in one transaction. Each batch is checked against the database as the
 * batches before it left it, and only written when it has no problem at all: a bad batch gets
 * its error and leaves no trace, the others are committed. The accounts touched by all of them
 * are listed for rescoring in the same transaction. An unexpected failure (a database error)
 * rolls the whole group back.
 */
export function ingestEventGroup(db: Db, batches: { items: EventInput[]; options?: IngestOptions }[]): BatchOutcome[] {
  const now = Date.now();
  // IMMEDIATE: take the write lock before reading, so that another writer (a rescore or backup in
  // another process) makes this wait for the lock instead of failing at the first write.
  return db.transaction(() => {
    const staleFrom = new Map<number, number>();
    const outcomes = batches.map(({ items, options = {} }): BatchOutcome => {
      const { errors, plan } = checkEvents(db, items, options);
      if (errors.length) return { ok: false, error: invalid(errors) };
      const own = options.score === false ? new Map<number, number>() : staleFrom;
      return { ok: true, result: writeBatch(db, items, plan, options, options.now ?? now, own) };
    });
    if (staleFrom.size) {
      const when = batches.find((b) => b.options?.now !== undefined)?.options?.now ?? now;
      markRescorePending(db, staleFrom.keys(), now);
      markHistoryStale(db, staleFrom, dayOf(when));
    }
    return outcomes;
  }, { behavior: 'immediate' });
}

export function ingestEvents(db: Db, items: EventInput[], options: IngestOptions = {}): IngestResult {
  const [outcome] = ingestEventGroup(db, [{ items, options }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.result;
}
