/**
 * Loads what the scoring engine needs from the aggregates: profiles, contacts, the feature
 * catalogue and each account's activity between two UTC days. Contacts are named by their
 * external ids in the engine's inputs, so flags and explanations can cite them.
 * Rows are read by `AggregateReader`, many accounts per query; property statistics are parsed
 * only for the types the caller says it reads.
 */
import type {
  AccountActivity,
  AccountProfile,
  ContactBucket,
  ContactInfo,
  ContactRole,
  FeatureBucket,
  FeatureInfo,
  FeatureTier,
  LifecycleStage,
  Model,
  Tier,
  TypeBucket,
} from '@/lib/scoring';
import { activityDays, activityNeeds, DAY_MS, recordOfLent, WindowedActivityBuilder, type LentProps } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AggregateReader, type AggregateSink } from '../aggregates';

export interface AccountInputs {
  pk: number;
  profile: AccountProfile;
  contacts: ContactInfo[];
  activity: AccountActivity;
}

export interface ScoringInputsOptions {
  /** these accounts, in this order (default: every account, by pk) */
  accountPks?: readonly number[];
  /** first day of activity to load */
  fromDay: number;
  /** day after the last one to load (exclusive) */
  toDay: number;
  /**
   * the trigger types whose property statistics are read (e.g. `propTypesOf(model)`); buckets of
   * other types come without `props`. Default: every type.
   */
  propTypes?: readonly string[];
  /** only buckets of these types (e.g. `typesReadBy(model)`); default: every type */
  types?: readonly string[];
}

/** pk, id, tier, lifecycle stage, started at, first activity at */
type AccountRow = [number, string, Tier | null, LifecycleStage | null, number | null, number | null];
/** pk, id, account pk, role, department */
type ContactRow = [number, string, number, ContactRole | null, string | null];

export async function loadCatalogue(db: Store): Promise<FeatureInfo[]> {
  return db.all<{ key: string; tier: FeatureTier }>('SELECT key, tier FROM features WHERE retired_at IS NULL ORDER BY key');
}

/** Accounts whose profiles are read per query. */
const IN_CHUNK = 500;

// Read as arrays (`rows`): 60,000 contacts of 10,000 accounts are read on every full rescore.
const ACCOUNT_SQL =
  'SELECT a.pk, a.id, a.tier, a.lifecycle_stage, a.started_at, act.first_at FROM accounts a LEFT JOIN account_activity act ON act.account_pk = a.pk';
const CONTACT_SQL = 'SELECT pk, id, account_pk, role, department FROM contacts';

interface Profiles {
  /** in the order asked for (by pk when every account is asked for) */
  accounts: { pk: number; profile: AccountProfile; contacts: ContactInfo[]; firstAt: number | null }[];
  /** contact pk -> external id */
  contactIds: Map<number, string>;
}

async function loadProfiles(db: Store, accountPks: readonly number[] | undefined): Promise<Profiles> {
  const byPk = new Map<number, Profiles['accounts'][number]>();
  const contactIds = new Map<number, string>();
  const addAccount = ([pk, id, tier, stage, startedAt, firstAt]: AccountRow) =>
    byPk.set(pk, { pk, profile: { id, tier, lifecycleStage: stage, startedAt }, contacts: [], firstAt });
  const addContact = ([pk, id, accountPk, role, department]: ContactRow) => {
    contactIds.set(pk, id);
    byPk.get(accountPk)?.contacts.push({ id, role, department });
  };
  if (accountPks) {
    for (let i = 0; i < accountPks.length; i += IN_CHUNK) {
      const part = JSON.stringify(accountPks.slice(i, i + IN_CHUNK));
      // Accounts first: their contacts are added to them, in pk order.
      for (const r of await db.rows<AccountRow>(`${ACCOUNT_SQL} WHERE ${db.dialect.inJsonArray('a.pk', 'int')}`, [part])) addAccount(r);
      for (const r of await db.rows<ContactRow>(`${CONTACT_SQL} WHERE ${db.dialect.inJsonArray('account_pk', 'int')} ORDER BY pk`, [part])) addContact(r);
    }
  } else {
    for (const r of await db.rows<AccountRow>(`${ACCOUNT_SQL} ORDER BY a.pk`)) addAccount(r);
    for (const r of await db.rows<ContactRow>(`${CONTACT_SQL} ORDER BY pk`)) addContact(r);
  }
  const accounts: Profiles['accounts'] = [];
  for (const pk of accountPks ?? byPk.keys()) {
    const a = byPk.get(pk);
    if (a) {
      accounts.push(a);
      byPk.delete(pk); // each account once, even when asked for twice
    }
  }
  return { accounts, contactIds };
}

/** An activity of day buckets, filled straight from the reader. */
class DayBuckets implements AccountActivity, AggregateSink {
  types: TypeBucket[] = [];
  contacts: ContactBucket[] = [];
  features: FeatureBucket[] = [];
  constructor(public firstActivityAt: number | null) {}
  type(t: number, type: string, n: number, props: LentProps | undefined): void {
    this.types.push(props ? { t, type, n, props: recordOfLent(props) } : { t, type, n });
  }
  contact(t: number, contactId: string, n: number): void {
    this.contacts.push({ t, contactId, n });
  }
  feature(t: number, type: string, feature: string, n: number): void {
    this.features.push({ t, type, feature, n });
  }
}

/**
 * Inputs for the given accounts (all accounts when `accountPks` is omitted) with the activity of
 * days `[fromDay, toDay)`, one bucket per day. Buckets come back sorted by time, as the engine expects.
 */
export async function loadScoringInputs(db: Store, options: ScoringInputsOptions): Promise<Map<number, AccountInputs>> {
  const { accounts, contactIds } = await loadProfiles(db, options.accountPks);
  const reader = new AggregateReader(db, options);
  const out = new Map<number, AccountInputs>();
  await reader.readMany(accounts.map((a) => a.pk), contactIds, (pk, i) => {
    const activity = new DayBuckets(accounts[i]!.firstAt);
    out.set(pk, { pk, profile: accounts[i]!.profile, contacts: accounts[i]!.contacts, activity });
    return activity;
  });
  return out;
}

/** What `inputsAsOf` and `eachInputAsOf` are asked for: the days read follow from `asOf` and the model. */
export interface InputsAsOfOptions extends Pick<ScoringInputsOptions, 'accountPks' | 'propTypes' | 'types'> {
  asOf: number;
  model: Model;
}

/**
 * Inputs for scoring as of one instant (bulk rescoring, previews), in the order asked for:
 * profiles and contacts are read first, then each account's activity, summarised per window as it
 * is read (`WindowedActivityBuilder`, which scores exactly like the day buckets at that instant),
 * so only the summaries are kept. The days read are those the model needs (`activityDays`).
 * `each` gets each account's inputs as soon as its activity is read, before the next account's
 * is: a caller that scores them there and keeps only the results holds one account's summaries
 * at a time. Each activity is marked `scoredOnce`: scoring one again gives the same scores but
 * builds the engine's indexes over it again. Answers how many accounts there were.
 */
export async function eachInputAsOf(db: Store, options: InputsAsOfOptions, each: (input: AccountInputs) => void): Promise<number> {
  return readInputsAsOf(db, options, each, true);
}

/** `eachInputAsOf`; `scoredOnce`: each activity is scored once, then dropped (the engine keeps no index of it). */
async function readInputsAsOf(db: Store, options: InputsAsOfOptions, each: (input: AccountInputs) => void, scoredOnce: boolean): Promise<number> {
  const { asOf, model } = options;
  const toDay = Math.ceil(asOf / DAY_MS);
  const needs = activityNeeds(model);
  const { accounts, contactIds } = await loadProfiles(db, options.accountPks);
  const reader = new AggregateReader(db, { fromDay: toDay - activityDays(model) - 1, toDay, propTypes: options.propTypes, types: options.types });
  let reading: { index: number; builder: WindowedActivityBuilder } | null = null;
  const finish = () => {
    if (!reading) return;
    const a = accounts[reading.index]!;
    each({ pk: a.pk, profile: a.profile, contacts: a.contacts, activity: reading.builder.build(a.firstAt, scoredOnce) });
    reading = null;
  };
  // The reader asks for an account's sink only once the one before has all of its rows.
  await reader.readMany(accounts.map((a) => a.pk), contactIds, (_pk, index) => {
    finish();
    const builder = new WindowedActivityBuilder(asOf, model.windowDays, needs);
    reading = { index, builder };
    return builder;
  });
  finish();
  return accounts.length;
}

/** `eachInputAsOf`, the inputs kept and answered together. */
export async function inputsAsOf(db: Store, options: InputsAsOfOptions): Promise<{ total: number; inputs: AccountInputs[] }> {
  const inputs: AccountInputs[] = [];
  // Kept, and often scored again (previews): the engine keeps the indexes of their activities.
  const total = await readInputsAsOf(db, options, (input) => void inputs.push(input), false);
  return { total, inputs };
}
