/**
 * Admin changes to playbooks: saved (created or changed, by key), switched on or off. A change
 * applies from the next time the condition is judged (the next rescore of an account or the
 * sweep); runs already open keep their tasks. Every change is audited.
 */
import { issuePath } from '@/lib/programme/describe';
import { playbookSchema, DEFAULT_PLAYBOOKS, type PlaybookInput } from '@/lib/programme/playbooks';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { recordAudit, type AuditEntry } from './audit';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

function checked(input: unknown) {
  const parsed = playbookSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('invalid', 'The playbook is not valid', parsed.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })));
  }
  return parsed.data;
}

/** Creates a playbook, or changes the one with this key. Answers its pk. */
export async function savePlaybook(db: Store, input: unknown, actor: Actor, now = Date.now()): Promise<{ pk: number; created: boolean }> {
  return write(db, input, actor, now, false);
}

/** Creates a playbook; refused (naming the key) when one with its key exists. */
export async function createPlaybook(db: Store, input: unknown, actor: Actor, now = Date.now()): Promise<{ pk: number; created: boolean }> {
  return write(db, input, actor, now, true);
}

async function write(db: Store, input: unknown, actor: Actor, now: number, mustBeNew: boolean): Promise<{ pk: number; created: boolean }> {
  const p = checked(input);
  return db.tx(async (tx) => {
    const before = await tx.get<{ pk: number }>('SELECT pk FROM playbooks WHERE key = ?', [p.key]);
    if (before && mustBeNew) throw new AppError('conflict', `A playbook with the key "${p.key}" exists already`, [{ path: 'key', message: 'This key is taken: choose another, or edit that playbook' }]);
    const values = [p.name, p.description ?? null, JSON.stringify(p.condition), p.tiers?.length ? JSON.stringify(p.tiers) : null, JSON.stringify(p.steps), p.autoClose ? 1 : 0, p.active ? 1 : 0];
    let pk: number;
    if (before) {
      await tx.run('UPDATE playbooks SET name = ?, description = ?, condition = ?, tiers = ?, steps = ?, auto_close = ?, active = ?, updated_at = ? WHERE pk = ?', [...values, now, before.pk]);
      pk = before.pk;
    } else {
      const row = await tx.get<{ pk: number }>(
        'INSERT INTO playbooks (key, name, description, condition, tiers, steps, auto_close, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk',
        [p.key, ...values, now, now],
      );
      pk = row!.pk;
    }
    await recordAudit(tx, { ...actor, action: before ? 'playbook.updated' : 'playbook.created', targetType: 'playbook', targetId: p.key, details: { ...p } });
    return { pk, created: !before };
  });
}

/** Switches a playbook on or off (off: its open runs end at the next refresh; see programme.ts). */
export async function setPlaybookActive(db: Store, key: string, active: boolean, actor: Actor, now = Date.now()): Promise<void> {
  await db.tx(async (tx) => {
    const { changes } = await tx.run('UPDATE playbooks SET active = ?, updated_at = ? WHERE key = ?', [active ? 1 : 0, now, key]);
    if (!changes) throw new AppError('not_found', `No playbook "${key}"`, [{ path: 'key', message: 'No such playbook' }]);
    await recordAudit(tx, { ...actor, action: active ? 'playbook.activated' : 'playbook.deactivated', targetType: 'playbook', targetId: key });
  });
}

/** The starting playbooks (DEFAULT_PLAYBOOKS) that are not there yet; answers how many were added. */
export async function insertDefaultPlaybooks(db: Store, now = Date.now()): Promise<number> {
  let added = 0;
  for (const input of DEFAULT_PLAYBOOKS as PlaybookInput[]) {
    const p = checked(input);
    const { changes } = await db.run(
      'INSERT INTO playbooks (key, name, description, condition, tiers, steps, auto_close, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
      [p.key, p.name, p.description ?? null, JSON.stringify(p.condition), p.tiers?.length ? JSON.stringify(p.tiers) : null, JSON.stringify(p.steps), p.autoClose ? 1 : 0, p.active ? 1 : 0, now, now],
    );
    added += changes;
  }
  return added;
}
