/** Upserts of accounts, contacts and outcomes, each batch in one transaction. */
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/open';
import type { AccountInput, ContactInput, ItemError, OutcomeInput } from '@/lib/ingest/schemas';
import { duplicateIds } from '@/lib/ingest/schemas';
import { AppError } from '../errors';
import { rescore } from './scores';

function fail(errors: ItemError[]): never {
  throw new AppError('invalid', `${errors.length} invalid item${errors.length > 1 ? 's' : ''}; nothing was written`, errors);
}

const ACCOUNT_COLUMNS: [keyof AccountInput, string][] = [
  ['name', 'name'], ['tier', 'tier'], ['lifecycleStage', 'lifecycle_stage'], ['arr', 'arr'], ['ownerEmail', 'owner_email'],
  ['startedAt', 'started_at'], ['renewalDate', 'renewal_date'], ['industry', 'industry'], ['size', 'size'], ['attributes', 'attributes'],
];
// Changing these can change the score (tier targets and overrides, derived stage).
const SCORE_INPUTS: (keyof AccountInput)[] = ['tier', 'lifecycleStage', 'startedAt'];

function dbValue(key: keyof AccountInput, value: unknown): unknown {
  if (key === 'attributes') return value === null || value === undefined ? null : JSON.stringify(value);
  if (key === 'ownerEmail' && typeof value === 'string') return value.toLowerCase();
  return value;
}

/** Creates accounts or updates the fields given (fields left out keep their value). */
export function upsertAccounts(db: Db, items: AccountInput[]): { upserted: number; created: number } {
  const errors = duplicateIds(items);
  if (errors.length) fail(errors);
  const c = db.$client;
  return db.transaction(() => {
    const find = c.prepare('SELECT pk FROM accounts WHERE id = ?').pluck();
    // Rows of a batch mostly give the same columns: prepare each statement shape once.
    const statements = new Map<string, Statement<unknown[]>>();
    const statement = (sql: string) => {
      let st = statements.get(sql);
      if (!st) statements.set(sql, (st = c.prepare(sql)));
      return st;
    };
    let created = 0;
    const rescoreNeeded: number[] = [];
    for (const item of items) {
      const given = ACCOUNT_COLUMNS.filter(([k]) => item[k] !== undefined);
      const pk = find.get(item.id) as number | undefined;
      if (pk === undefined) {
        const cols = ['id', ...given.map(([, col]) => col)];
        const res = statement(`INSERT INTO accounts (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(item.id, ...given.map(([k]) => dbValue(k, item[k])));
        created += 1;
        rescoreNeeded.push(Number(res.lastInsertRowid));
      } else {
        statement(`UPDATE accounts SET ${[...given.map(([, col]) => `${col} = ?`), 'updated_at = ?'].join(', ')} WHERE pk = ?`).run(
          ...given.map(([k]) => dbValue(k, item[k])), Date.now(), pk,
        );
        if (SCORE_INPUTS.some((k) => item[k] !== undefined)) rescoreNeeded.push(pk);
      }
    }
    if (rescoreNeeded.length) rescore(db, { accountPks: rescoreNeeded });
    return { upserted: items.length, created };
  });
}

/** The account pk of each item, and an error for each item whose account does not exist. */
function resolveAccounts(db: Db, items: { accountId: string }[]): { accountPks: (number | undefined)[]; errors: ItemError[] } {
  const findAccount = db.$client.prepare('SELECT pk FROM accounts WHERE id = ?').pluck();
  const errors: ItemError[] = [];
  const accountPks = items.map((item, index) => {
    const pk = findAccount.get(item.accountId) as number | undefined;
    if (pk === undefined) errors.push({ index, path: 'accountId', message: `unknown account "${item.accountId}"` });
    return pk;
  });
  return { accountPks, errors };
}

/** Every problem of a contact batch against the database, writing nothing (CSV checks use it). */
export function checkContacts(db: Db, items: ContactInput[]): ItemError[] {
  return [...duplicateIds(items), ...resolveAccounts(db, items).errors];
}

/** Every problem of an outcome batch against the database, writing nothing. */
export function checkOutcomes(db: Db, items: OutcomeInput[]): ItemError[] {
  return [...duplicateIds(items), ...resolveAccounts(db, items).errors];
}

export function upsertContacts(db: Db, items: ContactInput[]): { upserted: number } {
  const resolved = resolveAccounts(db, items);
  const errors = [...duplicateIds(items), ...resolved.errors];
  const { accountPks } = resolved;
  const c = db.$client;
  if (errors.length) fail(errors);
  return db.transaction(() => {
    const upsert = c.prepare(
      `INSERT INTO contacts (id, account_pk, name, email, role, department) VALUES (@id, @account_pk, @name, @email, @role, @department)
       ON CONFLICT (id) DO UPDATE SET account_pk = excluded.account_pk,
         name = coalesce(@name_given, contacts.name), email = coalesce(@email_given, contacts.email),
         role = CASE WHEN @role_set THEN excluded.role ELSE contacts.role END,
         department = CASE WHEN @department_set THEN excluded.department ELSE contacts.department END,
         updated_at = @now`,
    );
    const touched = new Set<number>();
    items.forEach((item, i) => {
      upsert.run({
        id: item.id, account_pk: accountPks[i], name: item.name ?? null, email: item.email?.toLowerCase() ?? null, role: item.role ?? null,
        department: item.department ?? null, name_given: item.name ?? null, email_given: item.email?.toLowerCase() ?? null,
        role_set: item.role !== undefined ? 1 : 0, department_set: item.department !== undefined ? 1 : 0, now: Date.now(),
      });
      touched.add(accountPks[i]!);
    });
    // Roles and departments feed the breadth measures.
    rescore(db, { accountPks: [...touched] });
    return { upserted: items.length };
  });
}

export function insertOutcomes(db: Db, items: OutcomeInput[]): { accepted: number; duplicates: number } {
  const resolved = resolveAccounts(db, items);
  const errors = [...duplicateIds(items), ...resolved.errors];
  const { accountPks } = resolved;
  const c = db.$client;
  if (errors.length) fail(errors);
  return db.transaction(() => {
    const insert = c.prepare(
      'INSERT INTO outcomes (id, account_pk, type, occurred_at, arr_delta, reason) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) WHERE id IS NOT NULL DO NOTHING',
    );
    let accepted = 0;
    items.forEach((item, i) => {
      accepted += insert.run(item.id ?? null, accountPks[i], item.type, item.occurredAt, item.arrDelta ?? null, item.reason ?? null).changes;
    });
    refreshChurnStatus(db, [...new Set(accountPks as number[])]);
    return { accepted, duplicates: items.length - accepted };
  });
}

/**
 * An account is churned from its latest `churned` outcome unless a later `renewed` or `expanded`
 * outcome brought it back. Kept on the account so lists can leave former customers out.
 */
export function refreshChurnStatus(db: Db, accountPks?: number[]): void {
  const where = accountPks ? `WHERE pk IN (${accountPks.map(() => '?').join(',')})` : '';
  db.$client
    .prepare(
      `UPDATE accounts SET churned_at = (
         SELECT max(o.occurred_at) FROM outcomes o WHERE o.account_pk = accounts.pk AND o.type = 'churned'
           AND NOT EXISTS (SELECT 1 FROM outcomes r WHERE r.account_pk = o.account_pk AND r.type IN ('renewed', 'expanded') AND r.occurred_at > o.occurred_at)
       ) ${where}`,
    )
    .run(...(accountPks ?? []));
}
