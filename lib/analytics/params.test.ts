import { describe, expect, it } from 'vitest';
import { cohortQuerySchema, parseLenient, toSearch, trendQuerySchema } from './params';

describe('cohortQuerySchema', () => {
  it('reads a date, or an instant as its UTC date, and a whole number of days', () => {
    expect(cohortQuerySchema.parse({ asOf: '2026-03-01', horizonDays: '90', groupBy: 'startMonth' })).toEqual({ asOf: '2026-03-01', horizonDays: 90, groupBy: 'startMonth' });
    expect(cohortQuerySchema.parse({ asOf: '2026-03-01T23:30:00-02:00' }).asOf).toBe('2026-03-02');
  });

  it('names every bad field', () => {
    const r = cohortQuerySchema.safeParse({ asOf: '2026-02-30', horizonDays: '1.5', groupBy: 'region', extra: '1' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.') || i.code, i.message])).toEqual(
      expect.arrayContaining([
        ['asOf', 'Use a date like 2026-03-01'],
        ['horizonDays', 'horizonDays must be a whole number of days'],
        ['groupBy', 'groupBy must be one of quartile, band, tier, startMonth'],
      ]),
    );
    expect(cohortQuerySchema.safeParse({ horizonDays: '0' }).error!.issues[0]!.message).toBe('horizonDays must be at least 1');
  });
});

describe('page parameters', () => {
  it('keep the valid values of a URL and drop the rest', () => {
    expect(parseLenient(cohortQuerySchema, { asOf: 'yesterday', horizonDays: '180', groupBy: 'tier', utm: 'x' })).toEqual({ horizonDays: 180, groupBy: 'tier' });
    expect(parseLenient(trendQuerySchema, { tier: 'core,growth', owner: ['a@x.test'], from: '' })).toEqual({ tier: ['core', 'growth'], owner: ['a@x.test'] });
  });

  it('write back a query string without empty values', () => {
    expect(toSearch({ asOf: '2026-03-01', horizonDays: 90, tier: ['core', 'growth'], owner: [], stage: undefined })).toBe('asOf=2026-03-01&horizonDays=90&tier=core%2Cgrowth');
  });
});
