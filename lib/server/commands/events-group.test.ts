/** Several batches in one transaction (group commit): each batch stays all-or-nothing on its own. */
import { beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { describeEngines } from '@/lib/testing/engines';
import { upsertAccounts } from './accounts';
import { prepareDatabase } from './catalogue';
import { checkEvents, ingestEventGroup, ingestEvents } from './events';
import { rescorePending } from './rescore-pending';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);

const ev = (accountId: string, extra: Record<string, unknown> = {}): EventInput =>
  eventSchema.parse({ accountId, type: 'meeting.held', occurredAt: new Date(NOW - 2 * DAY).toISOString(), ...extra });

describeEngines('grouped event batches', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    await upsertAccounts(t.store, [{ id: 'A', name: 'A' }, { id: 'B', name: 'B' }]);
  });
  const count = async (sql: string) => (await t.store.value<number>(sql))!;

  describe('grouped event batches', () => {
    it('writes the good batches, refuses the bad one with its own errors, and lists the touched accounts once for all', async () => {
      const db = t.store;
      const outcomes = await ingestEventGroup(db, [
        { items: [ev('A'), ev('A')], options: { now: NOW } },
        { items: [ev('B'), ev('NOPE')], options: { now: NOW } },
        { items: [ev('B', { id: 'x' })], options: { now: NOW } },
      ]);
      expect(outcomes[0]).toEqual({ ok: true, result: { accepted: 2, duplicates: 0, accounts: 1 } });
      expect(outcomes[1]!.ok).toBe(false);
      if (!outcomes[1]!.ok) expect(outcomes[1]!.error.details).toEqual([{ index: 1, path: 'accountId', message: expect.stringMatching(/unknown account "NOPE"/) }]);
      expect(outcomes[2]).toEqual({ ok: true, result: { accepted: 1, duplicates: 0, accounts: 1 } });
      expect(await count('SELECT count(*) FROM events')).toBe(3);
      expect(await count('SELECT count(*) FROM rescore_pending')).toBe(2);
      expect(await rescorePending(db, { now: NOW })).toBe(2);
      expect(await count("SELECT count(*) FROM scores WHERE state = 'scored'")).toBe(2);
    });

    it('checks each batch against what the batches before it wrote', async () => {
      const outcomes = await ingestEventGroup(t.store, [
        { items: [ev('NEW')], options: { createAccounts: true, now: NOW } },
        { items: [ev('NEW', { id: 'y' }), ev('NEW', { id: 'y' })], options: { now: NOW } },
        { items: [ev('NEW', { id: 'z' })], options: { now: NOW } },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      expect(await count("SELECT count(*) FROM events e JOIN accounts a ON a.pk = e.account_pk WHERE a.id = 'NEW'")).toBe(2);
    });

    it('can leave scoring to a later rescore (bulk loads)', async () => {
      await ingestEvents(t.store, [ev('A')], { now: NOW, score: false });
      expect(await count('SELECT count(*) FROM events')).toBe(1);
      expect(await count('SELECT count(*) FROM agg_packed')).toBe(1);
      expect(await count('SELECT events FROM account_activity')).toBe(1);
      expect(await count('SELECT count(*) FROM rescore_pending')).toBe(0);
      expect(await count("SELECT count(*) FROM scores WHERE state = 'scored'")).toBe(0);
      expect(await count('SELECT count(*) FROM history_stale')).toBe(0);
    });

    it('reports every problem of a batch without writing (used to check CSV files)', async () => {
      const { errors } = await checkEvents(t.store, [ev('A', { contactId: 'nobody' }), ev('A', { type: 'Signed Up' }), ev('C')]);
      const found = errors.map((e) => `${e.index}:${e.path}`).sort();
      expect(found).toEqual(['0:contactId', '1:type', '2:accountId']);
      expect(await count('SELECT count(*) FROM events')).toBe(0);
    });
  });
});
