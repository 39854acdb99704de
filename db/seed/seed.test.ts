import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActivity } from '@/lib/scoring/activity';
import { DEFAULT_MODEL, DEFAULT_TRIGGERS, scoreAccount, type ContactRole, type Tier } from '@/lib/scoring';
import type { SqlParam, Store } from '@/lib/server/store';
import { describeEngines, freshStore, TEST_ENGINES } from '@/lib/testing/engines';
import { countAccounts, parseSeedArgs, resetCustomerData, runSeed } from '@/scripts/seed';
import { DEPARTMENTS, SEED_FEATURES, SEED_OWNERS, SEED_TRIGGERS } from './catalogue';
import { seedDemo, type SeedSummary } from './index';

const DAY = 86_400_000;
const END = new Date('2025-03-01T00:00:00Z');
const OPTIONS = { accounts: 60, months: 6, end: END };

const all = <T>(db: Store, sql: string, ...params: SqlParam[]) => db.all<T>(sql, params);
const one = async <T = number>(db: Store, sql: string, ...params: SqlParam[]) => (await db.value<T>(sql, params)) as T;

/** A digest of every seeded row (SQL-default timestamps left out). */
async function digest(db: Store) {
  const tables: Record<string, string> = {
    accounts: 'SELECT pk, id, name, tier, lifecycle_stage, arr, owner_email, started_at, renewal_date, industry, size, attributes FROM accounts ORDER BY pk',
    contacts: 'SELECT pk, id, account_pk, name, email, role, department FROM contacts ORDER BY pk',
    events: 'SELECT pk, id, account_pk, contact_pk, type, occurred_at, count, properties, source, received_at FROM events ORDER BY pk',
    outcomes: 'SELECT pk, account_pk, type, occurred_at, arr_delta, reason FROM outcomes ORDER BY pk',
    triggers: 'SELECT key, label, description, properties FROM triggers ORDER BY key',
    features: 'SELECT key, label, tier FROM features ORDER BY key',
    account_activity: 'SELECT * FROM account_activity ORDER BY account_pk',
  };
  const out: Record<string, { rows: number; hash: string }> = {};
  for (const [name, sql] of Object.entries(tables)) {
    const h = createHash('sha256');
    let rows = 0;
    for (const r of await db.all(sql)) {
      h.update(JSON.stringify(Object.values(r)));
      h.update('\n');
      rows++;
    }
    out[name] = { rows, hash: h.digest('hex') };
  }
  return out;
}

/** SQLite's json_type of a parsed JSON value ('missing' when absent). */
function jsonType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  if (typeof value === 'string') return 'text';
  return Array.isArray(value) ? 'array' : 'object';
}

interface EventProps {
  account_pk: number;
  type: string;
  occurred_at: number;
  props: Record<string, unknown>;
}

/** Every event with its properties parsed (none: an empty object). */
async function eventProperties(db: Store): Promise<EventProps[]> {
  const rows = await all<{ account_pk: number; type: string; occurred_at: number; properties: string | null }>(db, 'SELECT account_pk, type, occurred_at, properties FROM events ORDER BY pk');
  return rows.map((r) => ({ ...r, props: r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : {} }));
}

// One seeded database per engine, which the tests only read.
for (const engine of TEST_ENGINES) {
  describe(`seedDemo [${engine}]`, () => {
    const stores: Awaited<ReturnType<typeof freshStore>>[] = [];
    const fresh = async (): Promise<Store> => {
      const f = await freshStore(engine);
      stores.push(f);
      return f.store;
    };
    let db: Store;
    let summary: SeedSummary;
    beforeAll(async () => {
      db = await fresh();
      summary = await seedDemo(db, { ...OPTIONS, seed: 7 });
    });
    afterAll(async () => {
      for (const f of stores) await f.dispose();
    });

    it('reports what it wrote', async () => {
      expect(summary.accounts).toBe(60);
      expect(summary.contacts).toBe(await one(db, 'SELECT count(*) FROM contacts'));
      expect(summary.events).toBe(await one(db, 'SELECT count(*) FROM events'));
      expect(summary.outcomes).toBe(await one(db, 'SELECT count(*) FROM outcomes'));
      expect(summary.triggers).toBe(SEED_TRIGGERS.length);
      expect(summary.features).toBe(SEED_FEATURES.length);
      expect(summary.from).toBe('2024-09-01T00:00:00.000Z');
      expect(summary.to).toBe(END.toISOString());
      expect(summary.seconds).toBeGreaterThan(0);
      // ~83 event rows per account-month
      expect(summary.events / (60 * 6)).toBeGreaterThan(50);
      expect(summary.events / (60 * 6)).toBeLessThan(130);
    });

    it('is deterministic: same seed and end give identical rows, another seed other rows', async () => {
      const same = await fresh();
      await seedDemo(same, { ...OPTIONS, seed: 7 });
      const a = await digest(db);
      expect(await digest(same)).toEqual(a);
      expect(a.events.rows).toBeGreaterThan(10_000);

      const other = await fresh();
      await seedDemo(other, { ...OPTIONS, seed: 8 });
      const b = await digest(other);
      expect(b.accounts.hash).not.toBe(a.accounts.hash);
      expect(b.events.hash).not.toBe(a.events.hash);
      expect(b.outcomes.hash).not.toBe(a.outcomes.hash);
      expect(b.triggers).toEqual(a.triggers); // the catalogues are fixed
    });

    it('refuses a database that already has accounts', async () => {
      await expect(seedDemo(db, { ...OPTIONS, seed: 7 })).rejects.toThrow(/already has 60 accounts/);
    });

    it('writes the default trigger catalogue and every trigger type with its documented properties', async () => {
      const triggers = await all<{ key: string; properties: string }>(db, 'SELECT key, properties FROM triggers');
      const byKey = new Map(triggers.map((t) => [t.key, JSON.parse(t.properties) as { name: string; type: string }[]]));
      for (const def of DEFAULT_TRIGGERS) expect(byKey.get(def.key), def.key).toEqual(def.properties);
      const counts = new Map((await all<{ type: string; n: number }>(db, 'SELECT type, count(*) AS n FROM events GROUP BY type')).map((r) => [r.type, r.n]));
      const events = await eventProperties(db);
      for (const def of DEFAULT_TRIGGERS) {
        expect(counts.get(def.key) ?? 0, def.key).toBeGreaterThan(0);
        for (const p of byKey.get(def.key)!) {
          const jsonTypes = p.type === 'boolean' ? ['true', 'false'] : p.type === 'number' ? ['integer', 'real'] : ['text'];
          const bad = events.filter((e) => e.type === def.key && !jsonTypes.includes(jsonType(e.props[p.name]))).length;
          expect(bad, `${def.key}.${p.name}`).toBe(0);
        }
      }
      // only the catalogue's types
      expect([...counts.keys()].sort()).toEqual(DEFAULT_TRIGGERS.map((t) => t.key).sort());
      // value ranges
      const values = (type: string, name: string) => events.filter((e) => e.type === type && e.props[name] !== undefined).map((e) => e.props[name] as number);
      expect(values('nps.response', 'score').filter((v) => !(v >= 0 && v <= 10) || jsonType(v) !== 'integer')).toEqual([]);
      expect(values('email.exchanged', 'sentiment').filter((v) => !(v >= -1 && v <= 1))).toEqual([]);
      expect(values('outreach.replied', 'responseHours').filter((v) => v <= 0)).toEqual([]);
      const featureKeys = [...new Set(events.filter((e) => e.type === 'feature.used').map((e) => e.props.feature as string))];
      expect(featureKeys.every((f) => SEED_FEATURES.some((x) => x.key === f))).toBe(true);
      expect(featureKeys.length).toBeGreaterThan(10);
      // every feature tier is in the catalogue
      expect((await all<{ tier: string }>(db, 'SELECT DISTINCT tier FROM features ORDER BY tier')).map((r) => r.tier)).toEqual(['advanced', 'basic', 'core']);
    });

    it('writes pre-aggregated login and feature rows, events from the seed, mostly with a contact', async () => {
      expect(await one(db, 'SELECT count(*) FROM events WHERE id IS NOT NULL')).toBe(0);
      expect(await one(db, "SELECT count(*) FROM events WHERE source <> 'demo'")).toBe(0);
      expect(await one(db, 'SELECT count(*) FROM events WHERE count < 1')).toBe(0);
      expect(await one(db, "SELECT max(count) FROM events WHERE type = 'product.login'")).toBeGreaterThan(1);
      // one product.login row per contact-day, one feature.used row per feature-day
      expect(await one(db, "SELECT count(*) FROM (SELECT 1 FROM events WHERE type = 'product.login' GROUP BY contact_pk, occurred_at / 86400000 HAVING count(*) > 1) x")).toBe(0);
      const featureDays = (await eventProperties(db)).filter((e) => e.type === 'feature.used').map((e) => `${e.account_pk}|${String(e.props.feature)}|${Math.floor(e.occurred_at / DAY)}`);
      expect(featureDays.length - new Set(featureDays).size).toBe(0);
      const withContact = await one(db, 'SELECT avg(CASE WHEN contact_pk IS NOT NULL THEN 1 ELSE 0 END) FROM events');
      expect(withContact).toBeGreaterThan(0.95);
      // a contact always belongs to the event's account
      expect(await one(db, 'SELECT count(*) FROM events e JOIN contacts c ON c.pk = e.contact_pk WHERE c.account_pk <> e.account_pk')).toBe(0);
      // inside the range, never after the end
      expect(await one(db, 'SELECT count(*) FROM events WHERE occurred_at < ? OR occurred_at >= ?', Date.parse(summary.from), END.getTime())).toBe(0);
      // meetings mostly on weekdays
      const weekend = await one(db, "SELECT avg(CASE WHEN ((occurred_at / 86400000) + 4) % 7 IN (0, 6) THEN 1 ELSE 0 END) FROM events WHERE type = 'meeting.held'");
      expect(weekend).toBeLessThan(0.2);
    });

    it('creates accounts with ids, names, tiers, ARR, owners and stages', async () => {
      const rows = await all<{ id: string; name: string; tier: Tier; arr: number; owner_email: string; started_at: number; renewal_date: number; lifecycle_stage: string | null; industry: string; size: string }>(
        db,
        'SELECT * FROM accounts',
      );
      expect(rows.every((r) => /^ACC-\d{6}$/.test(r.id))).toBe(true);
      expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['strategic', 'growth', 'core', 'nurture']));
      expect(rows.every((r) => r.arr > 0 && r.arr % 100 === 0)).toBe(true);
      const mean = (t: Tier) => rows.filter((r) => r.tier === t).reduce((a, r) => a + r.arr, 0) / rows.filter((r) => r.tier === t).length;
      expect(mean('strategic')).toBeGreaterThan(mean('growth'));
      expect(mean('growth')).toBeGreaterThan(mean('core'));
      expect(mean('core')).toBeGreaterThan(mean('nurture'));
      const owners = new Map<string, number>();
      for (const r of rows) owners.set(r.owner_email, (owners.get(r.owner_email) ?? 0) + 1);
      expect(owners.size).toBeGreaterThanOrEqual(5);
      expect(owners.get('csm@example.com')).toBe(10); // 1/6 of 60
      expect(rows.every((r) => r.industry && r.size)).toBe(true);
      // some still onboarding (started < 90 days before the end), stages mostly derived
      expect(rows.filter((r) => END.getTime() - r.started_at < 90 * DAY).length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.lifecycle_stage === null).length).toBeGreaterThan(rows.length * 0.7);
      expect(rows.every((r) => r.lifecycle_stage === null || ['renewal', 'expansion'].includes(r.lifecycle_stage))).toBe(true);
      // the renewal date is an anniversary of the start
      for (const r of rows) {
        const s = new Date(r.started_at);
        const d = new Date(r.renewal_date);
        expect(r.renewal_date).toBeGreaterThan(r.started_at);
        if (!(s.getUTCMonth() === 1 && s.getUTCDate() === 29)) expect([d.getUTCMonth(), d.getUTCDate()]).toEqual([s.getUTCMonth(), s.getUTCDate()]);
      }
    });

    it('creates the CSM owners as users without passwords, but not the admin or manager', async () => {
      const users = await all<{ email: string; role: string; password_hash: string | null }>(db, 'SELECT email, role, password_hash FROM users ORDER BY email');
      expect(users.map((u) => u.email).sort()).toEqual(SEED_OWNERS.map((o) => o.email).sort());
      expect(users.every((u) => u.role === 'csm' && u.password_hash === null)).toBe(true);
    });

    it('creates 2-12 contacts per account with roles, departments and emails at the domain', async () => {
      const perAccount = await all<{ n: number; sponsors: number; champions: number; power: number }>(
        db,
        `SELECT count(*) AS n, sum(CASE WHEN role = 'executive_sponsor' THEN 1 ELSE 0 END) AS sponsors,
           sum(CASE WHEN role = 'champion' THEN 1 ELSE 0 END) AS champions, sum(CASE WHEN role = 'power_user' THEN 1 ELSE 0 END) AS power
         FROM contacts GROUP BY account_pk`,
      );
      expect(perAccount.length).toBe(60);
      for (const a of perAccount) {
        expect(a.n).toBeGreaterThanOrEqual(2);
        expect(a.n).toBeLessThanOrEqual(12);
        expect(a.sponsors).toBeLessThanOrEqual(1);
        expect(a.champions).toBeLessThanOrEqual(4);
        expect(a.power).toBeLessThanOrEqual(5);
      }
      const contacts = await all<{ id: string; name: string; email: string; role: ContactRole; department: string; account_pk: number }>(db, 'SELECT * FROM contacts');
      expect(contacts.every((c) => /^CON-\d{7}$/.test(c.id) && c.name && c.role && (DEPARTMENTS as readonly string[]).includes(c.department))).toBe(true);
      expect(new Set(contacts.map((c) => c.role))).toEqual(new Set(['executive_sponsor', 'champion', 'power_user', 'user']));
      expect(new Set(contacts.map((c) => c.department)).size).toBeGreaterThanOrEqual(7);
      const domains = new Map<number, Set<string>>();
      for (const c of contacts) {
        const set = domains.get(c.account_pk) ?? new Set();
        set.add(c.email.split('@')[1]!);
        domains.set(c.account_pk, set);
      }
      expect([...domains.values()].every((s) => s.size === 1)).toBe(true);
      expect(await one(db, 'SELECT count(*) FROM (SELECT email FROM contacts GROUP BY email HAVING count(*) > 1) x')).toBe(0);
    });

    it('writes account_activity matching the events', async () => {
      const fromEvents = await all(db, 'SELECT account_pk, min(occurred_at) AS first_at, max(occurred_at) AS last_at, count(*) AS events FROM events GROUP BY account_pk ORDER BY account_pk');
      const stored = await all(db, 'SELECT account_pk, first_at, last_at, events FROM account_activity ORDER BY account_pk');
      expect(stored).toEqual(fromEvents);
      // a few accounts never had any activity at all
      expect(await one(db, 'SELECT count(*) FROM accounts WHERE pk NOT IN (SELECT account_pk FROM account_activity)')).toBeGreaterThan(0);
    });

    it('records outcomes; churn follows low engagement and stops the events', async () => {
      const outcomes = await all<{ account_pk: number; type: string; occurred_at: number; arr_delta: number; reason: string }>(db, 'SELECT * FROM outcomes ORDER BY occurred_at, pk');
      const types = new Set(outcomes.map((o) => o.type));
      expect(types.has('churned')).toBe(true);
      expect(types.has('renewed')).toBe(true);
      expect(outcomes.every((o) => o.reason && o.occurred_at < END.getTime() && o.occurred_at >= Date.parse(summary.from))).toBe(true);
      expect(outcomes.filter((o) => o.type === 'expanded').every((o) => o.arr_delta > 0)).toBe(true);
      expect(outcomes.filter((o) => o.type === 'churned' || o.type === 'contracted').every((o) => o.arr_delta < 0)).toBe(true);
      // at most one churn per account, nothing after it but a trickle of logins for a few weeks
      const churned = outcomes.filter((o) => o.type === 'churned');
      expect(new Set(churned.map((o) => o.account_pk)).size).toBe(churned.length);
      for (const c of churned) {
        expect(await one(db, 'SELECT count(*) FROM outcomes WHERE account_pk = ? AND occurred_at > ?', c.account_pk, c.occurred_at)).toBe(0);
        expect(
          await one(db, "SELECT count(*) FROM events WHERE account_pk = ? AND occurred_at >= ? AND (type <> 'product.login' OR occurred_at >= ?)", c.account_pk, c.occurred_at, c.occurred_at + 21 * DAY),
        ).toBe(0);
      }
      // engagement in the 60 days before the decision: touchpoints per contact, churned vs renewed
      const engagement = async (accountPk: number, at: number) =>
        (await one(
          db,
          `SELECT coalesce(sum(count), 0) FROM events WHERE account_pk = ? AND occurred_at >= ? AND occurred_at < ?
           AND type IN ('meeting.held', 'email.exchanged', 'product.login', 'support.interaction', 'training.attended', 'outreach.replied')`,
          accountPk,
          at - 60 * DAY,
          at,
        )) / (await one(db, 'SELECT count(*) FROM contacts WHERE account_pk = ?', accountPk));
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const churnedEngagement = await Promise.all(churned.map((o) => engagement(o.account_pk, o.occurred_at)));
      const renewedEngagement = await Promise.all(outcomes.filter((o) => o.type === 'renewed').map((o) => engagement(o.account_pk, o.occurred_at)));
      expect(churnedEngagement.length).toBeGreaterThanOrEqual(3);
      expect(renewedEngagement.length).toBeGreaterThanOrEqual(10);
      expect(avg(churnedEngagement)).toBeLessThan(avg(renewedEngagement) * 0.75);
    });

    it('spreads the default model scores of active accounts over all four bands', async () => {
      const catalogue = SEED_FEATURES.map((f) => ({ key: f.key, tier: f.tier }));
      const accounts = await all<{ pk: number; id: string; tier: Tier; lifecycle_stage: null; started_at: number }>(
        db,
        "SELECT pk, id, tier, lifecycle_stage, started_at FROM accounts WHERE pk NOT IN (SELECT account_pk FROM outcomes WHERE type = 'churned')",
      );
      const bands = new Map<string, number>();
      for (const a of accounts) {
        const contacts = await all<{ pk: number; role: ContactRole; department: string }>(db, 'SELECT pk, role, department FROM contacts WHERE account_pk = ?', a.pk);
        const events = await all<{ type: string; occurred_at: number; count: number; contact_pk: number | null; properties: string | null }>(
          db,
          'SELECT type, occurred_at, count, contact_pk, properties FROM events WHERE account_pk = ? ORDER BY pk',
          a.pk,
        );
        const result = scoreAccount({
          model: DEFAULT_MODEL,
          profile: { id: a.id, tier: a.tier, lifecycleStage: a.lifecycle_stage, startedAt: a.started_at },
          contacts: contacts.map((c) => ({ id: String(c.pk), role: c.role, department: c.department })),
          catalogue,
          activity: buildActivity(
            events.map((e) => ({
              type: e.type,
              occurredAt: e.occurred_at,
              count: e.count,
              contactId: e.contact_pk === null ? null : String(e.contact_pk),
              properties: e.properties ? (JSON.parse(e.properties) as Record<string, unknown>) : null,
            })),
          ),
          asOf: END.getTime(),
          detail: 'score',
        });
        const key = result.state === 'no_data' ? 'no_data' : result.band!.key;
        bands.set(key, (bands.get(key) ?? 0) + 1);
      }
      for (const band of ['green', 'yellow', 'orange', 'red']) expect(bands.get(band) ?? 0, band).toBeGreaterThanOrEqual(2);
    });
  });
}

describe('scripts/seed.ts', () => {
  it('parses arguments with defaults', () => {
    expect(parseSeedArgs([])).toEqual({ accounts: 1000, months: 18, seed: 42, end: undefined, reset: false, volume: 1, aggregate: true, scores: true });
    expect(parseSeedArgs(['--accounts', '50', '--months', '3', '--seed', '9', '--end', '2025-01-31', '--reset', '--skip-aggregates'])).toEqual({
      accounts: 50,
      months: 3,
      seed: 9,
      end: new Date('2025-01-31T00:00:00Z'),
      reset: true,
      volume: 1,
      aggregate: false,
      scores: false,
    });
    expect(parseSeedArgs(['--skip-scores'])).toMatchObject({ aggregate: true, scores: false });
    expect(() => parseSeedArgs(['--accounts', 'many'])).toThrow(/--accounts must be an integer/);
    expect(() => parseSeedArgs(['--accounts', '0'])).toThrow(/--accounts must be from 1/);
    expect(() => parseSeedArgs(['--end', '2025-02-30'])).toThrow(/--end must be a date/);
    expect(() => parseSeedArgs(['--bogus'])).toThrow(/Unknown option/);
  });
});

describeEngines('scripts/seed.ts runSeed', (t) => {
  it('refuses a database with accounts unless --reset, which reseeds the same data', async () => {
    const db = t.store;
    const args = { ...parseSeedArgs(['--accounts', '12', '--months', '3', '--seed', '5', '--end', '2025-01-01']), aggregate: false, scores: false };
    const lines: string[] = [];
    const first = await runSeed(db, args, (l) => lines.push(l));
    expect(first.accounts).toBe(12);
    expect(lines.some((l) => l.includes('accounts: 100%'))).toBe(true);
    const before = await digest(db);
    await db.run("INSERT INTO scores (account_pk, model_version, as_of, state, computed_at) VALUES (1, 1, 0, 'no_data', 0)");
    await expect(runSeed(db, args, () => {})).rejects.toThrow(/already has 12 accounts/);
    await runSeed(db, { ...args, reset: true }, () => {});
    expect(await digest(db)).toEqual(before);
    expect(await one(db, 'SELECT count(*) FROM scores')).toBe(0);
    expect(await one(db, 'SELECT count(*) FROM users')).toBe(SEED_OWNERS.length);
    await resetCustomerData(db);
    expect(await countAccounts(db)).toBe(0);
    expect(await one(db, 'SELECT count(*) FROM events')).toBe(0);
    expect(await one(db, 'SELECT count(*) FROM triggers')).toBe(0);
  });
});
