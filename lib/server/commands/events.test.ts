/** Events through the real write path (SQLite file, aggregates, stored scores), not the engine alone. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { packedDays, packedTypeDays } from '@/lib/testing/packed-aggregates';
import { createTempDb } from '@/lib/testing/temp-db';
import { AppError } from '../errors';
import { upsertAccounts, upsertContacts } from './accounts';
import { rebuildAggregates } from './aggregates';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { publishModel } from './model';
import { rescorePending } from './rescore-pending';
import { rescore } from './scores';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

let db: Db;
let cleanup: () => void;

beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
  upsertAccounts(db, [{ id: 'ACME', name: 'Acme', tier: 'growth', startedAt: NOW - 400 * DAY }]);
});
afterEach(() => cleanup());

function ev(type: string, daysAgo: number, extra: Partial<Record<keyof EventInput, unknown>> = {}): EventInput {
  return eventSchema.parse({ accountId: 'ACME', type, occurredAt: ago(daysAgo), ...extra });
}
const many = (n: number, type: string, daysAgo: number, extra = {}) => Array.from({ length: n }, () => ev(type, daysAgo, extra));

function stored(id = 'ACME') {
  return db.$client.prepare('SELECT s.* FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = ?').get(id) as {
    score: number | null; band: string | null; state: string; velocity: number | null; flags: string; dimensions: string;
  };
}
/** Events written, then the rescore the server does just after the commit. */
function ingest(items: EventInput[]) {
  const result = ingestEvents(db, items, { now: NOW });
  rescorePending(db, { now: NOW });
  return result;
}
const count = (table: string) => db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('ingesting events', () => {
  it('reproduces SCORING.md example 4 in the stored score: 61.0, yellow', () => {
    const features = [
      ['c1', 'core'], ['c2', 'core'], ['c3', 'core'], ['a1', 'advanced'], ['a2', 'advanced'], ['b1', 'basic'], ['b2', 'basic'], ['b3', 'basic'], ['b4', 'basic'],
    ];
    const insertFeature = db.$client.prepare('INSERT INTO features (key, label, tier) VALUES (?, ?, ?)');
    for (const [key, tier] of features) insertFeature.run(key, key, tier);
    upsertContacts(db, [
      { id: 'sponsor', accountId: 'ACME', role: 'executive_sponsor', department: 'Finance' },
      { id: 'ch-ops', accountId: 'ACME', role: 'champion', department: 'Ops' },
      { id: 'ch-it', accountId: 'ACME', role: 'champion', department: 'IT' },
      { id: 'pu-1', accountId: 'ACME', role: 'power_user', department: 'Ops' },
      { id: 'pu-2', accountId: 'ACME', role: 'power_user', department: 'Ops' },
      { id: 'pu-3', accountId: 'ACME', role: 'power_user', department: 'Ops' },
      { id: 'user', accountId: 'ACME', role: 'user', department: 'Sales' },
    ]);
    ingest([
      ev('support.interaction', 300),
      ev('meeting.held', 20, { contactId: 'sponsor', properties: { onTime: true, activeParticipation: true, strategic: true } }),
      ev('meeting.held', 12, { contactId: 'ch-ops', properties: { onTime: true, executiveAttended: true, followThrough: true } }),
      ev('meeting.held', 4, { contactId: 'ch-it', properties: { onTime: true } }),
      ...many(12, 'email.exchanged', 15, { contactId: 'user' }),
      ev('product.login', 10, { count: 10, contactId: 'pu-1' }),
      ev('product.login', 9, { count: 8, contactId: 'pu-2' }),
      ev('product.login', 8, { count: 5, contactId: 'pu-3' }),
      ...many(2, 'support.interaction', 5),
      ev('training.attended', 3),
      ...many(8, 'outreach.sent', 25),
      ...many(6, 'outreach.replied', 24, { properties: { responseHours: 6 } }),
      ...['c1', 'c2', 'a1', 'b1', 'b2'].map((f) => ev('feature.used', 6, { properties: { feature: f } })),
    ]);
    const s = stored();
    expect(s.state).toBe('scored');
    expect(s.score).toBe(61.0);
    expect(s.band).toBe('yellow');
    expect(JSON.parse(s.dimensions)).toEqual({ frequency: 47.83, quality: 63.33, breadth: 79.17, product: 57.69 });
  });

  it('moves the stored score, band and velocity once the accounts the events touched are rescored', () => {
    ingest([...many(12, 'meeting.held', 45)]);
    const before = stored();
    expect(before.velocity).toBe(-1);
    ingest([...many(8, 'meeting.held', 2)]);
    const after = stored();
    expect(after.score).toBeGreaterThan(before.score!);
    expect(after.velocity).toBeCloseTo(-1 / 3, 6);
  });

  it('refuses a whole batch with one bad item, writing nothing', () => {
    const good = ev('meeting.held', 3);
    expect(() => ingestEvents(db, [good, ev('no.such.trigger', 3), ev('meeting.held', 2, { accountId: 'NOPE' })], { now: NOW })).toThrowError(AppError);
    try {
      ingestEvents(db, [good, ev('no.such.trigger', 3), ev('meeting.held', 2, { accountId: 'NOPE' })], { now: NOW });
    } catch (error) {
      expect((error as AppError).details.map((d) => [d.index, d.path])).toEqual([[1, 'type'], [2, 'accountId']]);
    }
    expect(count('events')).toBe(0);
    expect(count('agg_packed')).toBe(0);
    expect(count('account_activity')).toBe(0);
  });

  it('never counts a re-sent event twice, and refuses repeated ids inside one batch', () => {
    const first = ingestEvents(db, [ev('meeting.held', 3, { id: 'e-1' }), ev('meeting.held', 3, { id: 'e-2' })], { now: NOW });
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = ingestEvents(db, [ev('meeting.held', 3, { id: 'e-1' }), ev('meeting.held', 3, { id: 'e-3' })], { now: NOW });
    expect(again).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(packedTypeDays(db, 'meeting.held').reduce((sum, r) => sum + r.n, 0)).toBe(3);
    expect(() => ingestEvents(db, [ev('meeting.held', 3, { id: 'x' }), ev('meeting.held', 3, { id: 'x' })], { now: NOW })).toThrowError(/invalid item/);
  });

  it('keeps incremental aggregates equal to a rebuild from the raw events', () => {
    upsertContacts(db, [{ id: 'c', accountId: 'ACME', role: 'champion', department: 'IT' }]);
    ingestEvents(db, [ev('meeting.held', 3, { contactId: 'c', properties: { onTime: true, strategic: false } }), ev('email.exchanged', 3, { properties: { sentiment: 0.5 } })], { now: NOW });
    ingestEvents(db, [ev('meeting.held', 3, { properties: { onTime: false } }), ev('email.exchanged', 3, { count: 2, properties: { sentiment: -0.25 } }), ev('feature.used', 1, { properties: { feature: 'x' } })], { now: NOW });
    ingestEvents(db, [ev('outreach.replied', 2, { properties: { responseHours: 5 } }), ev('outreach.replied', 2, { count: 1_000_000, properties: { responseHours: 30, other: 1 } })], { now: NOW });
    const snapshot = () => [packedDays(db), db.$client.prepare('SELECT * FROM account_activity ORDER BY 1').all()];
    const incremental = snapshot();
    rebuildAggregates(db);
    expect(snapshot()).toEqual(incremental);
    const emails = packedTypeDays(db, 'email.exchanged');
    expect(emails).toHaveLength(1);
    // Means only for most properties; values (each weighted by its event's count, never repeated) where medians read them.
    expect({ ...emails[0]!.props }).toEqual({ sentiment: { t: 0, s: 0, c: 3 } });
    const replies = packedTypeDays(db, 'outreach.replied');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.n).toBe(1_000_001);
    expect({ ...replies[0]!.props }).toEqual({ responseHours: { t: 0, s: 5 + 30 * 1_000_000, c: 1_000_001, v: [5, 30], w: [1, 1_000_000] }, other: { t: 0, s: 1_000_000, c: 1_000_000 } });
  });

  it('raises a red flag with evidence and an alert when outreach goes unanswered, and clears it on a reply', () => {
    ingest([ev('outreach.replied', 20), ...many(3, 'outreach.sent', 10)]);
    expect(JSON.parse(stored().flags)).toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
    const flag = db.$client.prepare("SELECT * FROM flags WHERE key = 'unanswered_outreach'").get() as { evidence: string; cleared_at: number | null };
    expect(flag.evidence).toMatch(/3 outreach/);
    expect(flag.cleared_at).toBeNull();
    expect(db.$client.prepare("SELECT count(*) FROM alerts WHERE kind = 'flag' AND key = 'unanswered_outreach'").pluck().get()).toBe(1);
    ingest([ev('outreach.replied', 1)]);
    expect(JSON.parse(stored().flags)).not.toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
    expect(db.$client.prepare("SELECT cleared_at FROM flags WHERE key = 'unanswered_outreach'").pluck().get()).not.toBeNull();
  });

  it('records a band drop as a band change and an alert', () => {
    publishModel(db, {
      author: 'test',
      model: {
        ...DEFAULT_MODEL,
        dimensions: [{ key: 'frequency', label: 'Meetings', weight: 100, measures: [{ key: 'meetings', label: 'Meetings', kind: 'count', event: 'meeting.held', points: 10, per: 1, cap: 40 }] }],
        overrides: [],
      },
    });
    ingest(many(4, 'meeting.held', 5));
    expect(stored()).toMatchObject({ score: 100, band: 'green' });
    rescore(db, { now: NOW + 30 * DAY });
    expect(stored()).toMatchObject({ score: 0, band: 'red' });
    expect(db.$client.prepare('SELECT from_band, to_band FROM band_changes ORDER BY pk DESC').get()).toEqual({ from_band: 'green', to_band: 'red' });
    expect(db.$client.prepare("SELECT severity, title FROM alerts WHERE kind = 'band_drop'").get()).toEqual({ severity: 'red', title: 'Dropped to Disengaged' });
  });
});
