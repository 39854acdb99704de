/**
 * What the playbooks admin page reads: every playbook with its condition in words and how much
 * it has open now (runs, tasks not done yet), the latest firings, and the choices its form offers
 * (the live model's bands, the live cadence's items).
 */
import { describeCondition, playbookSchema, type PlaybookDefinition } from '@/lib/programme/playbooks';
import { TIERS, type Tier } from '@/lib/scoring/types';
import type { Store } from '@/lib/server/store';
import { liveCadence } from '../commands/cadence';
import { liveBands } from './model';

export interface PlaybookListItem {
  pk: number;
  /** the playbook as the form edits it (null: the stored row no longer reads as a playbook) */
  definition: PlaybookDefinition | null;
  key: string;
  name: string;
  description: string | null;
  /** "The band falls to red (Disengaged) or worse" */
  conditionText: string;
  tiers: Tier[] | null;
  active: boolean;
  /** accounts whose condition holds now (an open run each) */
  openRuns: number;
  /** its tasks not done yet (open or snoozed) */
  openTasks: number;
  updatedAt: string;
}

interface PlaybookRow {
  pk: number; key: string; name: string; description: string | null; condition: string; tiers: string | null; steps: string;
  auto_close: number; active: number; updated_at: number; open_runs: number; open_tasks: number;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Every playbook, active ones first, then by name. */
export async function listPlaybooks(db: Store): Promise<PlaybookListItem[]> {
  const [rows, bands] = await Promise.all([
    db.all<PlaybookRow>(
      `SELECT p.pk, p.key, p.name, p.description, p.condition, p.tiers, p.steps, p.auto_close, p.active, p.updated_at,
         (SELECT count(*) FROM playbook_runs r WHERE r.playbook_pk = p.pk AND r.ended_at IS NULL) AS open_runs,
         (SELECT count(*) FROM tasks t WHERE t.playbook_pk = p.pk AND t.state <> 'done') AS open_tasks
       FROM playbooks p ORDER BY p.active DESC, lower(p.name), p.pk`,
    ),
    liveBands(db),
  ]);
  return rows.map((r) => {
    const parsed = playbookSchema.safeParse({
      key: r.key, name: r.name, description: r.description, condition: parseJson(r.condition), tiers: parseJson(r.tiers),
      steps: parseJson(r.steps), autoClose: r.auto_close === 1, active: r.active === 1,
    });
    const definition = parsed.success ? parsed.data : null;
    return {
      pk: r.pk,
      definition,
      key: r.key,
      name: r.name,
      description: r.description,
      conditionText: definition ? describeCondition(definition.condition, bands) : 'A condition this version cannot read',
      tiers: definition?.tiers?.length ? definition.tiers : null,
      active: r.active === 1,
      openRuns: Number(r.open_runs),
      openTasks: Number(r.open_tasks),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  });
}

export interface PlaybookFiring {
  runPk: number;
  accountId: string;
  accountName: string;
  playbookKey: string;
  playbookName: string;
  reason: string;
  startedAt: string;
  /** null: the condition still holds */
  endedAt: string | null;
}

export const MAX_FIRINGS = 100;

/** The latest playbook runs, newest first. */
export async function recentFirings(db: Store, limit = 25): Promise<PlaybookFiring[]> {
  const rows = await db.all<{ pk: number; account_id: string; account_name: string; key: string; name: string; reason: string; started_at: number; ended_at: number | null }>(
    `SELECT r.pk, a.id AS account_id, a.name AS account_name, p.key, p.name, r.reason, r.started_at, r.ended_at
     FROM playbook_runs r JOIN accounts a ON a.pk = r.account_pk JOIN playbooks p ON p.pk = r.playbook_pk
     ORDER BY r.pk DESC LIMIT ?`,
    [Math.max(1, Math.min(limit, MAX_FIRINGS))],
  );
  return rows.map((r) => ({
    runPk: r.pk, accountId: r.account_id, accountName: r.account_name, playbookKey: r.key, playbookName: r.name, reason: r.reason,
    startedAt: new Date(r.started_at).toISOString(), endedAt: r.ended_at === null ? null : new Date(r.ended_at).toISOString(),
  }));
}

export interface PlaybookFormOptions {
  /** the live model's bands, best first */
  bands: { key: string; label: string }[];
  /** the live cadence's items (by key, over every tier), with the tiers that have each */
  cadenceItems: { key: string; label: string; tiers: Tier[] }[];
}

/** What the playbook form offers to choose from. */
export async function playbookFormOptions(db: Store): Promise<PlaybookFormOptions> {
  const [bands, { cadence }] = await Promise.all([liveBands(db), liveCadence(db)]);
  const items = new Map<string, { key: string; label: string; tiers: Tier[] }>();
  for (const tier of TIERS) {
    for (const item of cadence.tiers[tier]) {
      const entry = items.get(item.key);
      if (entry) entry.tiers.push(tier);
      else items.set(item.key, { key: item.key, label: item.label, tiers: [tier] });
    }
  }
  return { bands: bands.map((b) => ({ key: b.key, label: b.label })), cadenceItems: [...items.values()] };
}
