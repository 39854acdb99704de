/**
 * Acting on tasks: done, snoozed, opened again, reassigned (managers), a note added, or a task added
 * by hand. A CSM acts on the tasks of their own accounts (or given to them); managers and admins on
 * everyone's. Every change is audited.
 */
import { hasRole } from '@/lib/roles';
import type { Store } from '@/lib/server/store';
import { DAY_MS } from '@/lib/programme/cadence';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';
import { recordAudit } from './audit';

export const TASK_STATES = ['open', 'done', 'snoozed'] as const;
export type TaskState = (typeof TASK_STATES)[number];
/** The longest a task may be snoozed. */
export const MAX_SNOOZE_DAYS = 90;
export const MAX_NOTE_LENGTH = 2_000;

/** Who acts: a signed-in user, or an API key (which acts for the whole team). */
export type TaskActor = { kind: 'user'; user: CurrentUser; ip?: string | null } | { kind: 'key'; name: string; ip?: string | null };

interface TaskRow { pk: number; state: TaskState; owner_email: string | null; account_owner: string | null; account_id: string }

async function loadTask(db: Store, pk: number, actor: TaskActor): Promise<TaskRow> {
  const lock = db.engine === 'postgres' ? ' FOR UPDATE OF t' : '';
  const row = await db.get<TaskRow>(
    `SELECT t.pk, t.state, t.owner_email, a.owner_email AS account_owner, a.id AS account_id FROM tasks t JOIN accounts a ON a.pk = t.account_pk WHERE t.pk = ?${lock}`,
    [pk],
  );
  if (!row) throw new AppError('not_found', 'That task no longer exists');
  if (actor.kind === 'user' && !hasRole(actor.user.role, 'manager') && row.owner_email !== actor.user.email && row.account_owner !== actor.user.email) {
    throw new AppError('forbidden', 'This task belongs to another CSM’s account');
  }
  return row;
}

function audit(db: Store, actor: TaskActor, action: string, pk: number, details: Record<string, unknown>) {
  return recordAudit(db, {
    actor: actor.kind === 'user' ? actor.user.email : `api key ${actor.name}`,
    actorUserPk: actor.kind === 'user' ? actor.user.pk : null,
    action,
    targetType: 'task',
    targetId: String(pk),
    details,
    ip: actor.ip ?? null,
  });
}

const userPk = (actor: TaskActor) => (actor.kind === 'user' ? actor.user.pk : null);

export interface TaskChange {
  state?: TaskState;
  /** with state "snoozed": until when (default: a day from now) */
  snoozeUntil?: number;
  note?: string;
}

/** Changes a task's state and/or adds a note, in one transaction. */
export async function updateTask(db: Store, pk: number, change: TaskChange, actor: TaskActor, now = Date.now()): Promise<void> {
  if (change.state === undefined && !change.note) throw new AppError('invalid', 'Say what to change: a state or a note', [{ path: 'state', message: 'give "state", "note" or both' }]);
  if (change.snoozeUntil !== undefined && change.state !== 'snoozed') throw new AppError('invalid', 'snoozeUntil goes with state "snoozed"', [{ path: 'snoozeUntil', message: 'only with state "snoozed"' }]);
  if (change.state === 'snoozed') {
    const until = change.snoozeUntil ?? now + DAY_MS;
    if (until <= now) throw new AppError('invalid', 'Snooze until a time in the future', [{ path: 'snoozeUntil', message: 'must be in the future' }]);
    if (until > now + MAX_SNOOZE_DAYS * DAY_MS) throw new AppError('invalid', `Snooze for at most ${MAX_SNOOZE_DAYS} days`, [{ path: 'snoozeUntil', message: `at most ${MAX_SNOOZE_DAYS} days ahead` }]);
    change = { ...change, snoozeUntil: until };
  }
  const note = change.note?.trim();
  if (change.note !== undefined && !note) throw new AppError('invalid', 'The note is empty', [{ path: 'note', message: 'write something' }]);
  if (note && note.length > MAX_NOTE_LENGTH) throw new AppError('invalid', `A note is at most ${MAX_NOTE_LENGTH} characters`, [{ path: 'note', message: `at most ${MAX_NOTE_LENGTH} characters` }]);
  await db.tx(async (tx) => {
    const task = await loadTask(tx, pk, actor);
    if (change.state === 'done') {
      await tx.run("UPDATE tasks SET state = 'done', done_at = ?, done_by_user_pk = ?, closed_reason = 'done', snoozed_until = NULL, updated_at = ? WHERE pk = ?", [now, userPk(actor), now, pk]);
    } else if (change.state === 'snoozed') {
      await tx.run("UPDATE tasks SET state = 'snoozed', snoozed_until = ?, done_at = NULL, done_by_user_pk = NULL, closed_reason = NULL, updated_at = ? WHERE pk = ?", [change.snoozeUntil!, now, pk]);
    } else if (change.state === 'open') {
      await tx.run("UPDATE tasks SET state = 'open', snoozed_until = NULL, done_at = NULL, done_by_user_pk = NULL, closed_reason = NULL, updated_at = ? WHERE pk = ?", [now, pk]);
    }
    if (note) {
      await tx.run('INSERT INTO task_notes (task_pk, author_email, body, created_at) VALUES (?, ?, ?, ?)', [pk, actor.kind === 'user' ? actor.user.email : `api key ${actor.name}`, note, now]);
      if (change.state === undefined) await tx.run('UPDATE tasks SET updated_at = ? WHERE pk = ?', [now, pk]);
    }
    await audit(tx, actor, change.state ? `task.${change.state === 'open' ? 'reopened' : change.state}` : 'task.noted', pk, {
      account: task.account_id,
      from: task.state,
      ...(change.state ? { to: change.state } : {}),
      ...(change.snoozeUntil ? { snoozeUntil: new Date(change.snoozeUntil).toISOString() } : {}),
      ...(note ? { note: true } : {}),
    });
  });
}

/** Gives a task to another CSM (managers and admins). */
export async function reassignTask(db: Store, pk: number, ownerEmail: string, user: CurrentUser, ip: string | null = null, now = Date.now()): Promise<void> {
  if (!hasRole(user.role, 'manager')) throw new AppError('forbidden', 'Only managers reassign tasks');
  await db.tx(async (tx) => {
    const task = await loadTask(tx, pk, { kind: 'user', user });
    const target = await tx.get<{ email: string }>('SELECT email FROM users WHERE lower(email) = lower(?) AND disabled_at IS NULL', [ownerEmail]);
    if (!target) throw new AppError('invalid', `No active user has the email ${ownerEmail}`, [{ path: 'owner', message: 'not an active user' }]);
    await tx.run('UPDATE tasks SET owner_email = ?, updated_at = ? WHERE pk = ?', [target.email, now, pk]);
    await audit(tx, { kind: 'user', user, ip }, 'task.reassigned', pk, { account: task.account_id, from: task.owner_email, to: target.email });
  });
}

/** Adds a task by hand on an account (its owner by default). */
export async function createTask(
  db: Store,
  input: { accountId: string; title: string; dueAt: number; owner?: string | null },
  user: CurrentUser,
  ip: string | null = null,
  now = Date.now(),
): Promise<{ pk: number }> {
  return db.tx(async (tx) => {
    const account = await tx.get<{ pk: number; owner_email: string | null }>('SELECT pk, owner_email FROM accounts WHERE id = ?', [input.accountId]);
    if (!account) throw new AppError('not_found', `There is no account "${input.accountId}"`);
    if (!hasRole(user.role, 'manager') && account.owner_email !== user.email) throw new AppError('forbidden', 'This account belongs to another CSM');
    const owner = input.owner && hasRole(user.role, 'manager') ? input.owner : (account.owner_email ?? user.email);
    const row = await tx.get<{ pk: number }>(
      'INSERT INTO tasks (account_pk, owner_email, title, reason, due_at, created_at, created_by_user_pk, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk',
      [account.pk, owner, input.title, `Added by ${user.name ?? user.email}`, input.dueAt, now, user.pk, now],
    );
    await audit(tx, { kind: 'user', user, ip }, 'task.created', row!.pk, { account: input.accountId, title: input.title });
    return { pk: row!.pk };
  });
}
