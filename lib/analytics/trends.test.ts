import { describe, expect, it } from 'vitest';
import { bandShareSentence, meanTrendSentence, migrationMatrix, migrationSentence, sampleDays, trendSeries } from './trends';

const BANDS = [
  { key: 'green', label: 'Highly engaged' },
  { key: 'yellow', label: 'Moderately engaged' },
  { key: 'red', label: 'Disengaged' },
];
const day0 = 20_454; // 2026-01-01

describe('trendSeries', () => {
  it('gives the mean of the scored accounts and the count per band, days without data included', () => {
    const points = trendSeries(
      [
        { day: day0, band: 'green', accounts: 2, scoreSum: 170 },
        { day: day0, band: 'red', accounts: 1, scoreSum: 20 },
        { day: day0, band: null, accounts: 1, scoreSum: 0 },
      ],
      [day0, day0 + 1],
      BANDS,
    );
    expect(points).toEqual([
      { date: '2026-01-01', mean: 63.3, accounts: 4, bands: { green: 2, yellow: 0, red: 1, no_data: 1 } },
      { date: '2026-01-02', mean: null, accounts: 0, bands: { green: 0, yellow: 0, red: 0, no_data: 0 } },
    ]);
    expect(meanTrendSentence(points)).toBe('The mean score did not change, from 63.3 on 2026-01-01 to 63.3 on 2026-01-01 (lowest 63.3 on 2026-01-01).');
    expect(bandShareSentence(points, BANDS)).toBe(
      'Share of active accounts per band from 2026-01-01 to 2026-01-01: Highly engaged 50.0% → 50.0%; Moderately engaged 0.0% → 0.0%; Disengaged 25.0% → 25.0%.',
    );
  });

  it('samples daily up to 120 days, weekly beyond, ending on the last day', () => {
    expect(sampleDays(10, 14)).toEqual([10, 11, 12, 13, 14]);
    const weekly = sampleDays(0, 200);
    expect(weekly[weekly.length - 1]).toBe(200);
    expect(weekly[0]).toBe(4);
    expect(weekly[1]! - weekly[0]!).toBe(7);
  });
});

describe('migrationMatrix', () => {
  it('counts accounts and ARR from band to band, with churned and no-score columns', () => {
    const m = migrationMatrix(
      [
        { from: 'green', to: 'green', churned: false, arr: 100 },
        { from: 'green', to: 'red', churned: false, arr: 50 },
        { from: 'red', to: 'yellow', churned: false, arr: 10 },
        { from: 'red', to: null, churned: true, arr: 5 },
        { from: null, to: 'yellow', churned: false, arr: 1 },
      ],
      BANDS,
    );
    expect(m.columns.map((c) => c.key)).toEqual(['green', 'yellow', 'red', 'no_data', 'churned']);
    expect(m.rows.map((r) => [r.from, r.accounts, r.arr, r.cells.map((c) => c.accounts)])).toEqual([
      ['green', 2, 150, [1, 0, 1, 0, 0]],
      ['yellow', 0, 0, [0, 0, 0, 0, 0]],
      ['red', 2, 15, [0, 1, 0, 0, 1]],
      ['no_data', 1, 1, [0, 1, 0, 0, 0]],
    ]);
    expect(m.rows[0]!.cells[2]).toEqual({ to: 'red', accounts: 1, arr: 50 });
    expect({ up: m.up, down: m.down, same: m.same, churned: m.churned, total: m.total }).toEqual({ up: 1, down: 1, same: 1, churned: 1, total: 5 });
    expect(migrationSentence(m, '2026-01-01', '2026-04-01')).toBe(
      'Of the 5 accounts active on 2026-01-01, by 2026-04-01 1 stayed in their band, 1 moved up, 1 moved down and 1 churned; 1 gained or lost a score.',
    );
  });
});
