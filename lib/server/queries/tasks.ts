/**
 * Tasks for the API, "My day" and the account page. A snoozed task whose snooze has ended reads
 * as open again.
 */
import type { SqlParam, Store } from '@/lib/server/store';
import type { TaskState } from '../commands/tasks';
import { AppError } from '../errors';

export interface TaskItem {
  id: number;
  accountId: string;
  accountName: string;
  owner: string | null;
  title: string;
  reason: string | null;
  /** the playbook's key (null: added by hand) */
  playbook: string | null;
  playbookName: string | null;
  dueAt: string;
  state: TaskState;
  snoozedUntil: string | null;
  createdAt: string;
  doneAt: string | null;
  /** "done" by someone, or "condition_ended" (closed by its playbook) */
  closedReason: 'done' | 'condition_ended' | null;
  notes: { author: string | null; body: string; at: string }[];
}

export const STATE_SQL: Record<TaskState, string> = {
  open: "(t.state = 'open' OR (t.state = 'snoozed' AND t.snoozed_until <= @now))",
  snoozed: "(t.state = 'snoozed' AND t.snoozed_until > @now)",
  done: "t.state = 'done'",
};

export const MAX_TASKS_PAGE = 200;

export interface TaskFilters {
  owner?: string | null;
  accountId?: string;
  accountPk?: number;
  state?: TaskState;
  limit?: number;
  cursor?: string | null;
  now?: number;
}

interface Row {
  pk: number; account_id: string; account_name: string; owner_email: string | null; title: string; reason: string | null; playbook_key: string | null; playbook_name: string | null;
  due_at: number; state: TaskState; snoozed_until: number | null; created_at: number; done_at: number | null; closed_reason: 'done' | 'condition_ended' | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The cursor of a page: the last task's sort key (due time, then pk; done tasks: done time). */
function encodeCursor(a: number, pk: number): string {
  return Buffer.from(`${a}:${pk}`).toString('base64url');
}
function decodeCursor(cursor: string): [number, number] | null {
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Tasks by due date (done ones: most recently done first), a page at a time. */
export async function listTasks(db: Store, filters: TaskFilters): Promise<{ data: TaskItem[]; nextCursor: string | null }> {
  const now = filters.now ?? Date.now();
  const state = filters.state ?? 'open';
  const limit = Math.max(1, Math.min(filters.limit ?? 50, MAX_TASKS_PAGE));
  const where = [STATE_SQL[state]];
  const params: Record<string, SqlParam> = { now, limit: limit + 1 };
  if (filters.owner) {
    where.push('t.owner_email = @owner');
    params.owner = filters.owner;
  }
  if (filters.accountId !== undefined) {
    where.push('a.id = @account');
    params.account = filters.accountId;
  }
  if (filters.accountPk !== undefined) {
    where.push('t.account_pk = @accountPk');
    params.accountPk = filters.accountPk;
  }
  const done = state === 'done';
  const key = done ? 'coalesce(t.done_at, 0)' : 't.due_at';
  if (filters.cursor) {
    const c = decodeCursor(filters.cursor);
    if (!c) throw new AppError('invalid', 'The cursor is not one this list gave', [{ path: 'cursor', message: 'pass back the nextCursor of the previous page' }]);
    where.push(done ? `(${key} < @c1 OR (${key} = @c1 AND t.pk < @c2))` : `(${key} > @c1 OR (${key} = @c1 AND t.pk > @c2))`);
    params.c1 = c[0];
    params.c2 = c[1];
  }
  const rows = await db.all<Row>(
    `SELECT t.pk, a.id AS account_id, a.name AS account_name, t.owner_email, t.title, t.reason, p.key AS playbook_key, p.name AS playbook_name,
       t.due_at, t.state, t.snoozed_until, t.created_at, t.done_at, t.closed_reason
     FROM tasks t JOIN accounts a ON a.pk = t.account_pk LEFT JOIN playbooks p ON p.pk = t.playbook_pk
     WHERE ${where.join(' AND ')}
     ORDER BY ${key} ${done ? 'DESC' : 'ASC'}, t.pk ${done ? 'DESC' : 'ASC'} LIMIT @limit`,
    params,
  );
  const page = rows.slice(0, limit);
  const notes = await notesOf(db, page.map((r) => r.pk));
  const last = page[page.length - 1];
  return {
    data: page.map((r) => toItem(r, now, notes.get(r.pk) ?? [])),
    nextCursor: rows.length > limit && last ? encodeCursor(done ? (last.done_at ?? 0) : last.due_at, last.pk) : null,
  };
}

/**
 * Every open task (a snooze that has ended reads as open), of one owner or everyone's, by due
 * date: for "My day", which groups them by account and ranks them, and must not page them away.
 */
export async function allOpenTasks(db: Store, options: { owner?: string | null; now?: number } = {}): Promise<TaskItem[]> {
  const now = options.now ?? Date.now();
  const params: Record<string, SqlParam> = { now };
  const where = [STATE_SQL.open, 'a.churned_at IS NULL'];
  if (options.owner) {
    where.push('t.owner_email = @owner');
    params.owner = options.owner;
  }
  const rows = await db.all<Row>(
    `SELECT t.pk, a.id AS account_id, a.name AS account_name, t.owner_email, t.title, t.reason, p.key AS playbook_key, p.name AS playbook_name,
       t.due_at, t.state, t.snoozed_until, t.created_at, t.done_at, t.closed_reason
     FROM tasks t JOIN accounts a ON a.pk = t.account_pk LEFT JOIN playbooks p ON p.pk = t.playbook_pk
     WHERE ${where.join(' AND ')} ORDER BY t.due_at, t.pk`,
    params,
  );
  const notes = await notesOf(db, rows.map((r) => r.pk));
  return rows.map((r) => toItem(r, now, notes.get(r.pk) ?? []));
}

async function notesOf(db: Store, pks: number[]): Promise<Map<number, TaskItem['notes']>> {
  const out = new Map<number, TaskItem['notes']>();
  if (!pks.length) return out;
  for (const n of await db.all<{ task_pk: number; author_email: string | null; body: string; created_at: number }>(
    `SELECT task_pk, author_email, body, created_at FROM task_notes WHERE ${db.dialect.inJsonArray('task_pk', 'int')} ORDER BY created_at, pk`,
    [JSON.stringify(pks)],
  )) {
    const list = out.get(n.task_pk) ?? [];
    list.push({ author: n.author_email, body: n.body, at: iso(n.created_at)! });
    out.set(n.task_pk, list);
  }
  return out;
}

function toItem(r: Row, now: number, notes: TaskItem['notes']): TaskItem {
  const state: TaskState = r.state === 'snoozed' && (r.snoozed_until ?? 0) <= now ? 'open' : r.state;
  return {
    id: r.pk, accountId: r.account_id, accountName: r.account_name, owner: r.owner_email, title: r.title, reason: r.reason,
    playbook: r.playbook_key, playbookName: r.playbook_name, dueAt: iso(r.due_at)!, state, snoozedUntil: state === 'snoozed' ? iso(r.snoozed_until) : null,
    createdAt: iso(r.created_at)!, doneAt: iso(r.done_at), closedReason: r.closed_reason, notes,
  };
}

/** One task (for the PATCH answer), or null. */
export async function getTask(db: Store, pk: number, now = Date.now()): Promise<TaskItem | null> {
  const row = await db.get<Row>(
    `SELECT t.pk, a.id AS account_id, a.name AS account_name, t.owner_email, t.title, t.reason, p.key AS playbook_key, p.name AS playbook_name,
       t.due_at, t.state, t.snoozed_until, t.created_at, t.done_at, t.closed_reason
     FROM tasks t JOIN accounts a ON a.pk = t.account_pk LEFT JOIN playbooks p ON p.pk = t.playbook_pk WHERE t.pk = ?`,
    [pk],
  );
  if (!row) return null;
  return toItem(row, now, (await notesOf(db, [pk])).get(pk) ?? []);
}
