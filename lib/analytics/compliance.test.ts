import { describe, expect, it } from 'vitest';
import { complianceSentence, complianceView } from './compliance';

describe('cadence compliance by CSM and tier', () => {
  const cells = [
    { owner: 'ann@example.com', tier: 'growth', accounts: 4, onCadence: 3 },
    { owner: 'ann@example.com', tier: 'strategic', accounts: 2, onCadence: 0 },
    { owner: 'bob@example.com', tier: 'core', accounts: 3, onCadence: 3 },
    { owner: null, tier: 'core', accounts: 1, onCadence: 0 },
  ];

  it('adds the cells up per owner and per tier', () => {
    const view = complianceView(cells);
    expect(view.overall).toEqual({ accounts: 10, onCadence: 6, share: 0.6 });
    expect(view.byOwner.map((g) => [g.label, g.accounts, g.onCadence, g.share])).toEqual([
      ['ann@example.com', 6, 3, 0.5], ['bob@example.com', 3, 3, 1], ['No owner', 1, 0, 0],
    ]);
    expect(view.byTier.map((g) => [g.label, g.accounts, g.onCadence, g.share])).toEqual([
      ['Strategic', 2, 0, 0], ['Growth', 4, 3, 0.75], ['Core', 4, 3, 0.75],
    ]);
  });

  it('says what the chart shows', () => {
    const view = complianceView(cells);
    expect(complianceSentence(view, view.byOwner, 'CSM')).toBe('60.0% of the 10 accounts with a cadence have no touchpoint overdue; most on cadence: bob@example.com (100%); furthest behind: No owner (0%).');
    expect(complianceSentence(view, view.byTier, 'tier')).toBe('60.0% of the 10 accounts with a cadence have no touchpoint overdue; most on cadence: Growth (75%); furthest behind: Strategic (0%).');
    const one = complianceView([cells[0]!]);
    expect(complianceSentence(one, one.byOwner, 'CSM')).toBe('75.0% of the 4 accounts with a cadence have no touchpoint overdue.');
    const none = complianceView([]);
    expect(none.overall.share).toBeNull();
    expect(complianceSentence(none, none.byTier, 'tier')).toMatch(/^No account has a cadence/);
  });
});
