/**
 * The CSM's programme, kept in step with each account's state: its cadence items (last done,
 * next due) and the playbooks whose conditions hold on it. Run for the accounts a rescore just
 * stored, in the transaction that stores them (so a band drop and the tasks it gives are committed
 * together), and for every account on a timer (`refreshAllProgramme`): time alone makes a renewal
 * come near or a touchpoint overdue.
 *
 * A playbook fires once per episode of its condition (`playbook_runs`, at most one open per
 * playbook and account): it creates its steps as tasks for the account's owner; when the
 * condition ends, the run ends and, if the playbook says so, its open tasks close themselves.
 */
import { DAY_MS, statusOfItems, type CadenceStatusItem } from '@/lib/programme/cadence';
import { armItems, playbookRuns, type ArmProgramme } from '@/lib/experiments/programme';
import { judge, playbookSchema, type AccountSituation, type PlaybookDefinition } from '@/lib/programme/playbooks';
import { hasKey } from '@/lib/dict';
import { FLAG_LABELS } from '@/lib/scoring/flag-labels';
import type { Model } from '@/lib/scoring';
import type { Tier } from '@/lib/scoring/types';
import type { SqlParam, Store } from '@/lib/server/store';
import { liveCadence } from './cadence';
import { armProgrammes, assignLateJoiners, openExperiments } from './experiment-arms';
import { ensureLiveModel } from './model';
import { insertInto } from './row-writer';
import { lockScores } from './score-writer';

export interface ProgrammeOutcome {
  runsStarted: number;
  runsEnded: number;
  tasksCreated: number;
  tasksClosed: number;
}

interface AccountRow {
  pk: number;
  id: string;
  tier: Tier | null;
  owner_email: string | null;
  started_at: number | null;
  created_at: number;
  renewal_date: number | null;
  churned_at: number | null;
  score: number | null;
  band: string | null;
  below_target: number | null;
}

interface StoredPlaybook extends PlaybookDefinition {
  pk: number;
}

/**
 * Active playbooks, and those an experiment's arm switches on (`alsoKeys`), checked again (a row
 * that no longer reads as a playbook is left out, not fatal).
 */
export async function activePlaybooks(db: Store, alsoKeys: readonly string[] = []): Promise<StoredPlaybook[]> {
  const rows = await db.all<{ pk: number; key: string; name: string; description: string | null; condition: string; tiers: string | null; steps: string; auto_close: number; active: number }>(
    `SELECT pk, key, name, description, condition, tiers, steps, auto_close, active FROM playbooks
     WHERE active = 1${alsoKeys.length ? ` OR ${db.dialect.inJsonArray('key', 'text')}` : ''} ORDER BY pk`,
    alsoKeys.length ? [JSON.stringify(alsoKeys)] : [],
  );
  const out: StoredPlaybook[] = [];
  for (const r of rows) {
    const parsed = playbookSchema.safeParse({
      key: r.key, name: r.name, description: r.description, condition: JSON.parse(r.condition), tiers: r.tiers ? JSON.parse(r.tiers) : null,
      steps: JSON.parse(r.steps), autoClose: r.auto_close === 1, active: r.active === 1,
    });
    if (parsed.success) out.push({ ...parsed.data, pk: r.pk });
  }
  return out;
}

const list = (pks: readonly number[]) => JSON.stringify(pks);

async function loadAccounts(db: Store, pks: readonly number[]): Promise<AccountRow[]> {
  return db.all<AccountRow>(
    `SELECT a.pk, a.id, a.tier, a.owner_email, a.started_at, a.created_at, a.renewal_date, a.churned_at, s.score, s.band, s.below_target
     FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE ${db.dialect.inJsonArray('a.pk', 'int')} ORDER BY a.pk`,
    [list(pks)],
  );
}

/** Rows by account: `accountOf` names a row's account. */
function groupBy<T>(rows: T[], accountOf: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const l = out.get(accountOf(r));
    if (l) l.push(r);
    else out.set(accountOf(r), [r]);
  }
  return out;
}

/**
 * Recomputes the cadence items of these accounts (under their experiment arm's programme, when
 * they have one); writes only what changed. Answers them by account.
 */
async function refreshCadence(db: Store, accounts: readonly AccountRow[], arms: ReadonlyMap<number, ArmProgramme>): Promise<Map<number, CadenceStatusItem[]>> {
  const { cadence, version } = await liveCadence(db);
  const pks = accounts.map((a) => a.pk);
  // As arrays (`rows`): a full rescore reads every account's touches and items.
  const touches = groupBy(await db.rows<[number, string, number]>(`SELECT account_pk, touch, last_at FROM account_touches WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`, [list(pks)]), (r) => r[0]);
  const stored = groupBy(
    await db.rows<[account: number, item: string, everyDays: number, lastAt: number | null, lastTouch: string | null, dueAt: number, version: number]>(
      `SELECT account_pk, item_key, every_days, last_at, last_touch, due_at, cadence_version FROM cadence_status WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`,
      [list(pks)],
    ),
    (r) => r[0],
  );
  const out = new Map<number, CadenceStatusItem[]>();
  const upserts: SqlParam[][] = [];
  const removed: [number, string][] = [];
  for (const a of accounts) {
    const byTouch = new Map((touches.get(a.pk) ?? []).map(([, touch, lastAt]) => [touch, lastAt]));
    // A churned account is no longer on a cadence.
    const items = a.churned_at === null ? statusOfItems(armItems(cadence, a.tier, arms.get(a.pk)), byTouch, a.started_at ?? a.created_at) : [];
    out.set(a.pk, items);
    const before = new Map((stored.get(a.pk) ?? []).map((r) => [r[1], r]));
    for (const item of items) {
      const old = before.get(item.key);
      before.delete(item.key);
      if (old && old[2] === item.everyDays && old[3] === item.lastAt && old[4] === item.lastTouch && old[5] === item.dueAt && old[6] === version) continue;
      upserts.push([a.pk, item.key, item.everyDays, item.lastAt, item.lastTouch, item.dueAt, version]);
    }
    for (const key of before.keys()) removed.push([a.pk, key]);
  }
  for (const [pk, key] of removed) await db.run('DELETE FROM cadence_status WHERE account_pk = ? AND item_key = ?', [pk, key]);
  await insertInto(
    db,
    'cadence_status',
    ['account_pk', 'item_key', 'every_days', 'last_at', 'last_touch', 'due_at', 'cadence_version'],
    upserts,
    'ON CONFLICT (account_pk, item_key) DO UPDATE SET every_days = excluded.every_days, last_at = excluded.last_at, last_touch = excluded.last_touch, due_at = excluded.due_at, cadence_version = excluded.cadence_version',
  );
  return out;
}

/**
 * Each account's situation: what the playbooks' conditions are judged on. Open flags are read only
 * when a playbook watches flags; when each account fell into its band, only for the reason of a
 * band playbook that fires (`bandEntries`).
 */
async function situations(db: Store, model: Model, accounts: readonly AccountRow[], cadence: Map<number, CadenceStatusItem[]>, playbooks: readonly StoredPlaybook[]): Promise<Map<number, AccountSituation>> {
  const pks = list(accounts.map((a) => a.pk));
  const flags = playbooks.some((p) => p.condition.kind === 'flag')
    ? groupBy(
        await db.all<{ account_pk: number; key: string; severity: 'red' | 'yellow'; raised_at: number; evidence: string }>(
          `SELECT account_pk, key, severity, raised_at, evidence FROM flags WHERE cleared_at IS NULL AND ${db.dialect.inJsonArray('account_pk', 'int')} ORDER BY raised_at`,
          [pks],
        ),
        (f) => f.account_pk,
      )
    : new Map<number, never[]>();
  const bands = model.bands.map((b) => ({ key: b.key, label: b.label }));
  const targets = (model.tierTargets ?? {}) as Partial<Record<Tier, number>>;
  const out = new Map<number, AccountSituation>();
  for (const a of accounts) {
    out.set(a.pk, {
      tier: a.tier,
      score: a.score,
      band: a.band,
      bands,
      bandSince: null,
      target: a.tier ? (targets[a.tier] ?? null) : null,
      belowTarget: a.below_target === 1,
      flags: (flags.get(a.pk) ?? []).map((f) => ({ key: f.key, label: hasKey(FLAG_LABELS, f.key) ? FLAG_LABELS[f.key as keyof typeof FLAG_LABELS] : f.key, severity: f.severity, raisedAt: f.raised_at, evidence: f.evidence })),
      renewalDate: a.renewal_date,
      cadence: cadence.get(a.pk) ?? [],
    });
  }
  return out;
}

/** When each of these accounts entered its current band, and at what score (its newest band change into it). */
async function bandEntries(db: Store, accounts: readonly AccountRow[]): Promise<Map<number, { at: number; score: number | null }>> {
  const out = new Map<number, { at: number; score: number | null }>();
  if (!accounts.length) return out;
  const band = new Map(accounts.map((a) => [a.pk, a.band]));
  for (const r of await db.all<{ account_pk: number; at: number; score: number | null; to_band: string | null }>(
    `SELECT b.account_pk, b.at, b.score, b.to_band FROM band_changes b
     WHERE ${db.dialect.inJsonArray('b.account_pk', 'int')} AND b.pk = (SELECT max(b2.pk) FROM band_changes b2 WHERE b2.account_pk = b.account_pk)`,
    [list(accounts.map((a) => a.pk))],
  )) {
    if (r.to_band === band.get(r.account_pk)) out.set(r.account_pk, { at: r.at, score: r.score });
  }
  return out;
}

/** Opens and ends playbook runs on these accounts, with their tasks. */
async function runPlaybooks(
  db: Store,
  model: Model,
  accounts: readonly AccountRow[],
  cadence: Map<number, CadenceStatusItem[]>,
  now: number,
  arms: ReadonlyMap<number, ArmProgramme>,
): Promise<ProgrammeOutcome> {
  const outcome: ProgrammeOutcome = { runsStarted: 0, runsEnded: 0, tasksCreated: 0, tasksClosed: 0 };
  const switchedOn = new Set<string>();
  for (const arm of arms.values()) for (const key of arm.playbooks.on) switchedOn.add(key);
  const playbooks = await activePlaybooks(db, [...switchedOn]);
  const pks = list(accounts.map((a) => a.pk));
  const open = await db.all<{ pk: number; playbook_pk: number; account_pk: number; auto_close: number; active: number }>(
    `SELECT r.pk, r.playbook_pk, r.account_pk, p.auto_close, p.active FROM playbook_runs r JOIN playbooks p ON p.pk = r.playbook_pk
     WHERE r.ended_at IS NULL AND ${db.dialect.inJsonArray('r.account_pk', 'int')}`,
    [pks],
  );
  if (!playbooks.length && !open.length) return outcome;
  const openRuns = new Map(open.map((r) => [`${r.playbook_pk}:${r.account_pk}`, r]));
  const facts = await situations(db, model, accounts, cadence, playbooks);
  const ended: { pk: number; autoClose: boolean }[] = [];
  const started: { playbook: StoredPlaybook; account: AccountRow; reason: string }[] = [];
  for (const a of accounts) {
    const s = facts.get(a.pk)!;
    const arm = arms.get(a.pk);
    for (const p of playbooks) {
      // Off for this account's experiment arm (or on only for other arms): an open run ends below.
      if (!playbookRuns(p.key, p.active, arm)) continue;
      const key = `${p.pk}:${a.pk}`;
      const run = openRuns.get(key);
      const verdict = a.churned_at === null ? judge(p.condition, p.tiers, s, now) : { holds: false, reason: '' };
      if (verdict.holds && !run) started.push({ playbook: p, account: a, reason: verdict.reason });
      else if (!verdict.holds && run) ended.push({ pk: run.pk, autoClose: run.auto_close === 1 });
      openRuns.delete(key);
    }
  }
  // Runs of playbooks switched off, removed or off for the account's arm end too (their tasks stay,
  // unless they close themselves).
  for (const run of openRuns.values()) ended.push({ pk: run.pk, autoClose: run.auto_close === 1 && run.active === 1 });

  if (ended.length) {
    await db.run(`UPDATE playbook_runs SET ended_at = ? WHERE ${db.dialect.inJsonArray('pk', 'int')}`, [now, list(ended.map((r) => r.pk))]);
    const closing = ended.filter((r) => r.autoClose).map((r) => r.pk);
    if (closing.length) {
      const { changes } = await db.run(
        `UPDATE tasks SET state = 'done', done_at = ?, closed_reason = 'condition_ended', updated_at = ? WHERE state <> 'done' AND ${db.dialect.inJsonArray('run_pk', 'int')}`,
        [now, now, list(closing)],
      );
      outcome.tasksClosed += changes;
    }
    outcome.runsEnded += ended.length;
  }
  if (started.length) {
    // A band playbook's reason names the day the account fell into its band.
    const fell = started.filter((s) => s.playbook.condition.kind === 'band');
    if (fell.length) {
      const entries = await bandEntries(db, [...new Map(fell.map((s) => [s.account.pk, s.account])).values()]);
      for (const s of fell) {
        const since = entries.get(s.account.pk);
        if (since) s.reason = judge(s.playbook.condition, s.playbook.tiers, { ...facts.get(s.account.pk)!, bandSince: since }, now).reason;
      }
    }
    const runs = await insertInto<{ pk: number; playbook_pk: number; account_pk: number }>(
      db,
      'playbook_runs',
      ['playbook_pk', 'account_pk', 'reason', 'started_at'],
      started.map((s) => [s.playbook.pk, s.account.pk, s.reason, now]),
      'ON CONFLICT (playbook_pk, account_pk) WHERE ended_at IS NULL DO NOTHING RETURNING pk, playbook_pk, account_pk',
    );
    const runPk = new Map(runs.map((r) => [`${r.playbook_pk}:${r.account_pk}`, r.pk]));
    const taskRows: SqlParam[][] = [];
    for (const s of started) {
      const pk = runPk.get(`${s.playbook.pk}:${s.account.pk}`);
      // Another process opened the same run meanwhile: its tasks are that run's.
      if (pk === undefined) continue;
      s.playbook.steps.forEach((step, i) => {
        taskRows.push([s.account.pk, s.account.owner_email, step.title, s.reason, s.playbook.pk, pk, i, now + step.dueInDays * DAY_MS, now, now]);
      });
    }
    await insertInto(db, 'tasks', ['account_pk', 'owner_email', 'title', 'reason', 'playbook_pk', 'run_pk', 'step', 'due_at', 'created_at', 'updated_at'], taskRows);
    outcome.runsStarted += runs.length;
    outcome.tasksCreated += taskRows.length;
  }
  return outcome;
}

/**
 * Brings these accounts' cadence items and playbook runs up to date (in the caller's
 * transaction, when there is one). `model`: the live model, when the caller has it.
 */
export async function refreshProgramme(db: Store, accountPks: readonly number[], now = Date.now(), model?: Model): Promise<ProgrammeOutcome> {
  const none: ProgrammeOutcome = { runsStarted: 0, runsEnded: 0, tasksCreated: 0, tasksClosed: 0 };
  if (!accountPks.length) return none;
  const accounts = await loadAccounts(db, accountPks);
  if (!accounts.length) return none;
  const open = await openExperiments(db, now);
  let arms = new Map<number, ArmProgramme>();
  if (open.length) {
    await assignLateJoiners(db, accounts, now, open);
    arms = await armProgrammes(db, accountPks, now, open);
  }
  const cadence = await refreshCadence(db, accounts, arms);
  return runPlaybooks(db, model ?? (await ensureLiveModel(db)).model, accounts, cadence, now, arms);
}

/** Accounts per transaction of `refreshAllProgramme`. */
const SWEEP_CHUNK = 500;

/** `refreshProgramme` over every account, a chunk per transaction (the timer's sweep, a cadence publish). */
export async function refreshAllProgramme(db: Store, now = Date.now()): Promise<ProgrammeOutcome & { accounts: number }> {
  const total = { runsStarted: 0, runsEnded: 0, tasksCreated: 0, tasksClosed: 0, accounts: 0 };
  const { model } = await ensureLiveModel(db);
  let after = 0;
  for (;;) {
    const pks = await db.column<number>('SELECT pk FROM accounts WHERE pk > ? ORDER BY pk LIMIT ?', [after, SWEEP_CHUNK]);
    if (!pks.length) break;
    after = pks[pks.length - 1]!;
    const out = await db.tx(async (tx) => {
      // PostgreSQL: the lock a rescore of these accounts takes, so the two take turns.
      await lockScores(tx, pks);
      return refreshProgramme(tx, pks, now, model);
    });
    total.runsStarted += out.runsStarted;
    total.runsEnded += out.runsEnded;
    total.tasksCreated += out.tasksCreated;
    total.tasksClosed += out.tasksClosed;
    total.accounts += pks.length;
  }
  return total;
}
