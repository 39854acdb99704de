/** Upserts of accounts, contacts and outcomes, each batch in one transaction. */
import type { AccountInput, ContactInput, ItemError, OutcomeInput } from '@/lib/ingest/schemas';
import { duplicateIds } from '@/lib/ingest/schemas';
import type { SqlParam, Store } from '@/lib/server/store';
import { lockAccounts } from '../aggregates';
import { AppError } from '../errors';
import { insertInto } from './row-writer';
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

function dbValue(key: keyof AccountInput, value: unknown): SqlParam {
  if (key === 'attributes') return value === null || value === undefined ? null : JSON.stringify(value);
  if (key === 'ownerEmail' && typeof value === 'string') return value.toLowerCase();
  return value as SqlParam;
}

/** Splits `items` into runs of consecutive items of the same shape (`shapeOf`), in order. */
function runsOf<T>(items: T[], shapeOf: (item: T) => string): { shape: string; items: T[] }[] {
  const runs: { shape: string; items: T[] }[] = [];
  for (const item of items) {
    const shape = shapeOf(item);
    const last = runs[runs.length - 1];
    if (last?.shape === shape) last.items.push(item);
    else runs.push({ shape, items: [item] });
  }
  return runs;
}

/** The pks of the accounts with these ids; on PostgreSQL their rows are locked (in pk order) until the transaction ends. */
async function accountPksForUpdate(db: Store, ids: string[]): Promise<Map<string, number>> {
  const lock = db.engine === 'postgres' ? ' ORDER BY pk FOR NO KEY UPDATE' : '';
  const rows = await db.all<{ id: string; pk: number }>(`SELECT id, pk FROM accounts WHERE ${db.dialect.inJsonArray('id', 'text')}${lock}`, [JSON.stringify(ids)]);
  return new Map(rows.map((r) => [r.id, r.pk]));
}

/** Creates accounts or updates the fields given (fields left out keep their value). */
export async function upsertAccounts(db: Store, items: AccountInput[]): Promise<{ upserted: number; created: number }> {
  const errors = duplicateIds(items);
  if (errors.length) fail(errors);
  return db.tx(async (tx) => {
    const pks = await accountPksForUpdate(tx, items.map((item) => item.id));
    const givenOf = (item: AccountInput) => ACCOUNT_COLUMNS.filter(([k]) => item[k] !== undefined);
    let created = 0;
    const rescoreNeeded: number[] = [];
    // New accounts in order, with one statement per run of items giving the same columns; an id
    // another process created meanwhile (PostgreSQL) is left to the updates below.
    const fresh = items.filter((item) => !pks.has(item.id));
    for (const run of runsOf(fresh, (item) => givenOf(item).map(([, col]) => col).join(','))) {
      const given = givenOf(run.items[0]!);
      const cols = ['id', ...given.map(([, col]) => col)];
      const rows = run.items.map((item) => [item.id, ...given.map(([k]) => dbValue(k, item[k]))]);
      const inserted = await insertInto<{ id: string; pk: number }>(tx, 'accounts', cols, rows, 'ON CONFLICT (id) DO NOTHING RETURNING id, pk');
      const byId = new Map(inserted.map((r) => [r.id, r.pk]));
      for (const item of run.items) {
        const pk = byId.get(item.id);
        if (pk === undefined) continue;
        created += 1;
        rescoreNeeded.push(pk);
      }
      const raced = run.items.filter((item) => !byId.has(item.id)).map((item) => item.id);
      if (raced.length) for (const [id, pk] of await accountPksForUpdate(tx, raced)) pks.set(id, pk);
    }
    for (const item of items) {
      const pk = pks.get(item.id);
      if (pk === undefined) continue;
      const given = givenOf(item);
      // A new owner takes over the open tasks the previous owner had on the account (tasks given
      // to someone else stay theirs).
      if (item.ownerEmail) {
        await tx.run(
          `UPDATE tasks SET owner_email = ?, updated_at = ? WHERE account_pk = ? AND state <> 'done'
             AND owner_email = (SELECT owner_email FROM accounts WHERE pk = ?) AND owner_email <> ?`,
          [item.ownerEmail, Date.now(), pk, pk, item.ownerEmail],
        );
      }
      await tx.run(`UPDATE accounts SET ${[...given.map(([, col]) => `${col} = ?`), 'updated_at = ?'].join(', ')} WHERE pk = ?`, [
        ...given.map(([k]) => dbValue(k, item[k])), Date.now(), pk,
      ]);
      if (SCORE_INPUTS.some((k) => item[k] !== undefined)) rescoreNeeded.push(pk);
    }
    if (rescoreNeeded.length) await rescore(tx, { accountPks: rescoreNeeded });
    return { upserted: items.length, created };
  });
}

/** The account pk of each item, and an error for each item whose account does not exist. */
async function resolveAccounts(db: Store, items: { accountId: string }[]): Promise<{ accountPks: (number | undefined)[]; errors: ItemError[] }> {
  const ids = [...new Set(items.map((item) => item.accountId))];
  const found = new Map(
    (await db.all<{ id: string; pk: number }>(`SELECT id, pk FROM accounts WHERE ${db.dialect.inJsonArray('id', 'text')}`, [JSON.stringify(ids)])).map((r) => [r.id, r.pk]),
  );
  const errors: ItemError[] = [];
  const accountPks = items.map((item, index) => {
    const pk = found.get(item.accountId);
    if (pk === undefined) errors.push({ index, path: 'accountId', message: `unknown account "${item.accountId}"` });
    return pk;
  });
  return { accountPks, errors };
}

/** Every problem of a contact batch against the database, writing nothing (CSV checks use it). */
export async function checkContacts(db: Store, items: ContactInput[]): Promise<ItemError[]> {
  return [...duplicateIds(items), ...(await resolveAccounts(db, items)).errors];
}

/** Every problem of an outcome batch against the database, writing nothing. */
export async function checkOutcomes(db: Store, items: OutcomeInput[]): Promise<ItemError[]> {
  return [...duplicateIds(items), ...(await resolveAccounts(db, items)).errors];
}

export async function upsertContacts(db: Store, items: ContactInput[]): Promise<{ upserted: number }> {
  const resolved = await resolveAccounts(db, items);
  const errors = [...duplicateIds(items), ...resolved.errors];
  const { accountPks } = resolved;
  if (errors.length) fail(errors);
  return db.tx(async (tx) => {
    const now = Date.now();
    // A contact moved to another account leaves the breadth of the one it was in: both are rescored.
    const previous = await tx.column<number>(
      `SELECT DISTINCT account_pk FROM contacts WHERE ${tx.dialect.inJsonArray('id', 'text')}`,
      [JSON.stringify(items.map((item) => item.id))],
    );
    // Name and email left out keep their value; role and department too, but may be set to null.
    // Items that give the same of these two share a statement (in order, so contacts are created in order).
    const entries = items.map((item, i) => ({ item, accountPk: accountPks[i]! }));
    for (const run of runsOf(entries, ({ item }) => `${item.role !== undefined}|${item.department !== undefined}`)) {
      const { item: first } = run.items[0]!;
      const rows = run.items.map(({ item, accountPk }) => [
        item.id, accountPk, item.name ?? null, item.email?.toLowerCase() ?? null, item.role ?? null, item.department ?? null, now,
      ]);
      await insertInto(
        tx,
        'contacts',
        ['id', 'account_pk', 'name', 'email', 'role', 'department', 'updated_at'],
        rows,
        `ON CONFLICT (id) DO UPDATE SET account_pk = excluded.account_pk,
           name = coalesce(excluded.name, contacts.name), email = coalesce(excluded.email, contacts.email),
           role = ${first.role !== undefined ? 'excluded.role' : 'contacts.role'},
           department = ${first.department !== undefined ? 'excluded.department' : 'contacts.department'},
           updated_at = excluded.updated_at`,
      );
    }
    // Roles and departments feed the breadth measures.
    await rescore(tx, { accountPks: [...new Set([...(accountPks as number[]), ...previous])] });
    return { upserted: items.length };
  });
}

export async function insertOutcomes(db: Store, items: OutcomeInput[]): Promise<{ accepted: number; duplicates: number }> {
  const resolved = await resolveAccounts(db, items);
  const errors = [...duplicateIds(items), ...resolved.errors];
  const { accountPks } = resolved;
  if (errors.length) fail(errors);
  return db.tx(async (tx) => {
    const rows = items.map((item, i) => [item.id ?? null, accountPks[i]!, item.type, item.occurredAt, item.arrDelta ?? null, item.reason ?? null]);
    const inserted = await insertInto(
      tx,
      'outcomes',
      ['id', 'account_pk', 'type', 'occurred_at', 'arr_delta', 'reason'],
      rows,
      'ON CONFLICT (id) WHERE id IS NOT NULL DO NOTHING RETURNING pk',
    );
    await refreshChurnStatus(tx, [...new Set(accountPks as number[])]);
    return { accepted: inserted.length, duplicates: items.length - inserted.length };
  });
}

/**
 * An account is churned from its latest `churned` outcome unless a later `renewed` or `expanded`
 * outcome brought it back. Kept on the account so lists can leave former customers out.
 */
export async function refreshChurnStatus(db: Store, accountPks?: number[]): Promise<void> {
  const churnedAt = (account: string) => `(
       SELECT max(o.occurred_at) FROM outcomes o WHERE o.account_pk = ${account} AND o.type = 'churned'
         AND NOT EXISTS (SELECT 1 FROM outcomes r WHERE r.account_pk = o.account_pk AND r.type IN ('renewed', 'expanded') AND r.occurred_at > o.occurred_at)
     )`;
  const where = accountPks ? `WHERE ${db.dialect.inJsonArray('a.pk', 'int')}` : '';
  // Read first, then only the accounts whose status changes, locked in pk order as event batches
  // lock them (PostgreSQL): an update of every row in the table's order could deadlock with them.
  const rows = await db.all<{ pk: number; churned_at: number | null; target: number | null }>(
    `SELECT a.pk, a.churned_at, ${churnedAt('a.pk')} AS target FROM accounts a ${where} ORDER BY a.pk`,
    accountPks ? [JSON.stringify(accountPks)] : [],
  );
  const changed = rows.filter((r) => r.churned_at !== r.target).map((r) => r.pk);
  if (!changed.length) return;
  await db.tx(async (tx) => {
    await lockAccounts(tx, changed);
    await tx.run(`UPDATE accounts SET churned_at = ${churnedAt('accounts.pk')} WHERE ${tx.dialect.inJsonArray('pk', 'int')}`, [JSON.stringify(changed)]);
  });
}
