/** What the cadence admin page reads, on both engines. */
import { beforeEach, expect, it } from 'vitest';
import { DEFAULT_CADENCE } from '@/lib/programme/cadence';
import { publishCadence } from '@/lib/server/commands/cadence';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { refreshProgramme } from '@/lib/server/commands/programme';
import { describeEngines } from '@/lib/testing/engines';
import { cadenceTriggers, cadenceVersions, complianceByTier } from './cadence-admin';

const NOW = Date.UTC(2026, 5, 15, 12);
const DAY = 86_400_000;

describeEngines('cadence admin queries', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
  });

  it('lists the published versions newest first, none while the defaults are live', async () => {
    expect(await cadenceVersions(t.store)).toEqual([]);
    await publishCadence(t.store, DEFAULT_CADENCE, null, { actor: 'ada@example.com' });
    const faster = structuredClone(DEFAULT_CADENCE);
    faster.tiers.growth[0]!.everyDays = 7;
    await publishCadence(t.store, faster, 'Weekly touchpoints for growth', { actor: 'bo@example.com' });
    const versions = await cadenceVersions(t.store);
    expect(versions.map(({ publishedAt: _, ...v }) => v)).toEqual([
      { version: 2, author: 'bo@example.com', note: 'Weekly touchpoints for growth' },
      { version: 1, author: 'ada@example.com', note: null },
    ]);
    expect(Date.parse(versions[0]!.publishedAt)).toBeGreaterThan(0);
  });

  it('counts the accounts on cadence per tier, every owner together, churned accounts left out', async () => {
    const account = async (id: string, tier: string, owner: string, startedDaysAgo: number, churned = false) =>
      (await t.store.value<number>('INSERT INTO accounts (id, name, tier, owner_email, started_at, churned_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING pk', [
        id, id, tier, owner, NOW - startedDaysAgo * DAY, churned ? NOW - DAY : null,
      ]))!;
    const pks = [
      await account('NEW-STRATEGIC', 'strategic', 'ann@example.com', 3),
      await account('OLD-STRATEGIC', 'strategic', 'bob@example.com', 200),
      await account('OLD-GROWTH', 'growth', 'ann@example.com', 200),
      await account('NURTURE', 'nurture', 'ann@example.com', 200),
      await account('GONE', 'strategic', 'ann@example.com', 200, true),
    ];
    await refreshProgramme(t.store, pks, NOW);
    expect(await complianceByTier(t.store, NOW)).toEqual([
      { tier: 'strategic', accounts: 2, onCadence: 1, share: 0.5 },
      { tier: 'growth', accounts: 1, onCadence: 0, share: 0 },
      { tier: 'core', accounts: 0, onCadence: 0, share: 0 },
      { tier: 'nurture', accounts: 0, onCadence: 0, share: 0 },
    ]);
  });

  it('offers the catalogue’s triggers, active first, each with its true/false properties', async () => {
    await t.store.run("UPDATE triggers SET retired_at = ? WHERE key = 'qbr.declined'", [NOW]);
    const triggers = await cadenceTriggers(t.store);
    const meeting = triggers.find((x) => x.key === 'meeting.held')!;
    expect(meeting).toEqual({ key: 'meeting.held', label: 'Meeting held', retired: false, flags: ['onTime', 'activeParticipation', 'executiveAttended', 'followThrough', 'strategic'] });
    expect(triggers.find((x) => x.key === 'email.exchanged')!.flags).toEqual([]);
    expect(triggers.at(-1)).toMatchObject({ key: 'qbr.declined', retired: true });
    expect(triggers.filter((x) => x.retired)).toHaveLength(1);
  });
});
