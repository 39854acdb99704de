/** An account's recent events (a page at a time, searchable by note) and outcomes, newest first. */
import type { SqlParam, Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { containing } from './accounts';

export interface TimelineEvent {
  id: string | null;
  type: string;
  /** the trigger's label in the catalogue (the type itself when the catalogue has none) */
  label: string;
  occurredAt: string;
  count: number;
  contact: string | null;
  properties: Record<string, unknown> | null;
  source: string | null;
}

export interface TimelinePage {
  data: TimelineEvent[];
  /** for the next (older) page; null on the last page */
  nextCursor: string | null;
}

export const TIMELINE_PAGE_SIZE = 25;
export const MAX_TIMELINE_PAGE = 200;
/** The longest note search the timeline takes. */
export const MAX_TIMELINE_SEARCH = 200;

export interface TimelineOptions {
  /** only events of these types */
  types?: string[];
  /** only events before this instant (the page as of an earlier day) */
  before?: number;
  /** events whose note (`properties.text`) contains this text, case-insensitive, taken literally */
  q?: string;
  /** the `nextCursor` of the previous page */
  cursor?: string | null;
  limit?: number;
}

/** The cursor of a page: the last event's time and pk (events of one instant keep a stable order). */
function encodeCursor(at: number, pk: number): string {
  return Buffer.from(`${at}:${pk}`).toString('base64url');
}
function decodeCursor(cursor: string): [number, number] {
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new AppError('invalid', 'The cursor is not valid; start again without it', [{ path: 'cursor', message: 'Use the nextCursor of a previous answer' }]);
  return [Number(m[1]), Number(m[2])];
}

type Row = { pk: number; id: string | null; type: string; label: string | null; occurred_at: number; count: number; contact: string | null; properties: string | null; source: string | null };

/** One page of the account's events, newest first. */
export async function accountTimelinePage(db: Store, accountPk: number, options: TimelineOptions = {}): Promise<TimelinePage> {
  const where = ['e.account_pk = ?'];
  const params: SqlParam[] = [accountPk];
  if (options.types?.length) {
    where.push(`e.type IN (${options.types.map(() => '?').join(',')})`);
    params.push(...options.types);
  }
  if (options.before) {
    where.push('e.occurred_at < ?');
    params.push(options.before);
  }
  const q = options.q?.trim();
  if (q) {
    if (q.length > MAX_TIMELINE_SEARCH) throw new AppError('invalid', `Search for at most ${MAX_TIMELINE_SEARCH} characters`, [{ path: 'q', message: `at most ${MAX_TIMELINE_SEARCH} characters` }]);
    where.push(`${db.dialect.jsonText('e.properties', 'text')} ${db.dialect.ilike} ? ESCAPE '\\'`);
    params.push(containing(q));
  }
  if (options.cursor) {
    const [at, pk] = decodeCursor(options.cursor);
    // The first condition alone lets the (account, time) index start at the cursor.
    where.push('e.occurred_at <= ? AND (e.occurred_at < ? OR e.pk < ?)');
    params.push(at, at, pk);
  }
  const limit = Math.max(1, Math.min(options.limit ?? TIMELINE_PAGE_SIZE, MAX_TIMELINE_PAGE));
  const rows = await db.all<Row>(
    `SELECT e.pk, e.id, e.type, t.label, e.occurred_at, e.count, coalesce(ct.name, ct.id) AS contact, e.properties, e.source
     FROM events e LEFT JOIN contacts ct ON ct.pk = e.contact_pk LEFT JOIN triggers t ON t.key = e.type
     WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.pk DESC LIMIT ?`,
    [...params, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      id: r.id, type: r.type, label: r.label ?? r.type, occurredAt: new Date(r.occurred_at).toISOString(), count: r.count, contact: r.contact,
      properties: r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : null, source: r.source,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.occurred_at, last.pk) : null,
  };
}

/** The account's newest events (one page, no cursor). */
export async function accountTimeline(db: Store, accountPk: number, options: Omit<TimelineOptions, 'cursor'> = {}): Promise<TimelineEvent[]> {
  return (await accountTimelinePage(db, accountPk, options)).data;
}

export async function accountOutcomes(db: Store, accountPk: number) {
  return (await db.all<{ type: string; occurred_at: number; arr_delta: number | null; reason: string | null }>(
    'SELECT type, occurred_at, arr_delta, reason FROM outcomes WHERE account_pk = ? ORDER BY occurred_at DESC, pk DESC',
    [accountPk],
  )).map((o) => ({ type: o.type, occurredAt: new Date(o.occurred_at).toISOString(), arrDelta: o.arr_delta, reason: o.reason }));
}

export async function modelVersionMarkers(db: Store) {
  return (await db.all<{ version: number; published_at: number; note: string | null }>('SELECT version, published_at, note FROM model_versions ORDER BY version')).map(
    (v) => ({ version: v.version, publishedAt: new Date(v.published_at).toISOString(), note: v.note }),
  );
}
