import { describe, expect, it } from 'vitest';
import { judge, lowerFirst, type AccountSituation } from './playbooks';

const NOW = Date.UTC(2026, 11, 6, 12);
const DAY = 86_400_000;

describe('a playbook’s reason in words', () => {
  it('puts a label inside a sentence without lowering an acronym', () => {
    expect(lowerFirst('Business review')).toBe('business review');
    expect(lowerFirst('CSM touchpoint')).toBe('CSM touchpoint');
    expect(lowerFirst('QBR')).toBe('QBR');
    expect(lowerFirst('')).toBe('');
  });

  it('names the overdue item as the cadence labels it', () => {
    const situation: AccountSituation = {
      tier: 'growth', score: 70, band: 'yellow', bands: [], bandSince: null, target: null, belowTarget: false, flags: [], renewalDate: null,
      cadence: [{ key: 'touchpoint', label: 'CSM touchpoint', everyDays: 14, lastAt: NOW - 20 * DAY, dueAt: NOW - 6 * DAY }],
    };
    expect(judge({ kind: 'cadence_overdue' }, null, situation, NOW)).toEqual({
      holds: true, reason: 'Created because the CSM touchpoint was due on 30 Nov (every 14 days; last on 16 Nov)',
    });
  });
});
