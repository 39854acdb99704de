/** The account page's stakeholders and the accounts list's latest activity, read from the aggregates, against the raw events. */
import { beforeEach, describe, expect, it } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import { DAY_MS } from '@/lib/scoring';
import { describeEngines } from '@/lib/testing/engines';
import { upsertAccounts, upsertContacts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { ingestEvents } from '../commands/events';
import { getAccountDetail } from './account-detail';
import { accountsViewMeta } from './account-view';

const NOW = Date.UTC(2026, 5, 15, 12);
const ago = (days: number, hours = 0) => new Date(NOW - days * DAY_MS - hours * 3_600_000).toISOString();

const ev = (accountId: string, contactId: string | undefined, daysAgo: number, count = 1, type = 'meeting.held') =>
  eventSchema.parse({ accountId, contactId, type, occurredAt: ago(daysAgo, 2), count });

describeEngines('account reads', (t) => {
  beforeEach(async () => {
    const db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [
      { id: 'A', name: 'A', tier: 'growth', startedAt: NOW - 400 * DAY_MS },
      { id: 'B', name: 'B', tier: 'core', startedAt: NOW - 400 * DAY_MS },
    ]);
    await upsertContacts(db, [
      { id: 'a1', accountId: 'A', name: 'Ann', role: 'champion', department: 'IT' },
      { id: 'a2', accountId: 'A', name: 'Al', role: 'executive_sponsor', department: 'Finance' },
      { id: 'a3', accountId: 'A', name: 'Amy', role: 'user', department: 'Ops' },
      { id: 'b1', accountId: 'B', name: 'Bo', role: 'champion', department: 'IT' },
    ]);
  });

  describe('account detail stakeholders', () => {
    it("give each contact's last active day and interactions in the score window, as the events say", async () => {
      const db = t.store;
      await ingestEvents(db, [ev('A', 'a1', 3, 2), ev('A', 'a1', 3, 1, 'email.exchanged'), ev('A', 'a1', 5), ev('A', 'a1', 200, 4)], { now: NOW });
      // In separate batches, so stored blocks are merged into.
      await ingestEvents(db, [ev('A', 'a2', 150), ev('A', undefined, 1, 9), ev('B', 'b1', 0, 5)], { now: NOW });
      await ingestEvents(db, [ev('A', 'a1', 1, 3)], { now: NOW });

      const detail = (await getAccountDetail(db, 'A', { now: NOW }))!;
      const { from, to } = detail.result.window;
      expect(detail.stakeholders.map((s) => s.id)).toEqual(['a2', 'a1', 'a3']); // executive sponsor, champion, others
      const byId = Object.fromEntries(detail.stakeholders.map((s) => [s.id, s]));
      const dayIso = (daysAgo: number) => new Date(Math.floor((NOW - daysAgo * DAY_MS - 2 * 3_600_000) / DAY_MS) * DAY_MS).toISOString();
      expect(byId.a1).toMatchObject({ name: 'Ann', lastActiveAt: dayIso(1), interactionsInWindow: 2 + 1 + 1 + 3 });
      expect(byId.a2).toMatchObject({ lastActiveAt: dayIso(150), interactionsInWindow: 0 });
      expect(byId.a3).toMatchObject({ lastActiveAt: null, interactionsInWindow: 0 });

      // The same questions asked of the raw events (whole days of the window).
      const windowFrom = Math.floor(from / DAY_MS) * DAY_MS;
      const windowTo = Math.ceil(to / DAY_MS) * DAY_MS;
      for (const s of detail.stakeholders) {
        const pk = (await db.value<number>('SELECT pk FROM contacts WHERE id = ?', [s.id]))!;
        const last = (await db.value<number | null>('SELECT max(occurred_at) FROM events WHERE contact_pk = ? AND occurred_at < ?', [pk, windowTo])) ?? null;
        const inWindow = await db.value('SELECT coalesce(sum(count), 0) FROM events WHERE contact_pk = ? AND occurred_at >= ? AND occurred_at < ?', [pk, windowFrom, windowTo]);
        expect([s.lastActiveAt, s.interactionsInWindow], s.id).toEqual([last === null ? null : new Date(Math.floor(last / DAY_MS) * DAY_MS).toISOString(), inWindow]);
      }
    });
  });

  describe('accounts view', () => {
    it('names the latest day with activity, or none before any event', async () => {
      const db = t.store;
      const user = { pk: 1, email: 'admin@example.com', name: null, role: 'admin' as const };
      expect((await accountsViewMeta(db, user)).latestActivity).toBeNull();
      await ingestEvents(db, [ev('A', 'a1', 3), ev('B', undefined, 2)], { now: NOW });
      await ingestEvents(db, [ev('A', 'a1', 40)], { now: NOW });
      expect((await accountsViewMeta(db, user)).latestActivity).toBe(ago(2, 2).slice(0, 10));
    });

    it('lists the owners as they are after every write, though the list is kept between renders', async () => {
      const db = t.store;
      const user = { pk: 1, email: 'admin@example.com', name: null, role: 'admin' as const };
      expect((await accountsViewMeta(db, user)).owners).toEqual([]);
      await upsertAccounts(db, [{ id: 'A', name: 'A', ownerEmail: 'zoe@example.com' }]);
      expect((await accountsViewMeta(db, user)).owners).toEqual(['zoe@example.com']);
      await upsertAccounts(db, [{ id: 'B', name: 'B', ownerEmail: 'Bea@Example.com' }, { id: 'A', name: 'A', ownerEmail: 'amy@example.com' }]);
      expect((await accountsViewMeta(db, user)).owners).toEqual(['amy@example.com', 'bea@example.com']);
    });
  });
});
