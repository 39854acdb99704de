/**
 * Current scores: computed by the engine from the aggregates and stored with their flags,
 * band changes and the alerts they raise. Called in the same transaction as event writes (for
 * the accounts they touch), daily as time moves the windows, and after a model publish.
 */
import type { Db } from '@/db/open';
import { endOfUtcDay, scoreAccount, type Flag, type Model, type ScoreResult } from '@/lib/scoring';
import { DAY_MS, dayOf } from './aggregates';
import { ensureLiveModel } from './model';
import { enqueueWebhookDeliveries } from './webhooks';
import { loadCatalogue, loadScoringInputs } from '../queries/scoring-inputs';

export interface RescoreOptions {
  /** only these accounts (default: all) */
  accountPks?: number[];
  /** the instant scores are as of (default: the end of the current UTC day) */
  asOf?: number;
  /** when the work happens (alerts and flags are stamped with it) */
  now?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RescoreSummary {
  accounts: number;
  modelVersion: number;
  asOf: number;
  bandChanges: number;
  flagsRaised: number;
  ms: number;
}

const WRITE_CHUNK = 1000;

/** Dimension scores kept with two decimals: enough for charts, compact in JSON. */
export function dimensionScores(result: Pick<ScoreResult, 'dimensions'>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const d of result.dimensions) out[d.key] = d.score === null ? null : Math.round(d.score * 100) / 100;
  return out;
}

interface PreviousScore { account_pk: number; band: string | null }
interface OpenFlag { pk: number; account_pk: number; key: string }

function bandRank(model: Model, band: string | null): number {
  if (band === null) return -1;
  return model.bands.findIndex((b) => b.key === band);
}

function prepare(db: Db) {
  const c = db.$client;
  return {
    upsertScore: c.prepare(
      `INSERT INTO scores (account_pk, model_version, as_of, state, score, band, partial, dimensions, velocity, touchpoints,
         previous_touchpoints, previous_score, score_change, below_target, flags, flag_count, red_flag_count, computed_at)
       VALUES (@account_pk, @model_version, @as_of, @state, @score, @band, @partial, @dimensions, @velocity, @touchpoints,
         @previous_touchpoints, @previous_score, @score_change, @below_target, @flags, @flag_count, @red_flag_count, @computed_at)
       ON CONFLICT (account_pk) DO UPDATE SET model_version = excluded.model_version, as_of = excluded.as_of, state = excluded.state,
         score = excluded.score, band = excluded.band, partial = excluded.partial, dimensions = excluded.dimensions,
         velocity = excluded.velocity, touchpoints = excluded.touchpoints, previous_touchpoints = excluded.previous_touchpoints,
         previous_score = excluded.previous_score, score_change = excluded.score_change, below_target = excluded.below_target,
         flags = excluded.flags, flag_count = excluded.flag_count, red_flag_count = excluded.red_flag_count, computed_at = excluded.computed_at`,
    ),
    upsertSnapshot: c.prepare(
      `INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_pk, day) DO UPDATE SET model_version = excluded.model_version, score = excluded.score,
         band = excluded.band, dimensions = excluded.dimensions`,
    ),
    insertFlag: c.prepare(
      'INSERT INTO flags (account_pk, key, severity, evidence, data, raised_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    touchFlag: c.prepare('UPDATE flags SET evidence = ?, data = ?, severity = ?, last_seen_at = ? WHERE pk = ?'),
    clearFlag: c.prepare('UPDATE flags SET cleared_at = ? WHERE pk = ?'),
    insertAlert: alertWriter(db),
    insertBandChange: c.prepare('INSERT INTO band_changes (account_pk, from_band, to_band, score, at) VALUES (?, ?, ?, ?, ?)'),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Inserts an alert and queues it for the webhooks subscribed to it, in the same transaction. */
function alertWriter(db: Db) {
  const c = db.$client;
  const insert = c.prepare('INSERT INTO alerts (account_pk, kind, key, severity, title, evidence, flag_pk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const hooks = (c.prepare('SELECT count(*) FROM webhooks WHERE active = 1').pluck().get() as number) > 0;
  const account = c.prepare('SELECT a.id, a.name, s.score FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE a.pk = ?');
  return {
    run(accountPk: number, kind: 'flag' | 'band_drop', key: string, severity: 'red' | 'yellow', title: string, evidence: string | null, flagPk: number | null, now: number) {
      const pk = Number(insert.run(accountPk, kind, key, severity, title, evidence, flagPk, now).lastInsertRowid);
      if (hooks) {
        const a = account.get(accountPk) as { id: string; name: string; score: number | null };
        enqueueWebhookDeliveries(db, { pk, kind, severity, title, evidence, accountId: a.id, accountName: a.name, score: a.score }, undefined, now);
      }
      return pk;
    },
  };
}

function syncFlags(s: Statements, accountPk: number, flags: Flag[], open: OpenFlag[], now: number): number {
  let raised = 0;
  const openByKey = new Map(open.map((f) => [f.key, f]));
  for (const f of flags) {
    const existing = openByKey.get(f.key);
    const data = JSON.stringify(f.data);
    if (existing) {
      s.touchFlag.run(f.evidence, data, f.severity, now, existing.pk);
      openByKey.delete(f.key);
    } else {
      const flagPk = Number(s.insertFlag.run(accountPk, f.key, f.severity, f.evidence, data, now, now).lastInsertRowid);
      s.insertAlert.run(accountPk, 'flag', f.key, f.severity, f.label, f.evidence, flagPk, now);
      raised += 1;
    }
  }
  for (const gone of openByKey.values()) s.clearFlag.run(now, gone.pk);
  return raised;
}

/** Stores one account's score, its snapshot for the day, flags, band change and alerts. */
function persist(s: Statements, model: Model, version: number, pk: number, r: ScoreResult, previousBand: string | null | undefined, open: OpenFlag[], now: number) {
  const band = r.band?.key ?? null;
  const dims = JSON.stringify(dimensionScores(r));
  s.upsertScore.run({
    account_pk: pk,
    model_version: version,
    as_of: r.asOf,
    state: r.state,
    score: r.score,
    band,
    partial: r.partial ? 1 : 0,
    dimensions: dims,
    velocity: r.velocity,
    touchpoints: r.touchpoints.current,
    previous_touchpoints: r.touchpoints.previous,
    previous_score: r.previousScore,
    score_change: r.scoreChange,
    below_target: r.belowTarget ? 1 : 0,
    flags: JSON.stringify(r.flags.map((f) => ({ key: f.key, severity: f.severity }))),
    flag_count: r.flags.length,
    red_flag_count: r.flags.filter((f) => f.severity === 'red').length,
    computed_at: now,
  });
  // The snapshot of the day the score is as of (asOf is that day's end).
  s.upsertSnapshot.run(pk, dayOf(r.asOf - 1), version, r.score, band, dims);
  const raised = syncFlags(s, pk, r.flags, open, now);
  let changed = 0;
  if (previousBand !== undefined && previousBand !== band) {
    s.insertBandChange.run(pk, previousBand, band, r.score, now);
    changed = 1;
    const drop = previousBand !== null && band !== null && bandRank(model, band) > bandRank(model, previousBand);
    if (drop) {
      const to = model.bands.find((b) => b.key === band)!;
      const from = model.bands.find((b) => b.key === previousBand);
      const lowest = bandRank(model, band) === model.bands.length - 1;
      s.insertAlert.run(pk, 'band_drop', band, lowest ? 'red' : 'yellow', `Dropped to ${to.label}`,
        `Score ${r.score?.toFixed(1)} moved from ${from?.label ?? previousBand} to ${to.label}`, null, now);
    }
  }
  return { raised, changed };
}

/** Recomputes current scores with the live model. Writes in chunks, each in one transaction. */
export function rescore(db: Db, options: RescoreOptions = {}): RescoreSummary {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const live = ensureLiveModel(db);
  const model = live.model;
  const asOf = options.asOf ?? endOfUtcDay(now);
  const toDay = Math.ceil(asOf / DAY_MS);
  const fromDay = toDay - 2 * model.windowDays - 1;
  const inputs = loadScoringInputs(db, { accountPks: options.accountPks, fromDay, toDay });
  const catalogue = loadCatalogue(db);
  const c = db.$client;
  const s = prepare(db);

  const pks = [...inputs.keys()];
  const subset = options.accountPks ? `WHERE account_pk IN (${pks.join(',') || 'NULL'})` : '';
  const previous = new Map((c.prepare(`SELECT account_pk, band FROM scores ${subset}`).all() as PreviousScore[]).map((r) => [r.account_pk, r.band]));
  const openFlags = new Map<number, OpenFlag[]>();
  for (const f of c.prepare(`SELECT pk, account_pk, key FROM flags WHERE cleared_at IS NULL ${subset ? `AND ${subset.slice(6)}` : ''}`).all() as OpenFlag[]) {
    const list = openFlags.get(f.account_pk);
    if (list) list.push(f);
    else openFlags.set(f.account_pk, [f]);
  }

  let bandChanges = 0;
  let flagsRaised = 0;
  for (let i = 0; i < pks.length; i += WRITE_CHUNK) {
    const part = pks.slice(i, i + WRITE_CHUNK);
    db.transaction(() => {
      for (const pk of part) {
        const input = inputs.get(pk)!;
        const result = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf });
        const out = persist(s, model, live.version, pk, result, previous.has(pk) ? previous.get(pk)! : undefined, openFlags.get(pk) ?? [], now);
        bandChanges += out.changed;
        flagsRaised += out.raised;
      }
    });
    options.onProgress?.(Math.min(pks.length, i + WRITE_CHUNK), pks.length);
  }
  return { accounts: pks.length, modelVersion: live.version, asOf, bandChanges, flagsRaised, ms: performance.now() - started };
}
