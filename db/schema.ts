/**
 * The whole database. Times are integers in epoch milliseconds (UTC); `day` columns are whole
 * days since 1970-01-01 UTC. External ids (CRM ids, API ids) are text; internal `pk` integers
 * keep the large tables (events, aggregates, snapshots) compact.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
const createdAt = () => integer('created_at').notNull().default(now);
const updatedAt = () => integer('updated_at').notNull().default(now);

// ---------------------------------------------------------------- people and access

export const users = sqliteTable('users', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  email: text('email').notNull(),
  name: text('name'),
  role: text('role', { enum: ['csm', 'manager', 'admin'] }).notNull(),
  /** scrypt: `scrypt$N$r$p$salt$hash` (base64); null for users who only sign in through OIDC */
  passwordHash: text('password_hash'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  lastLoginAt: integer('last_login_at'),
  disabledAt: integer('disabled_at'),
  /** sessions carry the value from their sign-in; signing out increments it, ending them all at once */
  sessionVersion: integer('session_version').notNull().default(0),
}, (t) => [uniqueIndex('users_email_uq').on(t.email)]);

/** Failed sign-ins per key (an email or a client address), to slow down guessing. */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: integer('last_failure_at').notNull(),
  blockedUntil: integer('blocked_until').notNull().default(0),
});

export const apiKeys = sqliteTable('api_keys', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** the first characters of the key, shown so that people can tell keys apart */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the whole key; keys are long random strings, so a fast hash is enough */
  keyHash: text('key_hash').notNull(),
  scope: text('scope', { enum: ['ingest', 'read', 'admin'] }).notNull(),
  createdByUserPk: integer('created_by_user_pk').references(() => users.pk, { onDelete: 'set null' }),
  createdAt: createdAt(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
}, (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash)]);

export const auditLog = sqliteTable('audit_log', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull().default(now),
  /** who: a user's email, `apikey:<name>`, `cli` or `system` */
  actor: text('actor').notNull(),
  actorUserPk: integer('actor_user_pk'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  details: text('details', { mode: 'json' }),
  ip: text('ip'),
}, (t) => [
  index('audit_log_at_idx').on(t.at),
  index('audit_log_action_at_idx').on(t.action, t.at),
  index('audit_log_target_idx').on(t.targetType, t.targetId),
]);

// ---------------------------------------------------------------- customers

export const accounts = sqliteTable('accounts', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  id: text('id').notNull(),
  name: text('name').notNull(),
  tier: text('tier', { enum: ['strategic', 'growth', 'core', 'nurture'] }),
  /** explicit stage; null means derived from started_at (onboarding for 90 days, then adoption) */
  lifecycleStage: text('lifecycle_stage', { enum: ['onboarding', 'adoption', 'renewal', 'expansion'] }),
  arr: real('arr').notNull().default(0),
  ownerEmail: text('owner_email'),
  startedAt: integer('started_at'),
  renewalDate: integer('renewal_date'),
  industry: text('industry'),
  size: text('size'),
  attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>(),
  /** set from outcomes: when the account churned (null while it is a customer) */
  churnedAt: integer('churned_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('accounts_id_uq').on(t.id),
  index('accounts_churned_idx').on(t.churnedAt),
  index('accounts_owner_idx').on(t.ownerEmail),
  index('accounts_tier_idx').on(t.tier),
  index('accounts_name_idx').on(t.name),
  index('accounts_arr_idx').on(t.arr),
]);

export const contacts = sqliteTable('contacts', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  id: text('id').notNull(),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  name: text('name'),
  email: text('email'),
  role: text('role', { enum: ['executive_sponsor', 'champion', 'power_user', 'user'] }),
  department: text('department'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('contacts_id_uq').on(t.id), index('contacts_account_idx').on(t.accountPk)]);

/** The trigger catalogue: which event types exist. Retiring keeps every event and aggregate. */
export const triggers = sqliteTable('triggers', {
  key: text('key').primaryKey(),
  label: text('label').notNull(),
  description: text('description'),
  /** properties the trigger carries: [{ name, type: boolean|number|string, description }] */
  properties: text('properties', { mode: 'json' }).$type<{ name: string; type: string; description?: string }[]>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  retiredAt: integer('retired_at'),
});

/** Incoming event names (e.g. Segment `track` names) mapped to a trigger key. */
export const triggerAliases = sqliteTable('trigger_aliases', {
  name: text('name').primaryKey(),
  triggerKey: text('trigger_key').notNull().references(() => triggers.key, { onUpdate: 'cascade' }),
  createdAt: createdAt(),
});

export const features = sqliteTable('features', {
  key: text('key').primaryKey(),
  label: text('label').notNull(),
  tier: text('tier', { enum: ['core', 'advanced', 'basic'] }).notNull(),
  createdAt: createdAt(),
  retiredAt: integer('retired_at'),
});

export const events = sqliteTable('events', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  /** optional idempotency key: the same id is never counted twice */
  id: text('id'),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  contactPk: integer('contact_pk').references(() => contacts.pk, { onDelete: 'set null' }),
  type: text('type').notNull(),
  occurredAt: integer('occurred_at').notNull(),
  count: integer('count').notNull().default(1),
  properties: text('properties', { mode: 'json' }).$type<Record<string, unknown>>(),
  source: text('source'),
  receivedAt: integer('received_at').notNull().default(now),
}, (t) => [
  // Partial: most events carry no id, and NULLs need no place in the index.
  uniqueIndex('events_id_uq').on(t.id).where(sql`${t.id} IS NOT NULL`),
  index('events_account_time_idx').on(t.accountPk, t.occurredAt),
]);

export const outcomes = sqliteTable('outcomes', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  /** optional idempotency key */
  id: text('id'),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  type: text('type', { enum: ['renewed', 'churned', 'expanded', 'contracted'] }).notNull(),
  occurredAt: integer('occurred_at').notNull(),
  arrDelta: real('arr_delta'),
  reason: text('reason'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('outcomes_id_uq').on(t.id).where(sql`${t.id} IS NOT NULL`),
  index('outcomes_account_time_idx').on(t.accountPk, t.occurredAt),
  index('outcomes_type_time_idx').on(t.type, t.occurredAt),
]);

// ---------------------------------------------------------------- aggregates (kept in step with events)
/**
 * The per-day aggregates, packed (lib/server/aggregates/format.ts): one row per account and
 * block of 8 UTC days (`block` = floor(day / 8)), a blob of every day's trigger counts with
 * property statistics, contact counts and feature counts. Written in the transactions that write
 * the events. WITHOUT ROWID (migration 0004, hand-written): each account's blocks are one range
 * scan; a generated migration that rebuilds this table must keep WITHOUT ROWID.
 */
export const aggPacked = sqliteTable('agg_packed', {
  accountPk: integer('account_pk').notNull(),
  block: integer('block').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
}, (t) => [primaryKey({ name: 'agg_packed_pk', columns: [t.accountPk, t.block] })]);

/** Ids of the names (types, features, property names) inside agg_packed blobs; append-only. */
export const aggNames = sqliteTable('agg_names', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
});

/** First and last activity per account ("nothing ever recorded" means no score, not zero). */
export const accountActivity = sqliteTable('account_activity', {
  accountPk: integer('account_pk').primaryKey().references(() => accounts.pk, { onDelete: 'cascade' }),
  firstAt: integer('first_at').notNull(),
  lastAt: integer('last_at').notNull(),
  events: integer('events').notNull().default(0),
});

// ---------------------------------------------------------------- the model and its results

export const modelVersions = sqliteTable('model_versions', {
  version: integer('version').primaryKey({ autoIncrement: true }),
  model: text('model', { mode: 'json' }).notNull(),
  author: text('author').notNull(),
  note: text('note'),
  /** set when this version restores an earlier one */
  rollbackOf: integer('rollback_of'),
  publishedAt: integer('published_at').notNull().default(now),
});

export const modelDrafts = sqliteTable('model_drafts', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  userPk: integer('user_pk').notNull().references(() => users.pk, { onDelete: 'cascade' }),
  baseVersion: integer('base_version'),
  model: text('model', { mode: 'json' }).notNull(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('model_drafts_user_uq').on(t.userPk)]);

/** Each account's current score (as of the end of the current UTC day). */
export const scores = sqliteTable('scores', {
  accountPk: integer('account_pk').primaryKey().references(() => accounts.pk, { onDelete: 'cascade' }),
  modelVersion: integer('model_version').notNull(),
  asOf: integer('as_of').notNull(),
  state: text('state', { enum: ['scored', 'no_data'] }).notNull(),
  score: real('score'),
  band: text('band'),
  partial: integer('partial', { mode: 'boolean' }).notNull().default(false),
  /** { [dimensionKey]: score | null } */
  dimensions: text('dimensions', { mode: 'json' }).$type<Record<string, number | null>>(),
  velocity: real('velocity'),
  touchpoints: integer('touchpoints').notNull().default(0),
  previousTouchpoints: integer('previous_touchpoints').notNull().default(0),
  previousScore: real('previous_score'),
  scoreChange: real('score_change'),
  belowTarget: integer('below_target', { mode: 'boolean' }).notNull().default(false),
  /** [{ key, severity }] */
  flags: text('flags', { mode: 'json' }).$type<{ key: string; severity: 'red' | 'yellow' }[]>(),
  flagCount: integer('flag_count').notNull().default(0),
  redFlagCount: integer('red_flag_count').notNull().default(0),
  computedAt: integer('computed_at').notNull(),
  /** the probability of churning within the risk model's horizon (null: no risk model for this version) */
  churnRisk: real('churn_risk'),
}, (t) => [
  index('scores_band_score_idx').on(t.band, t.score),
  index('scores_score_idx').on(t.score),
  index('scores_velocity_idx').on(t.velocity),
  index('scores_churn_risk_idx').on(t.churnRisk),
]);

/** One row per account per day: the trend charts and cohort analyses read these. */
export const scoreSnapshots = sqliteTable('score_snapshots', {
  accountPk: integer('account_pk').notNull(),
  day: integer('day').notNull(),
  modelVersion: integer('model_version').notNull(),
  score: real('score'),
  band: text('band'),
  /** { [dimensionKey]: score | null } */
  dimensions: text('dimensions'),
}, (t) => [
  primaryKey({ name: 'score_snapshots_pk', columns: [t.accountPk, t.day] }),
  // One day of every account from the index alone (band, score and the account to join), for the
  // trends, the as-of lists and the cohorts; it replaces the plain day index (migration 0003).
  index('score_snapshots_day_account_idx').on(t.day, t.accountPk, t.band, t.score),
]);

/** Accounts whose daily snapshots are stale from a day on (events arrived for past days). */
export const historyStale = sqliteTable('history_stale', {
  accountPk: integer('account_pk').primaryKey().references(() => accounts.pk, { onDelete: 'cascade' }),
  fromDay: integer('from_day').notNull(),
  queuedAt: integer('queued_at').notNull(),
});

/**
 * Accounts whose current score waits for a rescore: event batches record the accounts they touch
 * here in their own transaction, and the server rescores them just after the commit (coalesced,
 * in short chunks). A crash between the two loses nothing: the server finishes the list on start.
 */
export const rescorePending = sqliteTable('rescore_pending', {
  accountPk: integer('account_pk').primaryKey().references(() => accounts.pk, { onDelete: 'cascade' }),
  queuedAt: integer('queued_at').notNull(),
  /** changed by every write that lists the account again: a rescore that read older figures leaves the entry */
  seq: integer('seq').notNull().default(0),
  /** a worker is rescoring the account until then (a lease: a killed worker's accounts are taken again after it) */
  claimedUntil: integer('claimed_until'),
}, (t) => [index('rescore_pending_queued_idx').on(t.queuedAt)]);

/** Early-warning flag episodes: raised when a flag starts firing, cleared when it stops. */
export const flags = sqliteTable('flags', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  key: text('key').notNull(),
  severity: text('severity', { enum: ['red', 'yellow'] }).notNull(),
  evidence: text('evidence').notNull(),
  data: text('data', { mode: 'json' }),
  raisedAt: integer('raised_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
  clearedAt: integer('cleared_at'),
}, (t) => [
  index('flags_account_open_idx').on(t.accountPk, t.clearedAt),
  index('flags_raised_idx').on(t.raisedAt),
]);

/** Band changes of the current score (drops feed alerts; all feed "what changed"). */
export const bandChanges = sqliteTable('band_changes', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  fromBand: text('from_band'),
  toBand: text('to_band'),
  score: real('score'),
  at: integer('at').notNull(),
}, (t) => [index('band_changes_account_idx').on(t.accountPk, t.at), index('band_changes_at_idx').on(t.at)]);

/** What a CSM sees in Alerts: a raised flag or a band drop, with its acknowledgement. */
export const alerts = sqliteTable('alerts', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['flag', 'band_drop'] }).notNull(),
  key: text('key').notNull(),
  severity: text('severity', { enum: ['red', 'yellow'] }).notNull(),
  title: text('title').notNull(),
  evidence: text('evidence'),
  flagPk: integer('flag_pk'),
  createdAt: integer('created_at').notNull(),
  acknowledgedAt: integer('acknowledged_at'),
  acknowledgedByUserPk: integer('acknowledged_by_user_pk').references(() => users.pk, { onDelete: 'set null' }),
  snoozedUntil: integer('snoozed_until'),
}, (t) => [
  index('alerts_account_idx').on(t.accountPk, t.createdAt),
  index('alerts_open_idx').on(t.acknowledgedAt, t.createdAt),
]);

/** A CSM's band override: the computed score stays visible beside it. */
export const overrides = sqliteTable('overrides', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  band: text('band').notNull(),
  reason: text('reason').notNull(),
  expiresAt: integer('expires_at').notNull(),
  createdByUserPk: integer('created_by_user_pk').references(() => users.pk, { onDelete: 'set null' }),
  createdAt: createdAt(),
  revokedAt: integer('revoked_at'),
  revokedByUserPk: integer('revoked_by_user_pk'),
}, (t) => [index('overrides_account_idx').on(t.accountPk, t.expiresAt)]);

// ---------------------------------------------------------------- operations

export const webhooks = sqliteTable('webhooks', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  /** which alerts are sent: ['band_drop', 'red_flag'] */
  events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
});

/** Each delivery attempt of a webhook: what was sent, the answer, and when to retry. */
export const webhookDeliveries = sqliteTable('webhook_deliveries', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  webhookPk: integer('webhook_pk').notNull().references(() => webhooks.pk, { onDelete: 'cascade' }),
  alertPk: integer('alert_pk').references(() => alerts.pk, { onDelete: 'set null' }),
  payload: text('payload').notNull(),
  status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  nextAttemptAt: integer('next_attempt_at'),
  createdAt: createdAt(),
  deliveredAt: integer('delivered_at'),
}, (t) => [index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt)]);

/** A CSV or bulk import: what was read, written and skipped, with the report of skipped rows. */
export const importRuns = sqliteTable('import_runs', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  kind: text('kind', { enum: ['accounts', 'contacts', 'events', 'outcomes', 'oulad'] }).notNull(),
  filename: text('filename'),
  status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
  totalRows: integer('total_rows').notNull().default(0),
  writtenRows: integer('written_rows').notNull().default(0),
  skippedRows: integer('skipped_rows').notNull().default(0),
  /** the skipped rows with their reasons: [{ row, field, message, values }] */
  report: text('report', { mode: 'json' }),
  createdByUserPk: integer('created_by_user_pk'),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
}, (t) => [index('import_runs_started_idx').on(t.startedAt)]);

/**
 * Long-running work (publishing a model: every score and the daily history recomputed) with its
 * progress, which pages and the API poll. A publish records how far it got (the last account done,
 * in account order) with each step, in the step's own transaction, so a server that died in the
 * middle resumes it from there when it starts again.
 */
export const jobs = sqliteTable('jobs', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  kind: text('kind').notNull(),
  status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
  progress: real('progress').notNull().default(0),
  message: text('message'),
  /** the model version a publish applies */
  modelVersion: integer('model_version'),
  /** the last account (by pk) a publish has recomputed; the next step begins after it */
  lastAccountPk: integer('last_account_pk'),
  doneItems: integer('done_items').notNull().default(0),
  totalItems: integer('total_items').notNull().default(0),
  createdByUserPk: integer('created_by_user_pk'),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
}, (t) => [index('jobs_kind_started_idx').on(t.kind, t.startedAt)]);

/**
 * Fitted churn-risk models (lib/analytics/risk.ts): a logistic regression of churn within the
 * horizon on the live model's dimension scores (and the score change), fitted on earlier dates of
 * the daily history and judged on later ones it never saw. The newest row for the live model
 * version is the one in use.
 */
export const riskModels = sqliteTable('risk_models', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  modelVersion: integer('model_version').notNull(),
  horizonDays: integer('horizon_days').notNull(),
  fittedAt: integer('fitted_at').notNull(),
  /** [{ key, label }] in the order of the coefficients */
  features: text('features', { mode: 'json' }).notNull(),
  coefficients: text('coefficients', { mode: 'json' }).notNull(),
  intercept: real('intercept').notNull(),
  /** the training means: what a missing value stands for, and the "typical" of the reasons */
  means: text('means', { mode: 'json' }).notNull(),
  /** { method: 'none' } or { method: 'platt', a, b } applied to the fitted log-odds */
  calibration: text('calibration', { mode: 'json' }).notNull(),
  samples: integer('samples').notNull(),
  accounts: integer('accounts').notNull(),
  churned: integer('churned').notNull(),
  /** { dates, samples, churned } of the training part */
  training: text('training', { mode: 'json' }).notNull(),
  /** { dates, samples, churned, auc, brier, deciles: [{ decile, samples, predicted, observed }], before? } */
  heldOut: text('held_out', { mode: 'json' }).notNull(),
}, (t) => [index('risk_models_version_idx').on(t.modelVersion, t.pk)]);

/** Small key/value settings (e.g. when the daily refresh last ran). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }),
  updatedAt: updatedAt(),
});

// ---------------------------------------------------------------- the CSM's programme: cadence, playbooks, tasks

/** Published cadences: the touchpoints each tier calls for (lib/programme/cadence.ts); the newest is live. */
export const cadenceVersions = sqliteTable('cadence_versions', {
  version: integer('version').primaryKey({ autoIncrement: true }),
  /** { tiers: { strategic: [{ key, label, everyDays, fulfilledBy: [{ trigger, property? }] }], ... } } */
  cadence: text('cadence', { mode: 'json' }).notNull(),
  author: text('author').notNull(),
  note: text('note'),
  publishedAt: integer('published_at').notNull().default(now),
});

/**
 * When each account last had an event that can fulfil a cadence item: `touch` is a trigger key, or
 * `trigger#property` for such events whose property is true. Kept in step with events for the
 * touches the live cadence names (lib/server/programme/touches.ts).
 */
export const accountTouches = sqliteTable('account_touches', {
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  touch: text('touch').notNull(),
  lastAt: integer('last_at').notNull(),
}, (t) => [primaryKey({ name: 'account_touches_pk', columns: [t.accountPk, t.touch] })]);

/** Each account's cadence items: when last done and by what, and when next due (overdue once past). */
export const cadenceStatus = sqliteTable('cadence_status', {
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  itemKey: text('item_key').notNull(),
  everyDays: integer('every_days').notNull(),
  lastAt: integer('last_at'),
  /** the touch that fulfilled it last (a trigger key, or trigger#property) */
  lastTouch: text('last_touch'),
  dueAt: integer('due_at').notNull(),
  cadenceVersion: integer('cadence_version').notNull(),
}, (t) => [
  primaryKey({ name: 'cadence_status_pk', columns: [t.accountPk, t.itemKey] }),
  index('cadence_status_due_idx').on(t.dueAt),
]);

/** Admin-defined rules that give the account's owner tasks when a condition starts to hold. */
export const playbooks = sqliteTable('playbooks', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  key: text('key').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  /** when it fires (lib/programme/playbooks.ts): band, flag, renewal, cadence_overdue or below_target */
  condition: text('condition', { mode: 'json' }).notNull(),
  /** only accounts of these tiers (null: every tier) */
  tiers: text('tiers', { mode: 'json' }).$type<string[]>(),
  /** [{ title, dueInDays }] */
  steps: text('steps', { mode: 'json' }).notNull(),
  /** its open tasks close themselves when the condition ends */
  autoClose: integer('auto_close', { mode: 'boolean' }).notNull().default(true),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('playbooks_key_uq').on(t.key)]);

/** Episodes of a playbook's condition on an account: it fires once per episode. */
export const playbookRuns = sqliteTable('playbook_runs', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  playbookPk: integer('playbook_pk').notNull().references(() => playbooks.pk, { onDelete: 'cascade' }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  /** why it fired, in words ("Created because the score fell to 38.2 (red) on 4 Dec") */
  reason: text('reason').notNull(),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
}, (t) => [
  uniqueIndex('playbook_runs_open_uq').on(t.playbookPk, t.accountPk).where(sql`${t.endedAt} IS NULL`),
  index('playbook_runs_account_idx').on(t.accountPk, t.startedAt),
]);

/** Work for a CSM on an account: from a playbook's steps or added by hand. */
export const tasks = sqliteTable('tasks', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  ownerEmail: text('owner_email'),
  title: text('title').notNull(),
  reason: text('reason'),
  playbookPk: integer('playbook_pk').references(() => playbooks.pk, { onDelete: 'set null' }),
  runPk: integer('run_pk').references(() => playbookRuns.pk, { onDelete: 'set null' }),
  /** the playbook step it comes from (0-based) */
  step: integer('step'),
  dueAt: integer('due_at').notNull(),
  state: text('state', { enum: ['open', 'done', 'snoozed'] }).notNull().default('open'),
  snoozedUntil: integer('snoozed_until'),
  createdAt: integer('created_at').notNull(),
  createdByUserPk: integer('created_by_user_pk').references(() => users.pk, { onDelete: 'set null' }),
  doneAt: integer('done_at'),
  doneByUserPk: integer('done_by_user_pk').references(() => users.pk, { onDelete: 'set null' }),
  /** why it was closed: done by someone, or its playbook's condition ended */
  closedReason: text('closed_reason', { enum: ['done', 'condition_ended'] }),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [
  index('tasks_owner_state_due_idx').on(t.ownerEmail, t.state, t.dueAt),
  index('tasks_account_state_idx').on(t.accountPk, t.state),
  index('tasks_run_idx').on(t.runPk),
]);

/** Notes added to a task. */
export const taskNotes = sqliteTable('task_notes', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  taskPk: integer('task_pk').notNull().references(() => tasks.pk, { onDelete: 'cascade' }),
  authorEmail: text('author_email'),
  body: text('body').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('task_notes_task_idx').on(t.taskPk, t.createdAt)]);

// ---------------------------------------------------------------- experiments (A/B tests of the programme)

/**
 * Experiments: a population assigned at random to arms, each arm with its own programme (cadence
 * intervals, playbooks on or off) while the experiment runs (lib/experiments/definition.ts).
 */
export const experiments = sqliteTable('experiments', {
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  key: text('key').notNull(),
  name: text('name').notNull(),
  hypothesis: text('hypothesis'),
  /** { tier?, band?, owner?, accountIds? } */
  population: text('population', { mode: 'json' }).notNull(),
  /** [{ key, label, weight, cadence: [{ item, everyDays }], playbooks: { on, off } }]; the first is the baseline */
  arms: text('arms', { mode: 'json' }).notNull(),
  /** ["tier", "band"] */
  stratifyBy: text('stratify_by', { mode: 'json' }).notNull(),
  seed: integer('seed').notNull(),
  startAt: integer('start_at').notNull(),
  endAt: integer('end_at'),
  /** accounts joining the population later: assigned as they come, or left out */
  lateJoiners: text('late_joiners', { enum: ['assign', 'exclude'] }).notNull(),
  createdAt: integer('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  /** ended early by someone (end_at is then when) */
  stoppedBy: text('stopped_by'),
}, (t) => [uniqueIndex('experiments_key_uq').on(t.key), index('experiments_end_idx').on(t.endAt)]);

/** Each account's arm in an experiment: drawn once, never again. */
export const experimentAssignments = sqliteTable('experiment_assignments', {
  experimentPk: integer('experiment_pk').notNull().references(() => experiments.pk, { onDelete: 'cascade' }),
  accountPk: integer('account_pk').notNull().references(() => accounts.pk, { onDelete: 'cascade' }),
  arm: text('arm').notNull(),
  /** "tier=growth|band=yellow" */
  stratum: text('stratum').notNull(),
  /** its place in the stratum's sequence of arms */
  position: integer('position').notNull(),
  assignedAt: integer('assigned_at').notNull(),
  /** joined the population after the experiment was created */
  late: integer('late', { mode: 'boolean' }).notNull().default(false),
  /**
   * The account's current score when its part in the experiment began, kept when that was the
   * moment it was assigned (an experiment starting as it is created, an account joining one that
   * runs); null: the report reads the score at the end of the day before from the daily history.
   */
  startScore: real('start_score'),
}, (t) => [
  primaryKey({ name: 'experiment_assignments_pk', columns: [t.experimentPk, t.accountPk] }),
  index('experiment_assignments_account_idx').on(t.accountPk),
]);
