/** Segment calls through the real write path: accounts, contacts, events, mappings, skips and refusals. */
import { beforeEach, expect, it } from 'vitest';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { listUnmappedNames } from '../queries/triggers';
import { prepareDatabase } from './catalogue';
import { rescorePending } from './rescore-pending';
import { ingestSegment } from './segment';
import { addTriggerAlias, removeTriggerAlias } from './trigger-aliases';

const NOW = Date.now();
const at = (daysAgo: number) => new Date(NOW - daysAgo * 86_400_000).toISOString();

const actor = { actor: 'test' };

describeEngines('Segment calls', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
  });
  const one = async <T>(sql: string) => (await db.get<T>(sql))!;
  const count = async (sql: string) => (await db.value<number>(sql))!;

  it('groups, identifies and tracks: account, contact and events land, and the score moves', async () => {
    const result = await ingestSegment(db, [
      { type: 'identify', userId: 'u1', traits: { firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com', role: 'Executive Sponsor', department: 'Finance' }, messageId: 'm1', timestamp: at(3) },
      { type: 'group', userId: 'u1', groupId: 'acme', traits: { name: 'Acme', tier: 'Growth', arr: '48000', plan: 'pro', employees: 250 }, messageId: 'm2', timestamp: at(3) },
      { type: 'track', userId: 'u1', event: 'meeting.held', properties: { onTime: true, nested: { no: 1 } }, messageId: 'm3', timestamp: at(2) },
      { type: 'track', userId: 'u1', event: 'product.login', messageId: 'm4', timestamp: at(1) },
    ]);
    expect(result).toMatchObject({ accounts: 1, contacts: 1, events: 2, duplicates: 0, skipped: [] });
    expect(await one('SELECT id, name, tier, arr, size, attributes FROM accounts')).toEqual({ id: 'acme', name: 'Acme', tier: 'growth', arr: 48000, size: '250', attributes: '{"plan":"pro"}' });
    expect(await one('SELECT c.id, c.name, c.email, c.role, c.department, a.id AS account FROM contacts c JOIN accounts a ON a.pk = c.account_pk')).toEqual({
      id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com', role: 'executive_sponsor', department: 'Finance', account: 'acme',
    });
    expect(await db.all('SELECT id, type, CASE WHEN contact_pk IS NOT NULL THEN 1 ELSE 0 END AS linked, properties, source FROM events ORDER BY id')).toEqual([
      { id: 'm3', type: 'meeting.held', linked: 1, properties: '{"onTime":true}', source: 'segment' },
      { id: 'm4', type: 'product.login', linked: 1, properties: null, source: 'segment' },
    ]);
    // The server rescores the touched account just after the commit.
    expect((await one<{ n: number }>('SELECT count(*) AS n FROM rescore_pending')).n).toBe(1);
    await rescorePending(db);
    expect((await one<{ state: string; score: number }>("SELECT state, score FROM scores")).state).toBe('scored');
    expect((await one<{ score: number }>('SELECT score FROM scores')).score).toBeGreaterThan(0);
  });

  it('uses context.groupId, then properties.accountId, then the last group of the user', async () => {
    await ingestSegment(db, [
      { type: 'group', userId: 'u', groupId: 'A', traits: { name: 'A' } },
      { type: 'group', userId: 'u', groupId: 'B', traits: { name: 'B' } },
      { type: 'track', userId: 'u', event: 'product.login', messageId: 'last-group' },
      { type: 'track', userId: 'u', event: 'product.login', messageId: 'ctx', context: { groupId: 'A' } },
      { type: 'track', userId: 'u', event: 'product.login', messageId: 'prop', properties: { accountId: 'A' } },
    ]);
    const rows = await db.all('SELECT e.id, a.id AS account, CASE WHEN e.contact_pk IS NOT NULL THEN 1 ELSE 0 END AS linked FROM events e JOIN accounts a ON a.pk = e.account_pk ORDER BY e.id');
    expect(rows).toEqual([
      { id: 'ctx', account: 'A', linked: 0 },
      { id: 'last-group', account: 'B', linked: 1 },
      { id: 'prop', account: 'A', linked: 0 },
    ]);
  });

  it('maps event names an admin mapped, skips and remembers the others, and never counts a messageId twice', async () => {
    await ingestSegment(db, [{ type: 'group', userId: 'u', groupId: 'A', traits: { name: 'A' } }]);
    const calls = [
      { type: 'track', userId: 'u', event: 'Meeting Completed', messageId: 'x1' },
      { type: 'track', userId: 'u', event: 'Button Clicked', messageId: 'x2' },
      { type: 'page', userId: 'u', name: 'Home' },
    ];
    const first = await ingestSegment(db, calls);
    expect(first.events).toBe(0);
    expect(first.skipped.map((s) => [s.index, s.type])).toEqual([[0, 'track'], [1, 'track'], [2, 'page']]);
    expect((await listUnmappedNames(db)).map((n) => [n.name, n.count])).toEqual(expect.arrayContaining([['Meeting Completed', 1], ['Button Clicked', 1]]));

    await addTriggerAlias(db, { name: 'Meeting Completed', triggerKey: 'meeting.held' }, actor);
    expect((await listUnmappedNames(db)).map((n) => n.name)).toEqual(['Button Clicked']);
    expect(await ingestSegment(db, calls)).toMatchObject({ events: 1, duplicates: 0 });
    expect(await ingestSegment(db, calls)).toMatchObject({ events: 0, duplicates: 1 });
    expect(await one('SELECT type FROM events')).toEqual({ type: 'meeting.held' });
    expect(await count("SELECT count(*) FROM audit_log WHERE action = 'trigger_alias.added'")).toBe(1);
    await removeTriggerAlias(db, 'Meeting Completed', actor);
    expect(await count('SELECT count(*) FROM trigger_aliases')).toBe(0);
  });

  it('refuses malformed calls with their index and field, writing nothing', async () => {
    const attempt = () => ingestSegment(db, [
      { type: 'group', userId: 'u', groupId: 'A', traits: { name: 'A', tier: 'platinum' } },
      { type: 'track', event: 'product.login' },
      { type: 'track', userId: 'u', event: 'product.login', timestamp: 'yesterday' },
      { type: 'identify', userId: 'u', traits: { email: 'not-an-email' } },
      { type: 'shout', userId: 'u' },
    ]);
    await expect(attempt()).rejects.toThrowError(AppError);
    try {
      await attempt();
    } catch (error) {
      const details = (error as AppError).details.map((d) => `${d.index}:${d.path}`);
      expect(details).toEqual(['0:traits.tier', '1:userId', '2:timestamp', '3:traits.email', '4:type']);
    }
    expect(await count('SELECT count(*) FROM accounts') + await count('SELECT count(*) FROM contacts') + await count('SELECT count(*) FROM events')).toBe(0);
  });

  it('refuses unknown accounts unless asked to create them, and skips users without any account', async () => {
    try {
      await ingestSegment(db, [{ type: 'track', userId: 'u', event: 'product.login', context: { groupId: 'ghost' } }]);
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).details).toEqual([{ index: 0, path: 'context.groupId', message: expect.stringMatching(/unknown account "ghost"/) }]);
    }
    const skipped = await ingestSegment(db, [{ type: 'track', userId: 'nobody', event: 'product.login' }, { type: 'identify', userId: 'nobody', traits: { name: 'N' } }]);
    expect(skipped.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/not in an account/), expect.stringMatching(/not in an account/)]);
    const created = await ingestSegment(db, [{ type: 'track', userId: 'u', event: 'product.login', context: { groupId: 'ghost' } }], { createAccounts: true });
    expect(created).toMatchObject({ accounts: 1, events: 1 });
    expect(await one('SELECT id, name FROM accounts')).toEqual({ id: 'ghost', name: 'ghost' });
  });

  it('keeps the name and attributes of an existing account when a group call leaves them out', async () => {
    await ingestSegment(db, [{ type: 'group', userId: 'u', groupId: 'A', traits: { name: 'Acme Inc', plan: 'pro' } }]);
    await ingestSegment(db, [{ type: 'group', userId: 'u', groupId: 'A', traits: { region: 'EU' } }]);
    expect(await one('SELECT name, attributes FROM accounts')).toEqual({ name: 'Acme Inc', attributes: '{"plan":"pro","region":"EU"}' });
  });
});
