/**
 * Loads what the scoring engine needs from the aggregates: profiles, contacts, the feature
 * catalogue and each account's activity between two UTC days. Contacts are named by their
 * external ids in the engine's inputs, so flags and explanations can cite them.
 */
import type { Db } from '@/db/open';
import type {
  AccountActivity,
  AccountProfile,
  ContactInfo,
  ContactRole,
  FeatureInfo,
  FeatureTier,
  LifecycleStage,
  PropStat,
  Tier,
} from '@/lib/scoring';
import { DAY_MS } from '@/lib/scoring';

export interface AccountInputs {
  pk: number;
  profile: AccountProfile;
  contacts: ContactInfo[];
  activity: AccountActivity;
}

interface AccountRow { pk: number; id: string; tier: Tier | null; lifecycle_stage: LifecycleStage | null; started_at: number | null; first_at: number | null }
interface ContactRow { pk: number; id: string; account_pk: number; role: ContactRole | null; department: string | null }
interface DailyRow { account_pk: number; day: number; type: string; n: number; props: string | null }
interface ContactDayRow { account_pk: number; day: number; contact_pk: number; n: number }
interface FeatureDayRow { account_pk: number; day: number; type: string; feature: string; n: number }

export function loadCatalogue(db: Db): FeatureInfo[] {
  return db.$client.prepare('SELECT key, tier FROM features WHERE retired_at IS NULL ORDER BY key').all() as { key: string; tier: FeatureTier }[];
}

/**
 * Inputs for the given accounts (all accounts when `accountPks` is omitted) with the activity of
 * days `[fromDay, toDay)`. Buckets come back sorted by time, as the engine expects.
 */
export function loadScoringInputs(db: Db, options: { accountPks?: number[]; fromDay: number; toDay: number }): Map<number, AccountInputs> {
  const c = db.$client;
  const { fromDay, toDay } = options;
  const byPk = new Map<number, AccountInputs>();
  const contactIds = new Map<number, string>();

  const accountSql =
    'SELECT a.pk, a.id, a.tier, a.lifecycle_stage, a.started_at, act.first_at FROM accounts a LEFT JOIN account_activity act ON act.account_pk = a.pk';
  const contactSql = 'SELECT pk, id, account_pk, role, department FROM contacts';
  const dailySql = 'SELECT account_pk, day, type, n, props FROM agg_daily';
  const contactDaySql = 'SELECT account_pk, day, contact_pk, n FROM agg_contact_daily';
  const featureDaySql = 'SELECT account_pk, day, type, feature, n FROM agg_feature_daily';
  const dayRange = 'day >= ? AND day < ?';

  const addAccount = (r: AccountRow) =>
    byPk.set(r.pk, {
      pk: r.pk,
      profile: { id: r.id, tier: r.tier, lifecycleStage: r.lifecycle_stage, startedAt: r.started_at },
      contacts: [],
      activity: { types: [], contacts: [], features: [], firstActivityAt: r.first_at },
    });
  const addContact = (r: ContactRow) => {
    contactIds.set(r.pk, r.id);
    byPk.get(r.account_pk)?.contacts.push({ id: r.id, role: r.role, department: r.department });
  };
  const addDaily = (r: DailyRow) =>
    byPk.get(r.account_pk)?.activity.types.push({ t: r.day * DAY_MS, type: r.type, n: r.n, props: r.props ? (JSON.parse(r.props) as Record<string, PropStat>) : undefined });
  const addContactDay = (r: ContactDayRow) => {
    const id = contactIds.get(r.contact_pk);
    if (id !== undefined) byPk.get(r.account_pk)?.activity.contacts.push({ t: r.day * DAY_MS, contactId: id, n: r.n });
  };
  const addFeatureDay = (r: FeatureDayRow) =>
    byPk.get(r.account_pk)?.activity.features.push({ t: r.day * DAY_MS, type: r.type, feature: r.feature, n: r.n });

  if (options.accountPks) {
    // One statement per table for the whole set (the ids travel as one JSON array): scoring the
    // accounts an ingest batch touched is on the write path, and per-account queries cost more
    // in statement overhead than in rows.
    const ids = JSON.stringify(options.accountPks);
    const inSet = 'account_pk IN (SELECT value FROM json_each(?))';
    for (const r of c.prepare(`${accountSql} WHERE a.pk IN (SELECT value FROM json_each(?))`).iterate(ids)) addAccount(r as AccountRow);
    for (const r of c.prepare(`${contactSql} WHERE ${inSet}`).iterate(ids)) addContact(r as ContactRow);
    for (const r of c.prepare(`${dailySql} WHERE ${inSet} AND ${dayRange} ORDER BY account_pk, day`).iterate(ids, fromDay, toDay)) addDaily(r as DailyRow);
    for (const r of c.prepare(`${contactDaySql} WHERE ${inSet} AND ${dayRange} ORDER BY account_pk, day`).iterate(ids, fromDay, toDay)) addContactDay(r as ContactDayRow);
    for (const r of c.prepare(`${featureDaySql} WHERE ${inSet} AND ${dayRange} ORDER BY account_pk, day`).iterate(ids, fromDay, toDay)) addFeatureDay(r as FeatureDayRow);
  } else {
    for (const r of c.prepare(accountSql).iterate()) addAccount(r as AccountRow);
    for (const r of c.prepare(contactSql).iterate()) addContact(r as ContactRow);
    for (const r of c.prepare(`${dailySql} WHERE ${dayRange} ORDER BY day`).iterate(fromDay, toDay)) addDaily(r as DailyRow);
    for (const r of c.prepare(`${contactDaySql} WHERE ${dayRange} ORDER BY day`).iterate(fromDay, toDay)) addContactDay(r as ContactDayRow);
    for (const r of c.prepare(`${featureDaySql} WHERE ${dayRange} ORDER BY day`).iterate(fromDay, toDay)) addFeatureDay(r as FeatureDayRow);
  }
  return byPk;
}
