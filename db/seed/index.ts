/**
 * The demo portfolio: `seedDemo(db, { accounts, months, seed })` writes a realistic, deterministic
 * portfolio (trigger and feature catalogues, CSM users, accounts, contacts, events, outcomes,
 * account_activity) into an empty database, streaming account by account through prepared
 * better-sqlite3 statements and committing every ~200k rows, so 10 million events fit in bounded
 * memory. The same seed, options and `end` give byte-identical rows (only the `created_at` /
 * `updated_at` SQL defaults differ).
 *
 * The aggregates are not filled here: pass `aggregate` (e.g. `rebuildAggregates` of
 * lib/server/commands/aggregates.ts), which runs after the events are written. This module does
 * not import lib/server.
 */
import type { Db } from '../open';
import { SEED_FEATURES, SEED_OWNERS, SEED_TRIGGERS } from './catalogue';
import { defaultEnd, generateAccount, planPortfolio, seedRange, type GeneratedAccount } from './generate';

export { SEED_FEATURES, SEED_OWNERS, SEED_TRIGGERS, type SeedFeature, type SeedTrigger } from './catalogue';
export {
  addMonthsUtc,
  defaultEnd,
  generateAccount,
  planPortfolio,
  seedRange,
  TRAJECTORIES,
  type AccountPlan,
  type GeneratedAccount,
  type SeedRange,
  type Trajectory,
} from './generate';

/** events per INSERT statement (8 parameters each, far below SQLite's limit of 32,766) */
const EVENT_BATCH = 128;

export interface SeedOptions {
  accounts: number;
  months: number;
  seed: number;
  /** exclusive end of the data (default: today's UTC midnight + 1 day, so data runs up to today) */
  end?: Date;
  /** called after each account with (accounts done, total) */
  onProgress?: (done: number, total: number) => void;
  /** fills the aggregate tables after the events are written (e.g. rebuildAggregates) */
  aggregate?: (db: Db) => void;
  /** multiplies the number of login and feature-use rows (not the login totals, so scores barely move); default 1 */
  volume?: number;
  /** rows per transaction (default 200,000) */
  commitEvery?: number;
  /** the events' `source` (default 'demo') */
  source?: string;
}

export interface SeedSummary {
  accounts: number;
  contacts: number;
  events: number;
  outcomes: number;
  /** CSM users created (existing emails are left alone) */
  users: number;
  triggers: number;
  features: number;
  /** the data range, ISO 8601: [from, to) */
  from: string;
  to: string;
  /** wall-clock seconds, aggregation included */
  seconds: number;
  /** seconds spent in `aggregate` */
  aggregateSeconds: number;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

export function seedDemo(db: Db, options: SeedOptions): SeedSummary {
  const startedClock = performance.now();
  checkInteger('accounts', options.accounts, 1, 1_000_000);
  checkInteger('months', options.months, 1, 120);
  checkInteger('seed', options.seed, -(2 ** 31), 2 ** 32 - 1);
  const end = (options.end ?? defaultEnd()).getTime();
  if (!Number.isFinite(end)) throw new RangeError('end must be a valid date');
  const volume = options.volume ?? 1;
  if (!(volume > 0 && volume <= 10)) throw new RangeError(`volume must be in (0, 10], got ${volume}`);
  const commitEvery = options.commitEvery ?? 200_000;
  const source = options.source ?? 'demo';

  const c = db.$client;
  const existing = c.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  if (existing > 0) throw new Error(`the database already has ${existing} accounts; the demo seed needs an empty portfolio`);

  const range = seedRange(end, options.months);
  const plans = planPortfolio(options.accounts, options.seed);

  const insTrigger = c.prepare('INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING');
  const insFeature = c.prepare('INSERT INTO features (key, label, tier) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING');
  const insUser = c.prepare("INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'csm', NULL) ON CONFLICT (email) DO NOTHING");
  const insAccount = c.prepare(
    'INSERT INTO accounts (id, name, tier, lifecycle_stage, arr, owner_email, started_at, renewal_date, industry, size, attributes) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insContact = c.prepare('INSERT INTO contacts (id, account_pk, name, email, role, department) VALUES (?, ?, ?, ?, ?, ?)');
  // Events go in batches of EVENT_BATCH rows per statement: far fewer calls into SQLite.
  const eventSql = (rows: number) =>
    'INSERT INTO events (account_pk, contact_pk, type, occurred_at, count, properties, source, received_at) VALUES ' +
    Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const insEvents = c.prepare(eventSql(EVENT_BATCH));
  const insEvent = c.prepare(eventSql(1));
  const batch: unknown[] = [];
  const flushEvents = () => {
    if (batch.length === EVENT_BATCH * 8) insEvents.run(batch);
    else for (let i = 0; i < batch.length; i += 8) insEvent.run(batch.slice(i, i + 8));
    batch.length = 0;
  };
  const insOutcome = c.prepare('INSERT INTO outcomes (account_pk, type, occurred_at, arr_delta, reason) VALUES (?, ?, ?, ?, ?)');
  const insActivity = c.prepare(
    'INSERT INTO account_activity (account_pk, first_at, last_at, events) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (account_pk) DO UPDATE SET first_at = excluded.first_at, last_at = excluded.last_at, events = excluded.events',
  );

  const summary: SeedSummary = {
    accounts: 0,
    contacts: 0,
    events: 0,
    outcomes: 0,
    users: 0,
    triggers: 0,
    features: 0,
    from: new Date(range.start).toISOString(),
    to: new Date(range.end).toISOString(),
    seconds: 0,
    aggregateSeconds: 0,
  };

  const write = (g: GeneratedAccount) => {
    const p = g.plan;
    const accountPk = Number(
      insAccount.run(p.id, p.name, p.tier, g.lifecycleStage, g.arr, p.ownerEmail, g.startedAt, g.renewalDate, p.industry, g.size, JSON.stringify(g.attributes))
        .lastInsertRowid,
    );
    const contactPks: number[] = [];
    for (const ct of g.contacts) {
      const id = `CON-${String(summary.contacts + 1).padStart(7, '0')}`;
      contactPks.push(Number(insContact.run(id, accountPk, ct.name, ct.email, ct.role, ct.department).lastInsertRowid));
      summary.contacts++;
    }
    for (const ev of g.events) {
      batch.push(accountPk, ev.contact >= 0 ? contactPks[ev.contact]! : null, ev.type, ev.t, ev.count, ev.props, source, ev.t);
      if (batch.length === EVENT_BATCH * 8) flushEvents();
    }
    if (g.events.length) insActivity.run(accountPk, g.events[0]!.t, g.events[g.events.length - 1]!.t, g.events.length);
    for (const o of g.outcomes) insOutcome.run(accountPk, o.type, o.t, o.arrDelta, o.reason);
    summary.accounts++;
    summary.events += g.events.length;
    summary.outcomes += g.outcomes.length;
    return 1 + g.contacts.length + g.events.length + g.outcomes.length;
  };

  let inTx = false;
  const begin = () => {
    c.exec('BEGIN');
    inTx = true;
  };
  const commit = () => {
    c.exec('COMMIT');
    inTx = false;
  };
  try {
    begin();
    for (const t of SEED_TRIGGERS) summary.triggers += insTrigger.run(t.key, t.label, t.description, JSON.stringify(t.properties)).changes;
    for (const f of SEED_FEATURES) summary.features += insFeature.run(f.key, f.label, f.tier).changes;
    for (const o of SEED_OWNERS) summary.users += insUser.run(o.email, o.name).changes;
    let pending = 0;
    for (const plan of plans) {
      pending += write(generateAccount(plan, range, options.seed, { volume }));
      if (pending >= commitEvery) {
        flushEvents();
        commit();
        begin();
        pending = 0;
      }
      options.onProgress?.(summary.accounts, plans.length);
    }
    flushEvents();
    commit();
  } catch (error) {
    if (inTx && c.inTransaction) c.exec('ROLLBACK');
    throw error;
  }

  if (options.aggregate) {
    const t0 = performance.now();
    options.aggregate(db);
    summary.aggregateSeconds = (performance.now() - t0) / 1000;
  }
  summary.seconds = (performance.now() - startedClock) / 1000;
  return summary;
}
