/** AggregateReader's streaming reads of the packed blocks against the blocks decoded whole, edge cases included. */
import { beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '@/db/seed';
import { DAY_MS, recordOfLent } from '@/lib/scoring';
import { openStore, sqliteStore, type Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import {
  aggregatedEventCount,
  AggregateReader,
  applyEventsToAggregates,
  contactActivity,
  readAccountDays,
  rebuildAggregates,
  type AggregatableEvent,
  type AggregateReaderOptions,
  type AggregateSink,
} from '.';

const END = Date.UTC(2026, 0, 10);
const TO_DAY = END / DAY_MS;
const FROM_DAY = TO_DAY - 61;

const at = (day: number) => day * DAY_MS + 3_600_000;
const e = (type: string, day: number, more: Partial<AggregatableEvent> = {}): AggregatableEvent => ({ accountPk: 1, contactPk: null, type, occurredAt: at(day), count: 1, properties: null, ...more });

let db: Store;

interface Rows { types: unknown[][]; contacts: unknown[][]; features: unknown[][] }

/** A sink that records every row it is given into `out` (copying the lent statistics). */
const sinkInto = (out: Rows): AggregateSink => ({
  type: (t, type, n, props) => out.types.push([t / DAY_MS, type, n, props ? recordOfLent(props) : null]),
  contact: (t, id, n) => out.contacts.push([t / DAY_MS, id, n]),
  feature: (t, type, feature, n) => out.features.push([t / DAY_MS, type, feature, n]),
});

async function viaReader(reader: AggregateReader, pk: number, contactIds: Map<number, string>): Promise<Rows> {
  const out: Rows = { types: [], contacts: [], features: [] };
  await reader.read(pk, contactIds, sinkInto(out));
  return out;
}

async function viaDecoded(pk: number, contactIds: Map<number, string>, propTypes?: string[]): Promise<Rows> {
  const days = await readAccountDays(db, pk, FROM_DAY, TO_DAY);
  return {
    types: days.flatMap((d) => [...d.types].map(([type, { n, props }]) => [d.day, type, n, props && (!propTypes || propTypes.includes(type)) ? props : null])),
    contacts: days.flatMap((d) => [...d.contacts].filter(([contactPk]) => contactIds.has(contactPk)).map(([contactPk, n]) => [d.day, contactIds.get(contactPk), n])),
    features: days.flatMap((d) => [...d.features].flatMap(([type, m]) => [...m].map(([feature, n]) => [d.day, type, feature, n]))),
  };
}

describeEngines('the aggregate reader', (t) => {
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    await seedDemo(db, { accounts: 12, months: 3, seed: 3, end: new Date(END), aggregate: (d) => rebuildAggregates(d) });
    // Added through the incremental path, so the blocks of account 1 are merged into: a type and a
    // feature nobody declared, a huge count, a contact pk above every known contact, statistics on
    // a type nobody asked for, decimals.
    await db.tx((tx) =>
      applyEventsToAggregates(tx, [
        e('custom.thing', TO_DAY - 2, { count: 3 }),
        e('product.login', TO_DAY - 3, { count: 2 ** 45 }),
        e('nps.response', TO_DAY - 4, { properties: { score: 9 } }),
        e('email.exchanged', TO_DAY - 4, { count: 3, properties: { sentiment: 0.1 } }),
        e('email.exchanged', TO_DAY - 4, { properties: { sentiment: 0.2 } }),
        e('feature.used', TO_DAY - 2, { count: 2, properties: { feature: 'not-in-catalogue' } }),
        e('custom.use', TO_DAY - 2, { count: 5, properties: { feature: 'reports' } }),
        e('support.interaction', TO_DAY - 2, { contactPk: 2 ** 40, count: 7 }),
      ]),
    );
  });

  describe('AggregateReader', () => {
    const contactIdsOf = async () => new Map((await db.all<{ pk: number; id: string }>('SELECT pk, id FROM contacts')).map((c) => [c.pk, c.id]));

    it('reads every row exactly, in time order, with the statistics asked for', async () => {
      const contactIds = await contactIdsOf();
      contactIds.set(2 ** 40, 'far-away');
      const pks = await db.column<number>('SELECT pk FROM accounts');
      for (const propTypes of [undefined, ['meeting.held', 'email.exchanged'], []]) {
        const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY, propTypes });
        for (const pk of pks) expect(await viaReader(reader, pk, contactIds), `account ${pk}`).toEqual(await viaDecoded(pk, contactIds, propTypes));
      }
      const first = await viaReader(new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY }), 1, contactIds);
      expect(first.types).toContainEqual([TO_DAY - 2, 'custom.thing', 3, null]);
      expect(first.types.find((r) => r[0] === TO_DAY - 3 && r[1] === 'product.login')?.[2]).toBeGreaterThanOrEqual(2 ** 45);
      expect(first.contacts).toContainEqual([TO_DAY - 2, 'far-away', 7]);
      expect(first.features).toContainEqual([TO_DAY - 2, 'feature.used', 'not-in-catalogue', 2]);
      expect(first.features).toContainEqual([TO_DAY - 2, 'custom.use', 'reports', 5]);
    });

    it('lends each row its own statistics: nothing of the row before shows through', async () => {
      // One statistics buffer serves every row: a row with kept, weighted values and three
      // properties, then a row without statistics, then one with a single value and no weights,
      // must each read as decoded alone.
      await db.tx((tx) =>
        applyEventsToAggregates(tx, [
          e('nps.response', TO_DAY - 9, { accountPk: 3, count: 2, properties: { score: 7, comment: 'fine', promoter: true } }),
          e('nps.response', TO_DAY - 9, { accountPk: 3, properties: { score: 10 } }),
          e('nps.response', TO_DAY - 8, { accountPk: 3, properties: { comment: 'no number' } }),
          e('email.exchanged', TO_DAY - 8, { accountPk: 3, properties: { sentiment: 0.5 } }),
          e('nps.response', TO_DAY - 7, { accountPk: 3, properties: { score: 3 } }),
        ]),
      );
      const contactIds = await contactIdsOf();
      const lent: unknown[] = [];
      const copied: [string, unknown][] = [];
      await new AggregateReader(db, { fromDay: TO_DAY - 9, toDay: TO_DAY - 6 }).read(3, contactIds, {
        type: (_t, type, _n, props) => {
          if (props) lent.push(props.stat(0));
          copied.push([type, props ? recordOfLent(props) : null]);
        },
        contact() {},
        feature() {},
      });
      const decoded = (await viaDecoded(3, contactIds)).types.filter((r) => (r[0] as number) >= TO_DAY - 9 && (r[0] as number) < TO_DAY - 6).map((r) => [r[1], r[3]]);
      expect(copied).toEqual(decoded);
      const nps = copied.filter((r) => r[0] === 'nps.response').map((r) => r[1]);
      expect(nps[0]).toMatchObject({ score: { s: 24, c: 3, v: [7, 10], w: [2, 1] }, promoter: { t: 2 } });
      expect(nps[1]).toBeNull(); // a text property keeps no statistics
      expect(nps[2]).toEqual({ score: { t: 0, s: 3, c: 1, v: [3] } });
      // Right after the row with weighted values: a mean's statistics, without values or weights.
      expect(copied).toContainEqual(['email.exchanged', { sentiment: { t: 0, s: 0.5, c: 1 } }]);
      // The objects lent are the reader's own, refilled for the next row.
      expect(new Set(lent).size).toBe(1);
    });

    it('skips contacts it cannot name', async () => {
      const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY });
      expect((await viaReader(reader, 1, new Map())).contacts).toEqual([]);
    });

    it('learns the names another connection added after it started, and gives each row once', async () => {
      const contactIds = await contactIdsOf();
      const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY });
      const before = await viaReader(reader, 2, contactIds);
      const other = t.engine === 'sqlite' ? sqliteStore(t.url) : await openStore(t.url);
      try {
        await other.tx((tx) =>
          applyEventsToAggregates(tx, [
            e('brand.new', TO_DAY - 5, { accountPk: 2, count: 4, properties: { fresh: 2.5, feature: 'novel' } }),
            e('meeting.held', TO_DAY - 5, { accountPk: 2, properties: { alsoNew: true } }),
          ]),
        );
      } finally {
        await other.close();
      }
      const after = await viaReader(reader, 2, contactIds);
      expect(after).toEqual(await viaDecoded(2, contactIds));
      expect(after.types).toContainEqual([TO_DAY - 5, 'brand.new', 4, { fresh: { t: 0, s: 10, c: 4 } }]);
      expect(after.features).toContainEqual([TO_DAY - 5, 'brand.new', 'novel', 4]);
      expect(after.types.length).toBe(before.types.length + (before.types.some((r) => r[0] === TO_DAY - 5 && r[1] === 'meeting.held') ? 1 : 2));
    });
  });

  describe('AggregateReader.readMany', () => {
    it('gives each account exactly what reading it alone gives, in the order asked for, whatever the window', async () => {
      const contactIds = new Map((await db.all<{ pk: number; id: string }>('SELECT pk, id FROM contacts')).map((c) => [c.pk, c.id]));
      contactIds.set(2 ** 40, 'far-away');
      await upsertAccounts(db, [{ id: 'quiet', name: 'No events' }]);
      const pks = await db.column<number>('SELECT pk FROM accounts ORDER BY pk DESC');
      // Out of pk order, one account twice, an account without events, pks of no account, and more
      // accounts than one query reads (500).
      const unknown = Array.from({ length: 520 }, (_, i) => 100_000 + i);
      const asked = [...pks.slice(0, 4), ...unknown.slice(0, 300), pks[0]!, ...pks.slice(4), ...unknown.slice(300)];
      const windows: AggregateReaderOptions[] = [
        { fromDay: FROM_DAY, toDay: TO_DAY },
        // starting and ending inside blocks, with some statistics and types only
        { fromDay: FROM_DAY + 3, toDay: TO_DAY - 5, propTypes: ['email.exchanged', 'nps.response'] },
        { fromDay: TO_DAY - 4, toDay: TO_DAY - 3, types: ['nps.response', 'email.exchanged', 'product.login'] },
        // every stored block, and a window without any
        { fromDay: 0, toDay: TO_DAY + 30, propTypes: [] },
        { fromDay: TO_DAY + 100, toDay: TO_DAY + 200 },
      ];
      for (const options of windows) {
        const alone = new AggregateReader(db, options);
        const expected: [number, Rows][] = [];
        for (const pk of asked) expected.push([pk, await viaReader(alone, pk, contactIds)]);
        const got: [number, Rows][] = [];
        await new AggregateReader(db, options).readMany(asked, contactIds, (pk, index) => {
          expect(index).toBe(got.length);
          const rows: Rows = { types: [], contacts: [], features: [] };
          got.push([pk, rows]);
          return sinkInto(rows);
        });
        expect(got, JSON.stringify(options)).toEqual(expected);
      }
      // The accounts read span several blocks of the window; the quiet and unknown ones have no rows.
      const wide = new AggregateReader(db, windows[0]!);
      const blocks = new Set((await viaReader(wide, 1, contactIds)).types.map((r) => Math.floor((r[0] as number) / 8)));
      expect(blocks.size).toBeGreaterThan(3);
      for (const pk of [pks[0]!, unknown[0]!]) expect(await viaReader(wide, pk, contactIds)).toEqual({ types: [], contacts: [], features: [] });
    });
  });

  describe('contactActivity', () => {
    it("gives each contact's last active day before the window end and its interactions in the window", async () => {
      const contacts = await db.all<{ pk: number; id: string; account_pk: number }>('SELECT pk, id, account_pk FROM contacts ORDER BY pk');
      let active = 0;
      for (const pk of new Set(contacts.map((c) => c.account_pk))) {
        const ids = new Map(contacts.filter((c) => c.account_pk === pk).map((c) => [c.pk, c.id]));
        const got = await contactActivity(db, pk, ids, FROM_DAY, TO_DAY - 10);
        for (const [cpk, id] of ids) {
          // From the raw events: the same questions asked of the events table.
          const last = (await db.value<number | null>('SELECT max(occurred_at) FROM events WHERE contact_pk = ? AND occurred_at < ?', [cpk, (TO_DAY - 10) * DAY_MS])) ?? null;
          const inWindow = (await db.value<number>('SELECT coalesce(sum(count), 0) FROM events WHERE contact_pk = ? AND occurred_at >= ? AND occurred_at < ?', [cpk, FROM_DAY * DAY_MS, (TO_DAY - 10) * DAY_MS]))!;
          expect(got.get(id) ?? null, id).toEqual(last === null ? null : { lastDay: Math.floor(last / DAY_MS), inWindow });
          if (inWindow > 0) active += 1;
        }
      }
      expect(active).toBeGreaterThan(5);
    });
  });

  describe('aggregatedEventCount', () => {
    it('sums the counts of every stored day', async () => {
      const fromEvents = (await db.value<number>('SELECT sum(count) FROM events'))!;
      // The events added through applyEventsToAggregates alone (not in the events table).
      const added = 3 + 2 ** 45 + 1 + 3 + 1 + 2 + 5 + 7;
      expect(await aggregatedEventCount(db)).toBe(fromEvents + added);
    });
  });
});
