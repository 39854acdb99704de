/** JSON shapes of the public API (API.md): scores with one decimal, velocity as a fraction, ISO times. */
import type { ScoreResult } from '@/lib/scoring';
import type { CatalogueRow } from './commands/catalogue-admin';
import type { AccountDetail } from './queries/account-detail';
import type { AccountCadenceItem } from './queries/cadence';
import type { TaskItem } from './queries/tasks';

const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

export function scoreJson(r: ScoreResult) {
  return {
    asOf: iso(r.asOf),
    window: { from: iso(r.window.from), to: iso(r.window.to), days: r.window.days },
    state: r.state,
    score: r.score,
    band: r.band,
    partial: r.partial,
    missing: r.missing,
    lifecycleStage: r.lifecycleStage,
    target: r.target,
    belowTarget: r.belowTarget,
    velocity: r3(r.velocity),
    newActivity: r.newActivity,
    touchpoints: r.touchpoints,
    previousScore: r.previousScore,
    scoreChange: r.scoreChange,
    dimensions: r.dimensions.map((d) => ({
      key: d.key,
      label: d.label,
      weight: d.weight,
      appliedWeight: r2(d.appliedWeight),
      score: r1(d.score),
      noData: d.noData,
      points: r2(d.points),
      max: d.max,
      previousScore: r1(d.previousScore),
      change: r1(d.change),
      measures: d.measures.map((m) => ({
        key: m.key,
        label: m.label,
        kind: m.kind,
        points: r2(m.points),
        max: m.max,
        noData: m.noData,
        inputs: m.inputs,
        text: m.text,
        previous: m.previous ? { points: r2(m.previous.points), max: m.previous.max, noData: m.previous.noData, inputs: m.previous.inputs } : null,
        change: r2(m.change),
      })),
    })),
    flags: r.flags.map((f) => ({ key: f.key, severity: f.severity, label: f.label, evidence: f.evidence, data: f.data })),
  };
}

export function accountDetailJson(d: AccountDetail) {
  return { ...d.account, modelVersion: d.modelVersion, ...scoreJson(d.result), churnRisk: d.churnRisk, stakeholders: d.stakeholders };
}

/** A trigger as `GET /api/v1/triggers` answers it: what `POST /api/v1/triggers` takes back. */
export function triggerJson(row: CatalogueRow) {
  return { key: row.key, label: row.label, description: row.description ?? null, retired: row.retiredAt !== null };
}

/** A feature as `GET /api/v1/features` answers it: what `POST /api/v1/features` takes back. */
export function featureJson(row: CatalogueRow) {
  return { key: row.key, label: row.label, tier: row.tier!, retired: row.retiredAt !== null };
}

/** A cadence item as API.md's "Cadence and tasks" names it. */
export function cadenceJson(c: AccountCadenceItem) {
  return { key: c.key, label: c.label, everyDays: c.everyDays, lastAt: c.lastAt, dueAt: c.dueAt, overdue: c.overdue };
}

/**
 * A task as `GET /api/v1/tasks` and `PATCH /api/v1/tasks/{id}` answer it (and the open tasks of
 * `GET /api/v1/accounts/{id}`): `playbook` is the playbook's key (null: added by hand).
 */
export function taskJson(t: TaskItem) {
  return {
    id: t.id, accountId: t.accountId, accountName: t.accountName, owner: t.owner, title: t.title, reason: t.reason,
    playbook: t.playbook, playbookName: t.playbookName, dueAt: t.dueAt, state: t.state, snoozedUntil: t.snoozedUntil,
    createdAt: t.createdAt, doneAt: t.doneAt, closedReason: t.closedReason, notes: t.notes,
  };
}
