/**
 * Writing events: one transaction per batch covering the events, their aggregates and the
 * affected accounts' scores, so a batch is either fully counted and scored or not at all.
 */
import type { Db } from '@/db/open';
import { duplicateIds, type EventInput, type ItemError } from '@/lib/ingest/schemas';
import { AppError } from '../errors';
import { applyEventsToAggregates, dayOf, type AggregatableEvent } from './aggregates';
import { markHistoryStale } from './history-queue';
import { rescore } from './scores';

export interface IngestOptions {
  /** create accounts that do not exist yet (named by their id) instead of refusing the batch */
  createAccounts?: boolean;
  /** default `source` for events that do not name one */
  source?: string;
  now?: number;
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

function fail(errors: ItemError[]): never {
  errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  throw new AppError('invalid', `${errors.length} invalid item${errors.length > 1 ? 's' : ''}; nothing was written`, errors);
}

export function ingestEvents(db: Db, items: EventInput[], options: IngestOptions = {}): IngestResult {
  const now = options.now ?? Date.now();
  const errors = duplicateIds(items);
  const names = triggerNames(db);
  items.forEach((e, index) => {
    if (!names.has(e.type)) errors.push({ index, path: 'type', message: `unknown trigger "${e.type}": add it under Triggers or map the name to a trigger` });
  });
  const c = db.$client;
  const findAccount = c.prepare('SELECT pk FROM accounts WHERE id = ?').pluck();
  const findContact = c.prepare('SELECT pk, account_pk FROM contacts WHERE id = ?');
  const accountPks = new Map<string, number | null>();
  for (const e of items) if (!accountPks.has(e.accountId)) accountPks.set(e.accountId, (findAccount.get(e.accountId) as number | undefined) ?? null);
  if (!options.createAccounts) {
    items.forEach((e, index) => {
      if (accountPks.get(e.accountId) === null) errors.push({ index, path: 'accountId', message: `unknown account "${e.accountId}" (send it first, or use ?createAccounts=true)` });
    });
  }
  const contactPks = new Map<string, { pk: number; account_pk: number } | null>();
  items.forEach((e, index) => {
    if (!e.contactId) return;
    if (!contactPks.has(e.contactId)) contactPks.set(e.contactId, (findContact.get(e.contactId) as { pk: number; account_pk: number } | undefined) ?? null);
    const contact = contactPks.get(e.contactId);
    if (!contact) errors.push({ index, path: 'contactId', message: `unknown contact "${e.contactId}"` });
    else if (accountPks.get(e.accountId) !== null && contact.account_pk !== accountPks.get(e.accountId)) {
      errors.push({ index, path: 'contactId', message: `contact "${e.contactId}" belongs to another account` });
    }
  });
  if (errors.length) fail(errors);

  return db.transaction(() => {
    const createAccount = c.prepare('INSERT INTO accounts (id, name) VALUES (?, ?)');
    for (const [id, pk] of accountPks) {
      if (pk === null) accountPks.set(id, Number(createAccount.run(id, id).lastInsertRowid));
    }
    const insert = c.prepare(
      'INSERT INTO events (id, account_pk, contact_pk, type, occurred_at, count, properties, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) WHERE id IS NOT NULL DO NOTHING',
    );
    const written: AggregatableEvent[] = [];
    let duplicates = 0;
    const staleFrom = new Map<number, number>();
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
      const day = dayOf(e.occurredAt);
      staleFrom.set(accountPk, Math.min(staleFrom.get(accountPk) ?? Infinity, day));
    }
    applyEventsToAggregates(db, written);
    const touched = [...staleFrom.keys()];
    if (touched.length) {
      rescore(db, { accountPks: touched, now });
      markHistoryStale(db, staleFrom, dayOf(now));
    }
    return { accepted: written.length, duplicates, accounts: touched.length };
  });
}
