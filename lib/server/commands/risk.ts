/**
 * Fitting the churn risk (lib/analytics/risk.ts) on the stored daily history and storing it.
 *
 * Samples are (account, as-of date) pairs at dates spaced through the history: the accounts
 * active at the date (SCORING.md §5), their dimension scores and score change then (the
 * snapshots of the day before, of the model version of the time), and whether they churned
 * within the horizon after it. Dates whose horizon is not over are not used. The latest dates
 * are held out: the fit sees only dates whose whole horizon ends before the first held-out date,
 * so no outcome it learns from lies in the period it is judged on.
 *
 * A fit is a job (`jobs`, kind `risk`): recorded after a publish has rebuilt the history, by the
 * daily refresh and by an admin; one waits at a time, and the process that claims it (one
 * statement) fits it, once. Storing a fit recomputes every account's stored probability in the
 * same transaction; the score writer keeps it up to date from then on.
 */
import { isoDate, selectCohort } from '@/lib/analytics/cohort';
import { fitRisk, riskProbability, type RiskSample } from '@/lib/analytics/risk';
import { DAY_MS } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { logger, logStep } from '../log';
import { announce, enqueue } from '../queue';
import { loadCohortAccounts } from '../queries/cohorts';
import { historyRange } from '../queries/score-source';
import {
  currentRiskModel, featureVector, MAX_RISK_HORIZON, MIN_CHURNED, MIN_RETAINED, MIN_RISK_HORIZON, RISK_HORIZON_SETTING, RISK_STATUS_SETTING, riskFeaturesOf, riskHorizon,
  type RiskStatus, type StoredRiskModel,
} from '../queries/risk';
import { hasRole } from '@/lib/roles';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';
import { backgroundWorkHere, storeIsOpen } from '../worker-mode';
import { recordAudit } from './audit';
import { failJob, finishJob, startJob } from './jobs';
import { ensureLiveModel } from './model';

export const RISK_JOB_KIND = 'risk';
/** As-of dates used at most (spread evenly), and the least spacing between them. */
const MAX_DATES = 24;
const MIN_STEP_DAYS = 7;
/** The share of the usable dates held out for judging the fit (the latest ones). */
const HELD_OUT_SHARE = 0.3;
const MIN_HELD_OUT = 5;
/** A claimed fit whose process died is given up after this long (a fit takes seconds). */
const CLAIM_TIMEOUT_MS = 10 * 60_000;

const count = (n: number) => n.toLocaleString('en');

export type FitOutcome = { fitted: true; model: StoredRiskModel } | { fitted: false; message: string; churned: number; retained: number };

interface DatedSample extends RiskSample {
  day: number;
}

/** The samples of one as-of day (D): the cohort of D with the snapshots of D - 1 and one window earlier. */
async function samplesAt(db: Store, day: number, horizonDays: number, windowDays: number, features: ReturnType<typeof riskFeaturesOf>): Promise<DatedSample[]> {
  const asOf = day * DAY_MS;
  const [rows, before, cohort] = await Promise.all([
    db.all<{ account_pk: number; score: number | null; dimensions: string }>('SELECT account_pk, score, dimensions FROM score_snapshots WHERE day = ? AND dimensions IS NOT NULL', [day - 1]),
    db.all<{ account_pk: number; score: number | null }>('SELECT account_pk, score FROM score_snapshots WHERE day = ?', [day - 1 - windowDays]),
    loadCohortAccounts(db, asOf, horizonDays),
  ]);
  const then = new Map(rows.map((r) => [r.account_pk, r]));
  const earlier = new Map(before.map((r) => [r.account_pk, r.score]));
  const out: DatedSample[] = [];
  for (const m of selectCohort(cohort, asOf, horizonDays).members) {
    const pk = m.id as number;
    const row = then.get(pk);
    if (!row || row.score === null) continue;
    const prev = earlier.get(pk);
    const change = prev === undefined || prev === null ? null : Math.round((row.score - prev) * 10) / 10;
    const x = featureVector(features, JSON.parse(row.dimensions) as Record<string, number | null>, change);
    if (x.every((v) => v === null)) continue;
    out.push({ x, churned: m.churnedAt !== null, account: pk, day });
  }
  return out;
}

const distinctAccounts = (samples: readonly RiskSample[], churned: boolean) => new Set(samples.filter((s) => s.churned === churned).map((s) => s.account)).size;

/**
 * Fits the risk for the live model and, when there is enough to learn from, stores it and every
 * account's probability; records what happened (settings `risk.status`) either way.
 */
export async function fitChurnRisk(db: Store, options: { now?: number; horizonDays?: number } = {}): Promise<FitOutcome> {
  const now = options.now ?? Date.now();
  const clock = performance.now();
  const live = await ensureLiveModel(db);
  const horizonDays = options.horizonDays ?? (await riskHorizon(db));
  const features = riskFeaturesOf(live.model);
  const windowDays = live.model.windowDays;
  const refuse = async (message: string, churned = 0, retained = 0): Promise<FitOutcome> => {
    await saveStatus(db, { at: now, fitted: false, message, horizonDays, churned, retained });
    return { fitted: false, message, churned, retained };
  };

  const range = await historyRange(db);
  if (range.first === null || range.last === null) return refuse('There is no score history to learn from yet.');
  const lastKnown = (await db.value<number>(
    `SELECT ${db.dialect.greatest('coalesce((SELECT max(last_at) FROM account_activity), 0)', 'coalesce((SELECT max(occurred_at) FROM outcomes), 0)')}`,
  ))!;
  const today = Math.floor(now / DAY_MS);
  // Days after the last activity and the last outcome teach nothing (data that ended long ago).
  const end = Math.min(range.last + 1, today, lastKnown === 0 ? today : Math.floor(lastKnown / DAY_MS) + 1);
  const first = range.first + windowDays + 1;
  const lastDate = end - horizonDays;
  const span = lastDate - first;
  const heldFrom = lastDate - Math.floor(span * HELD_OUT_SHARE);
  // Training dates: their whole horizon ends by the first held-out date.
  const trainLast = heldFrom - horizonDays;
  if (span < 0 || trainLast < first) {
    const needed = windowDays + 1 + Math.ceil(horizonDays / (1 - HELD_OUT_SHARE)) + horizonDays;
    return refuse(`Not enough history: a ${horizonDays}-day risk needs about ${count(needed)} days of daily scores with outcomes after them (there are ${count(Math.max(0, end - range.first))}).`);
  }
  const step = Math.max(MIN_STEP_DAYS, Math.ceil(span / (MAX_DATES - 1)));
  const days: number[] = [];
  for (let d = lastDate; d >= first; d -= step) days.push(d);
  days.reverse();
  const trainDays = days.filter((d) => d <= trainLast);
  const heldDays = days.filter((d) => d >= heldFrom);
  if (!trainDays.length) trainDays.push(trainLast);
  const perDay: DatedSample[][] = [];
  for (const d of [...trainDays, ...heldDays]) perDay.push(await samplesAt(db, d, horizonDays, windowDays, features));
  const all = perDay.flat();
  const train = all.filter((s) => s.day <= trainLast);
  const heldOut = all.filter((s) => s.day >= heldFrom);
  const churned = distinctAccounts(train, true);
  const retained = distinctAccounts(train, false);
  if (churned < MIN_CHURNED || retained < MIN_RETAINED) {
    return refuse(
      `Too few outcomes to fit a ${horizonDays}-day churn risk: it needs at least ${MIN_CHURNED} accounts that churned and ${MIN_RETAINED} that stayed within the horizon on the training dates (there are ${count(churned)} and ${count(retained)}).`,
      churned,
      retained,
    );
  }
  const heldChurned = heldOut.filter((s) => s.churned).length;
  if (heldChurned < MIN_HELD_OUT || heldOut.length - heldChurned < MIN_HELD_OUT) {
    return refuse(`Too few outcomes on the later dates to judge a fit: it needs at least ${MIN_HELD_OUT} churned and ${MIN_HELD_OUT} retained there (there are ${heldChurned} and ${heldOut.length - heldChurned}).`, churned, retained);
  }
  const { model, heldOut: metrics } = fitRisk(features, train, heldOut);
  const accounts = new Set(all.map((s) => s.account)).size;
  const stored = await db.tx(async (tx) => {
    const pk = (await tx.value<number>(
      `INSERT INTO risk_models (model_version, horizon_days, fitted_at, features, coefficients, intercept, means, calibration, samples, accounts, churned, training, held_out)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk`,
      [
        live.version, horizonDays, now, JSON.stringify(model.features), JSON.stringify(model.coefficients), model.intercept, JSON.stringify(model.means),
        JSON.stringify(model.calibration), all.length, accounts, churned,
        JSON.stringify({ dates: trainDays.map((d) => isoDate(d * DAY_MS)), samples: train.length, churned: train.filter((s) => s.churned).length }),
        JSON.stringify({ ...metrics, dates: heldDays.map((d) => isoDate(d * DAY_MS)) }),
      ],
    ))!;
    const risk = (await currentRiskModel(tx, live.version))!;
    await storeProbabilities(tx, risk);
    await saveStatus(tx, {
      at: now, fitted: true, horizonDays, churned, retained,
      message: `Fitted on ${count(accounts)} accounts (${count(all.length)} samples); held-out AUC ${metrics.auc?.toFixed(2) ?? '—'}`,
    });
    return { pk, risk };
  });
  logStep('risk', clock, { id: stored.pk, samples: all.length, churned, heldOutAuc: metrics.auc, calibration: model.calibration.method });
  return { fitted: true, model: stored.risk };
}

async function saveStatus(db: Store, status: RiskStatus): Promise<void> {
  await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [RISK_STATUS_SETTING, JSON.stringify(status)]);
}

const ROWS_PER_STATEMENT = 500;

/** Every scored account's probability under `risk` (others get null), in the caller's transaction. */
export async function storeProbabilities(db: Store, risk: StoredRiskModel): Promise<number> {
  const rows = await db.all<{ account_pk: number; dimensions: string | null; score_change: number | null; state: string }>('SELECT account_pk, dimensions, score_change, state FROM scores ORDER BY account_pk');
  const values = rows.map((r) => {
    const p = r.state === 'scored' && r.dimensions ? riskProbability(risk, featureVector(risk.features, JSON.parse(r.dimensions) as Record<string, number | null>, r.score_change)) : null;
    return [r.account_pk, p] as const;
  });
  for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) {
    const part = values.slice(i, i + ROWS_PER_STATEMENT);
    await db.run(
      `UPDATE scores SET churn_risk = v.column2 FROM (VALUES ${part.map(() => '(CAST(? AS bigint), CAST(? AS double precision))').join(', ')}) AS v WHERE scores.account_pk = v.column1`,
      part.flat(),
    );
  }
  return values.length;
}

/** pg_advisory_xact_lock's keys for "recording a risk fit": "TRJB", 1. */
const RECORD_LOCK = '1414678082, 1';

/**
 * Records a fit to be done (joining one that waits already, unclaimed), in the caller's
 * transaction or one of its own; on PostgreSQL the queue is told in the same transaction.
 */
export async function recordRiskFit(db: Store, userPk: number | null, why: string): Promise<number> {
  return db.tx(async (tx) => {
    if (tx.engine === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${RECORD_LOCK})`);
    const waiting = await tx.value<number>("SELECT pk FROM jobs WHERE kind = ? AND status = 'running' AND progress = 0 ORDER BY pk LIMIT 1", [RISK_JOB_KIND]);
    if (waiting !== undefined) return waiting;
    const pk = await startJob(tx, RISK_JOB_KIND, userPk, `Waiting to fit the churn risk (${why})`, { totalItems: 1 });
    await enqueue(tx, 'risk');
    return pk;
  });
}

/** Has the recorded fits done soon: here when this process does the background work, else by a worker. */
function fitSoon(db: Store): void {
  if (backgroundWorkHere()) setImmediate(() => void runRiskJobs(db));
  else announce(db, 'risk');
}

/** Records a fit and has it done soon. */
export async function requestRiskFit(db: Store, userPk: number | null, why: string): Promise<number> {
  const pk = await recordRiskFit(db, userPk, why);
  fitSoon(db);
  return pk;
}

/** Claims one waiting fit (one statement: of processes trying at once, one gets it). */
async function claimRiskJob(db: Store, now: number): Promise<number | null> {
  const pk = await db.value<number>("SELECT pk FROM jobs WHERE kind = ? AND status = 'running' AND progress = 0 ORDER BY pk LIMIT 1", [RISK_JOB_KIND]);
  if (pk === undefined) return null;
  const claimed = await db.run("UPDATE jobs SET progress = 0.1, message = 'Fitting the churn risk', started_at = ? WHERE pk = ? AND status = 'running' AND progress = 0", [now, pk]);
  return claimed.changes > 0 ? pk : claimRiskJob(db, now);
}

// On globalThis: route handlers, server actions and the scheduler may be bundled apart, each with
// its own copy of this module, and must still know which stores this process is fitting for.
const holder = globalThis as unknown as { trellisRiskFitting?: WeakSet<Store> };
const fitting = (holder.trellisRiskFitting ??= new WeakSet());

/**
 * Fits every waiting risk job, one after the other (a fit another process claimed is left to it).
 * Never rejects: a failure is logged (and recorded on the job), a closed store ends the run.
 */
export async function runRiskJobs(db: Store): Promise<number[]> {
  if (fitting.has(db)) return [];
  fitting.add(db);
  const done: number[] = [];
  try {
    await db.run("UPDATE jobs SET status = 'failed', message = 'The process fitting it stopped; a later fit replaces it', finished_at = ? WHERE kind = ? AND status = 'running' AND progress > 0 AND started_at < ?", [
      Date.now(), RISK_JOB_KIND, Date.now() - CLAIM_TIMEOUT_MS,
    ]);
    for (;;) {
      if (!storeIsOpen(db)) break;
      const pk = await claimRiskJob(db, Date.now());
      if (pk === null) break;
      try {
        const outcome = await fitChurnRisk(db);
        await finishJob(db, pk, outcome.fitted ? `Churn risk fitted on ${count(outcome.model.accounts)} accounts; held-out AUC ${outcome.model.heldOut.auc?.toFixed(2) ?? '—'}` : `Not fitted: ${outcome.message}`);
      } catch (error) {
        if (!storeIsOpen(db)) break;
        logger.error({ err: error, job: 'risk', id: pk }, 'Fitting the churn risk failed');
        await failJob(db, pk, `Fitting failed: ${(error as Error).message}`);
      }
      done.push(pk);
    }
  } catch (error) {
    if (storeIsOpen(db)) logger.error({ err: error, job: 'risk' }, 'Looking for churn-risk fits to run failed');
  } finally {
    fitting.delete(db);
  }
  return done;
}

/** An admin asks for a fit now (the Cohorts page's button): the job's pk. */
export async function refitRisk(db: Store, user: CurrentUser, ip: string | null = null): Promise<{ job: number }> {
  if (!hasRole(user.role, 'admin')) throw new AppError('forbidden', 'Only admins refit the churn risk');
  const job = await db.tx(async (tx) => {
    const pk = await recordRiskFit(tx, user.pk, `asked for by ${user.email}`);
    await recordAudit(tx, { actor: user.email, actorUserPk: user.pk, action: 'risk.refit', targetType: 'job', targetId: String(pk), ip });
    return pk;
  });
  fitSoon(db);
  return { job };
}

/** An admin sets the horizon of the churn risk; a fit with it follows. */
export async function setRiskHorizon(db: Store, horizonDays: number, user: CurrentUser, ip: string | null = null): Promise<{ job: number }> {
  if (!hasRole(user.role, 'admin')) throw new AppError('forbidden', 'Only admins set the churn-risk horizon');
  if (!Number.isInteger(horizonDays) || horizonDays < MIN_RISK_HORIZON || horizonDays > MAX_RISK_HORIZON) {
    const message = `a whole number of days from ${MIN_RISK_HORIZON} to ${MAX_RISK_HORIZON}`;
    throw new AppError('invalid', `The horizon is ${message}`, [{ path: 'horizonDays', message }]);
  }
  const job = await db.tx(async (tx) => {
    const before = await riskHorizon(tx);
    await tx.run(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      [RISK_HORIZON_SETTING, JSON.stringify(horizonDays), Date.now()],
    );
    await recordAudit(tx, { actor: user.email, actorUserPk: user.pk, action: 'setting.updated', targetType: 'setting', targetId: RISK_HORIZON_SETTING, details: { from: before, to: horizonDays }, ip });
    return recordRiskFit(tx, user.pk, `horizon set to ${horizonDays} days`);
  });
  fitSoon(db);
  return { job };
}
