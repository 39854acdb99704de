/**
 * The demo portfolio: `seedDemo(db, { accounts, months, seed })` writes a realistic, deterministic
 * portfolio (trigger and feature catalogues, CSM users, accounts, contacts, events, outcomes,
 * account_activity) into an empty database, SQLite or PostgreSQL, streaming a few accounts at a
 * time through multi-row INSERTs and committing every ~200k rows, so 10 million events fit in
 * bounded memory. The same seed, options and `end` give byte-identical rows on one engine (only
 * the `created_at` / `updated_at` SQL defaults differ).
 *
 * The aggregates are not filled here: pass `aggregate` (e.g. `rebuildAggregates` of
 * lib/server/aggregates), which runs after the events are written. This module does not import
 * lib/server (only the Store's types).
 */
import type { Row, SqlParam, Store } from '../../lib/server/store';
import { insertDefaultPlaybooks } from '../../lib/server/commands/playbooks';
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

/**
 * Rows per INSERT statement: SQLite runs small prepared statements fastest (8 parameters a row, far
 * below its limit of 32,766); on PostgreSQL every statement is a round trip, so it takes more.
 */
const EVENT_BATCH = { sqlite: 128, postgres: 256 } as const;
const ROW_BATCH = { sqlite: 64, postgres: 256 } as const;
/** accounts generated and written together (fewer when their events pass GROUP_EVENTS) */
const GROUP_ACCOUNTS = 100;
const GROUP_EVENTS = 50_000;

/**
 * Multi-row INSERTs into one table: `push` buffers a row and says when a full batch waits, which
 * `writeFull` writes; `flush` writes the rest in statements of halving sizes, so that each table
 * has a handful of statement texts (prepared once). With `returning`, the rows the statements
 * answer collect in `returned`.
 */
class BatchInsert {
  private readonly values: SqlParam[] = [];
  private readonly texts = new Map<number, string>();
  readonly returned: Row[] = [];

  constructor(
    private readonly head: string,
    private readonly width: number,
    private readonly batch: number,
    private readonly returning = '',
  ) {}

  private get pending(): number {
    return this.values.length / this.width;
  }

  /** buffers one row; true when a full batch waits for `writeFull` */
  push(...row: SqlParam[]): boolean {
    for (const v of row) this.values.push(v);
    return this.pending >= this.batch;
  }

  async writeFull(db: Store): Promise<void> {
    while (this.pending >= this.batch) await this.write(db, this.batch);
  }

  async flush(db: Store): Promise<void> {
    for (let size = this.batch; this.pending > 0; size = Math.max(1, size >> 1)) {
      while (this.pending >= size) await this.write(db, size);
    }
  }

  private async write(db: Store, rows: number): Promise<void> {
    let sql = this.texts.get(rows);
    if (!sql) {
      const tuple = `(${Array.from({ length: this.width }, () => '?').join(', ')})`;
      sql = `${this.head} VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}${this.returning ? ` RETURNING ${this.returning}` : ''}`;
      this.texts.set(rows, sql);
    }
    const params = this.values.splice(0, rows * this.width);
    if (this.returning) this.returned.push(...(await db.all(sql, params)));
    else await db.run(sql, params);
  }
}

export interface SeedOptions {
  accounts: number;
  months: number;
  seed: number;
  /** exclusive end of the data (default: today's UTC midnight + 1 day, so data runs up to today) */
  end?: Date;
  /** called after each account with (accounts done, total) */
  onProgress?: (done: number, total: number) => void;
  /** fills the aggregate tables after the events are written (e.g. rebuildAggregates) */
  aggregate?: (db: Store) => Promise<unknown> | void;
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

export async function seedDemo(db: Store, options: SeedOptions): Promise<SeedSummary> {
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

  const existing = (await db.value<number>('SELECT count(*) FROM accounts')) ?? 0;
  if (existing > 0) throw new Error(`the database already has ${existing} accounts; the demo seed needs an empty portfolio`);

  const range = seedRange(end, options.months);
  const plans = planPortfolio(options.accounts, options.seed);

  const rowBatch = ROW_BATCH[db.engine];
  const insAccounts = new BatchInsert(
    'INSERT INTO accounts (id, name, tier, lifecycle_stage, arr, owner_email, started_at, renewal_date, industry, size, attributes)',
    11,
    rowBatch,
    'pk, id',
  );
  const insContacts = new BatchInsert('INSERT INTO contacts (id, account_pk, name, email, role, department)', 6, rowBatch, 'pk, id');
  const insEvents = new BatchInsert('INSERT INTO events (account_pk, contact_pk, type, occurred_at, count, properties, source, received_at)', 8, EVENT_BATCH[db.engine]);
  const insOutcomes = new BatchInsert('INSERT INTO outcomes (account_pk, type, occurred_at, arr_delta, reason)', 5, rowBatch);
  const insActivity = new BatchInsert('INSERT INTO account_activity (account_pk, first_at, last_at, events)', 4, rowBatch);

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

  /** Writes a group of generated accounts; answers the rows written. */
  const write = async (tx: Store, group: GeneratedAccount[]): Promise<number> => {
    for (const g of group) {
      const p = g.plan;
      if (insAccounts.push(p.id, p.name, p.tier, g.lifecycleStage, g.arr, p.ownerEmail, g.startedAt, g.renewalDate, p.industry, g.size, JSON.stringify(g.attributes))) {
        await insAccounts.writeFull(tx);
      }
    }
    await insAccounts.flush(tx);
    const accountPks = new Map(insAccounts.returned.splice(0).map((r) => [r.id as string, r.pk as number]));
    const contactIds: string[][] = [];
    for (const g of group) {
      const accountPk = accountPks.get(g.plan.id)!;
      const ids: string[] = [];
      for (const ct of g.contacts) {
        const id = `CON-${String(summary.contacts + 1).padStart(7, '0')}`;
        ids.push(id);
        if (insContacts.push(id, accountPk, ct.name, ct.email, ct.role, ct.department)) await insContacts.writeFull(tx);
        summary.contacts++;
      }
      contactIds.push(ids);
    }
    await insContacts.flush(tx);
    const contactPks = new Map(insContacts.returned.splice(0).map((r) => [r.id as string, r.pk as number]));
    let rows = 0;
    for (const [i, g] of group.entries()) {
      const accountPk = accountPks.get(g.plan.id)!;
      const contacts = contactIds[i]!.map((id) => contactPks.get(id)!);
      for (const ev of g.events) {
        if (insEvents.push(accountPk, ev.contact >= 0 ? contacts[ev.contact]! : null, ev.type, ev.t, ev.count, ev.props, source, ev.t)) await insEvents.writeFull(tx);
      }
      if (g.events.length && insActivity.push(accountPk, g.events[0]!.t, g.events[g.events.length - 1]!.t, g.events.length)) await insActivity.writeFull(tx);
      for (const o of g.outcomes) if (insOutcomes.push(accountPk, o.type, o.t, o.arrDelta, o.reason)) await insOutcomes.writeFull(tx);
      summary.accounts++;
      summary.events += g.events.length;
      summary.outcomes += g.outcomes.length;
      rows += 1 + g.contacts.length + g.events.length + g.outcomes.length;
    }
    return rows;
  };

  // One transaction per ~commitEvery rows; the catalogues go in the first.
  let next = 0;
  let first = true;
  while (first || next < plans.length) {
    await db.tx(async (tx) => {
      if (first) {
        first = false;
        summary.triggers += await tx.runMany(
          'INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
          SEED_TRIGGERS.map((t) => [t.key, t.label, t.description, JSON.stringify(t.properties)]),
        );
        summary.features += await tx.runMany('INSERT INTO features (key, label, tier) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING', SEED_FEATURES.map((f) => [f.key, f.label, f.tier]));
        summary.users += await tx.runMany(
          "INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'csm', NULL) ON CONFLICT (email) DO NOTHING",
          SEED_OWNERS.map((o) => [o.email, o.name]),
        );
        await insertDefaultPlaybooks(tx);
      }
      let pending = 0;
      while (next < plans.length && pending < commitEvery) {
        const group: GeneratedAccount[] = [];
        let events = 0;
        while (next + group.length < plans.length && group.length < GROUP_ACCOUNTS && events < GROUP_EVENTS) {
          const g = generateAccount(plans[next + group.length]!, range, options.seed, { volume });
          group.push(g);
          events += g.events.length;
        }
        pending += await write(tx, group);
        next += group.length;
        for (let done = summary.accounts - group.length + 1; done <= summary.accounts; done++) options.onProgress?.(done, plans.length);
      }
      for (const rows of [insEvents, insActivity, insOutcomes]) await rows.flush(tx);
    });
  }

  if (options.aggregate) {
    const t0 = performance.now();
    await options.aggregate(db);
    summary.aggregateSeconds = (performance.now() - t0) / 1000;
  }
  summary.seconds = (performance.now() - startedClock) / 1000;
  return summary;
}
