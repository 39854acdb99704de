/**
 * The cadence (which touchpoints each tier calls for) and the touches it reads: the newest
 * published version is live (the framework's defaults until an admin publishes one); the last
 * time each account had each touch the live cadence names is kept in `account_touches`, in the
 * transaction that writes the events (`applyTouches`), and filled from the stored events when a
 * published cadence names a touch the previous one did not (`backfillTouches`).
 */
import { issuePath } from '@/lib/programme/describe';
import { cadenceSchema, DEFAULT_CADENCE, touchesOf, touchOf, triggersOf, type Cadence, type Fulfiller } from '@/lib/programme/cadence';
import type { SqlParam, Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { recordAudit, type AuditEntry } from './audit';
import { insertInto } from './row-writer';

export interface LiveCadence {
  /** 0: nothing published yet (the defaults) */
  version: number;
  cadence: Cadence;
  publishedAt: number | null;
  author: string | null;
  note: string | null;
  /** the touches it names, by trigger key */
  byTrigger: Map<string, { touch: string; property: string | null }[]>;
}

function live(version: number, cadence: Cadence, row?: { published_at: number; author: string; note: string | null }): LiveCadence {
  const byTrigger = new Map<string, { touch: string; property: string | null }[]>();
  for (const [touch, f] of touchesOf(cadence)) {
    const list = byTrigger.get(f.trigger) ?? [];
    list.push({ touch, property: f.property ?? null });
    byTrigger.set(f.trigger, list);
  }
  return { version, cadence, publishedAt: row?.published_at ?? null, author: row?.author ?? null, note: row?.note ?? null, byTrigger };
}

const DEFAULT_LIVE = live(0, DEFAULT_CADENCE);
/**
 * Parsed versions: a version never changes once published. One is known by its number, publish
 * time and text length, so that the databases one process may open (tests, db:copy) never share
 * an entry unless their versions are the same.
 */
const parsed = new Map<string, LiveCadence>();
const PARSED_LIMIT = 50;

/** The live cadence: one small read per call (another process may have published meanwhile). */
export async function liveCadence(db: Store): Promise<LiveCadence> {
  const head = await db.get<{ version: number; published_at: number; length: number }>(
    'SELECT version, published_at, length(cadence) AS length FROM cadence_versions ORDER BY version DESC LIMIT 1',
  );
  if (!head) return DEFAULT_LIVE;
  const key = `${head.version}@${head.published_at}:${head.length}`;
  const cached = parsed.get(key);
  if (cached) return cached;
  const row = (await db.get<{ cadence: string; published_at: number; author: string; note: string | null }>(
    'SELECT cadence, published_at, author, note FROM cadence_versions WHERE version = ?',
    [head.version],
  ))!;
  const value = live(head.version, cadenceSchema.parse(JSON.parse(row.cadence)), row);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(key, value);
  return value;
}

export interface TouchEvent {
  accountPk: number;
  type: string;
  occurredAt: number;
  properties: Record<string, unknown> | null;
}

/** A property that marks a touch: JSON true (or the text "true" a CSV column carries). */
const isTrue = (v: unknown) => v === true || v === 'true';

/**
 * Records the touches of newly written events (their latest time per account and touch). Run in
 * the transaction that writes the events.
 */
export async function applyTouches(db: Store, events: Iterable<TouchEvent>): Promise<void> {
  const { byTrigger } = await liveCadence(db);
  const latest = new Map<number, Map<string, number>>();
  for (const e of events) {
    const touches = byTrigger.get(e.type);
    if (!touches) continue;
    for (const t of touches) {
      if (t.property !== null && !(e.properties && Object.hasOwn(e.properties, t.property) && isTrue(e.properties[t.property]))) continue;
      let account = latest.get(e.accountPk);
      if (!account) latest.set(e.accountPk, (account = new Map()));
      const at = account.get(t.touch);
      if (at === undefined || e.occurredAt > at) account.set(t.touch, e.occurredAt);
    }
  }
  if (!latest.size) return;
  const rows: SqlParam[][] = [];
  for (const pk of [...latest.keys()].sort((a, b) => a - b)) for (const [touch, at] of latest.get(pk)!) rows.push([pk, touch, at]);
  await insertInto(
    db,
    'account_touches',
    ['account_pk', 'touch', 'last_at'],
    rows,
    `ON CONFLICT (account_pk, touch) DO UPDATE SET last_at = ${db.dialect.greatest('account_touches.last_at', 'excluded.last_at')}`,
  );
}

/** SQL that is true when the event's property is JSON true (or the text "true"); one `?`: the property name. */
function propertyIsTrue(db: Store): string {
  return db.engine === 'postgres'
    ? "(CAST(properties AS jsonb) ->> CAST(? AS text)) = 'true'"
    : "(json_extract(properties, '$.\"' || ? || '\"') IN (1, 'true') AND json_type(properties, '$.\"' || ? || '\"') IN ('true', 'text'))";
}

/** Sets the touches from the stored events (every account at once): for touches a cadence newly names. */
export async function backfillTouches(db: Store, touches: Iterable<[string, Fulfiller]>): Promise<void> {
  for (const [touch, f] of touches) {
    const propertyParams: SqlParam[] = f.property ? (db.engine === 'postgres' ? [f.property] : [f.property, f.property]) : [];
    await db.run(
      `INSERT INTO account_touches (account_pk, touch, last_at)
       SELECT account_pk, ?, max(occurred_at) FROM events WHERE type = ?${f.property ? ` AND ${propertyIsTrue(db)}` : ''} GROUP BY account_pk
       ON CONFLICT (account_pk, touch) DO UPDATE SET last_at = excluded.last_at`,
      [touch, f.trigger, ...propertyParams],
    );
  }
}

const BUILT = 'cadence.touchesBuilt';

/**
 * Every touch of the live cadence again from the stored events: after a bulk load that wrote
 * events without them, or on a database whose events predate the touches.
 */
export async function rebuildTouches(db: Store): Promise<void> {
  await db.tx(async (tx) => {
    const { cadence } = await liveCadence(tx);
    await tx.run('DELETE FROM account_touches');
    await backfillTouches(tx, touchesOf(cadence));
    await tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [BUILT, 'true']);
  });
}

/** Builds the touches once on a database that has events but never had them built. */
export async function ensureTouches(db: Store): Promise<boolean> {
  if (await db.value('SELECT 1 FROM settings WHERE key = ?', [BUILT])) return false;
  await rebuildTouches(db);
  return true;
}

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

/**
 * Publishes a cadence: checked (every trigger it names must be in the catalogue), stored as the
 * new live version, touches it names for the first time filled from the stored events, and every
 * account's cadence status recomputed (`refreshAllProgramme` runs after, outside this call).
 */
export async function publishCadence(db: Store, json: unknown, note: string | null, actor: Actor): Promise<{ version: number }> {
  const checked = cadenceSchema.safeParse(json);
  if (!checked.success) {
    throw new AppError(
      'invalid',
      'The cadence is not valid',
      checked.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
    );
  }
  const cadence = checked.data;
  return db.tx(async (tx) => {
    const known = new Set(await tx.column<string>('SELECT key FROM triggers'));
    const unknown = triggersOf(cadence).filter((t) => !known.has(t.trigger));
    if (unknown.length) {
      throw new AppError('invalid', `The cadence names ${unknown.length === 1 ? 'a trigger' : 'triggers'} not in the catalogue`, unknown.map((t) => ({ path: t.path, message: `no trigger "${t.trigger}"` })));
    }
    const before = await liveCadence(tx);
    const had = touchesOf(before.cadence);
    const added = [...touchesOf(cadence)].filter(([touch]) => !had.has(touch));
    const row = await tx.get<{ version: number }>('INSERT INTO cadence_versions (cadence, author, note, published_at) VALUES (?, ?, ?, ?) RETURNING version', [
      JSON.stringify(cadence),
      actor.actor,
      note,
      Date.now(),
    ]);
    // A touch the live cadence did not name was not kept as events arrived: read it from them.
    await backfillTouches(tx, added);
    await recordAudit(tx, { ...actor, action: 'cadence.published', targetType: 'cadence', targetId: String(row!.version), details: { note, added: added.map(([t]) => t) } });
    return { version: row!.version };
  });
}

/** The touch a cadence item names, for labels ("meeting.held#executiveAttended"). */
export { touchOf };
