/**
 * Logging a touchpoint from the app: an event (source `app`) of the kind's trigger, written like an
 * API event (one transaction with its aggregates and touches), then the account is rescored at
 * once, so the score, cadence and tasks the page shows next already count it (and taken off the
 * list of the background rescore, which would score it again from the same figures).
 */
import { randomUUID } from 'node:crypto';
import { hasRole } from '@/lib/roles';
import { MAX_BACKDATE_DAYS, MEETING_ATTRIBUTES, TOUCHPOINT_TRIGGERS, type Touchpoint } from '@/lib/programme/touchpoints';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';
import { ingestEvents } from './events';
import { rescoreListedNow } from './rescore-pending';

const DAY_MS = 86_400_000;
/** A clock a few minutes ahead of the server's is not an error. */
const CLOCK_SKEW_MS = 5 * 60_000;

function when(value: string | undefined, now: number): number {
  if (!value) return now;
  // The form's datetime-local value has no offset: it is read as UTC, as the page shows times.
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (!Number.isFinite(ms)) throw new AppError('invalid', 'When did it happen? Give a date and time', [{ path: 'occurredAt', message: 'not a date and time' }]);
  if (ms > now + CLOCK_SKEW_MS) throw new AppError('invalid', 'A touchpoint cannot be in the future', [{ path: 'occurredAt', message: 'in the future' }]);
  if (ms < now - MAX_BACKDATE_DAYS * DAY_MS) throw new AppError('invalid', `A touchpoint may be at most ${MAX_BACKDATE_DAYS} days old`, [{ path: 'occurredAt', message: `more than ${MAX_BACKDATE_DAYS} days ago` }]);
  return ms;
}

export async function logTouchpoint(db: Store, input: Touchpoint, user: CurrentUser, now = Date.now()): Promise<{ eventId: string; occurredAt: number }> {
  const account = await db.get<{ pk: number; owner_email: string | null }>('SELECT pk, owner_email FROM accounts WHERE id = ?', [input.accountId]);
  if (!account) throw new AppError('not_found', `There is no account "${input.accountId}"`);
  if (!hasRole(user.role, 'manager') && account.owner_email !== user.email) throw new AppError('forbidden', 'This account belongs to another CSM');
  const occurredAt = when(input.occurredAt, now);
  const properties: Record<string, string | number | boolean> = Object.create(null);
  properties.loggedBy = user.email;
  if (user.name) properties.loggedByName = user.name;
  if (input.kind === 'call' || input.kind === 'meeting') {
    properties.channel = input.kind;
    for (const a of MEETING_ATTRIBUTES) properties[a.key] = input[a.key] === true;
  }
  if (input.minutes !== undefined) properties.minutes = input.minutes;
  if (input.note) properties.text = input.note;
  const eventId = `app:${randomUUID()}`;
  await ingestEvents(
    db,
    [{ id: eventId, accountId: input.accountId, type: TOUCHPOINT_TRIGGERS[input.kind], occurredAt, count: 1, contactId: input.contactId, properties: { ...properties } }],
    { source: 'app', now },
  );
  await rescoreListedNow(db, [account.pk], now);
  return { eventId, occurredAt };
}
