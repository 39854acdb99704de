/** What the playbooks admin page reads, on both engines, from runs and tasks the programme really made. */
import { beforeEach, expect, it } from 'vitest';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { insertDefaultPlaybooks, savePlaybook } from '@/lib/server/commands/playbooks';
import { refreshProgramme } from '@/lib/server/commands/programme';
import { describeEngines } from '@/lib/testing/engines';
import { listPlaybooks, playbookFormOptions, recentFirings } from './playbooks';

const NOW = Date.UTC(2026, 5, 15, 12);
const DAY = 86_400_000;
const admin = { actor: 'admin@example.com' };

describeEngines('playbook queries', (t) => {
  let pks: Record<'red' | 'renewing' | 'fine', number>;

  beforeEach(async () => {
    const db = await prepareDatabase(t.store);
    await insertDefaultPlaybooks(db, NOW);
    await savePlaybook(db, { key: 'quiet', name: 'A switched-off one', condition: { kind: 'below_target' }, steps: [{ title: 'Look', dueInDays: 0 }], active: false }, admin, NOW);
    const account = async (id: string, tier: string, band: string, score: number, renewal: number | null) => {
      const pk = (await db.value<number>(
        'INSERT INTO accounts (id, name, tier, owner_email, started_at, renewal_date) VALUES (?, ?, ?, ?, ?, ?) RETURNING pk',
        [id, `${id} Inc`, tier, 'ann@example.com', NOW - 200 * DAY, renewal],
      ))!;
      await db.run("INSERT INTO scores (account_pk, model_version, as_of, state, score, band, computed_at) VALUES (?, 1, ?, 'scored', ?, ?, ?)", [pk, NOW, score, band, NOW]);
      return pk;
    };
    // Nothing was ever logged: strategic and growth accounts are overdue for a touchpoint.
    pks = { red: await account('RED', 'strategic', 'red', 30, null), renewing: await account('RENEW', 'growth', 'green', 85, NOW + 30 * DAY), fine: await account('FINE', 'core', 'green', 90, null) };
    await refreshProgramme(db, Object.values(pks), NOW);
  });

  it('lists every playbook, active first, with its condition in words and what it has open', async () => {
    const firstRedTask = await t.store.value<number>("SELECT min(t.pk) FROM tasks t JOIN playbooks p ON p.pk = t.playbook_pk WHERE p.key = 'red-save-play'");
    await t.store.run("UPDATE tasks SET state = 'done', done_at = ? WHERE pk = ?", [NOW, firstRedTask!]);
    const list = await listPlaybooks(t.store);
    expect(list.map((p) => [p.key, p.active, p.openRuns, p.openTasks])).toEqual([
      ['renewal-prep', true, 1, 2],
      ['red-save-play', true, 1, 1],
      ['overdue-touchpoint', true, 2, 2],
      ['quiet', false, 0, 0],
    ]);
    const byKey = new Map(list.map((p) => [p.key, p]));
    expect(byKey.get('red-save-play')!.conditionText).toBe('The band falls to red (Disengaged) or worse');
    expect(byKey.get('overdue-touchpoint')).toMatchObject({ conditionText: 'The cadence item “touchpoint” is overdue', tiers: ['strategic', 'growth'] });
    expect(byKey.get('renewal-prep')!.definition).toMatchObject({ condition: { kind: 'renewal', withinDays: 60 }, autoClose: false, steps: [{ dueInDays: 5 }, { dueInDays: 21 }] });
    expect(byKey.get('quiet')).toMatchObject({ tiers: null, description: null, definition: { active: false } });
  });

  it('still lists a stored playbook it cannot read, without its definition', async () => {
    await t.store.run("INSERT INTO playbooks (key, name, condition, steps, created_at, updated_at) VALUES ('odd', 'Odd one', '{\"kind\":\"moon_phase\"}', '[]', ?, ?)", [NOW, NOW]);
    const odd = (await listPlaybooks(t.store)).find((p) => p.key === 'odd')!;
    expect(odd).toMatchObject({ definition: null, conditionText: 'A condition this version cannot read', openRuns: 0, openTasks: 0 });
  });

  it('lists the latest firings, newest first, with the account and the reason', async () => {
    await refreshProgramme(t.store, [pks.renewing], NOW + 40 * DAY);
    const firings = await recentFirings(t.store);
    expect(firings).toHaveLength(4);
    expect(firings.map((f) => f.runPk)).toEqual([...firings.map((f) => f.runPk)].sort((a, b) => b - a));
    const red = firings.find((f) => f.playbookKey === 'red-save-play')!;
    expect(red).toMatchObject({ accountId: 'RED', accountName: 'RED Inc', playbookName: 'Save play for disengaged accounts', startedAt: new Date(NOW).toISOString(), endedAt: null });
    expect(red.reason).toMatch(/^Created because the score fell to 30\.0 \(red/);
    // The renewal date has passed: that run has ended.
    expect(firings.find((f) => f.playbookKey === 'renewal-prep')).toMatchObject({ accountId: 'RENEW', endedAt: new Date(NOW + 40 * DAY).toISOString() });
    expect(await recentFirings(t.store, 1)).toEqual([firings[0]]);
  });

  it('offers the live model’s bands and the live cadence’s items to choose from', async () => {
    const options = await playbookFormOptions(t.store);
    expect(options.bands).toEqual([
      { key: 'green', label: 'Highly engaged' }, { key: 'yellow', label: 'Moderately engaged' }, { key: 'orange', label: 'Low engagement' }, { key: 'red', label: 'Disengaged' },
    ]);
    expect(options.cadenceItems).toEqual([
      { key: 'touchpoint', label: 'CSM touchpoint', tiers: ['strategic', 'growth', 'core'] },
      { key: 'business-review', label: 'Business review', tiers: ['strategic', 'growth', 'core'] },
      { key: 'executive-checkin', label: 'Executive check-in', tiers: ['strategic', 'growth'] },
    ]);
  });
});
