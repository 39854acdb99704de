import { describe, expect, it } from 'vitest';
import { cadenceSchema, DEFAULT_CADENCE } from './cadence';
import { dueText, fulfillerText, issuePath, issuesByPath, intervalText, tiersText } from './describe';

describe('the programme in words', () => {
  it('says an interval in days, with its everyday name when it has one', () => {
    expect(intervalText(7)).toBe('every 7 days (weekly)');
    expect(intervalText(14)).toBe('every 14 days (every 2 weeks)');
    expect(intervalText(91)).toBe('every 91 days (quarterly)');
    expect(intervalText(1)).toBe('every day (daily)');
    expect(intervalText(45)).toBe('every 45 days');
  });

  it('names a fulfilling trigger by its catalogue label, with the property it needs', () => {
    const labels = new Map([['meeting.held', 'Meeting held']]);
    expect(fulfillerText({ trigger: 'meeting.held' }, labels)).toBe('Meeting held');
    expect(fulfillerText({ trigger: 'meeting.held', property: 'executiveAttended' }, labels)).toBe('Meeting held with executiveAttended');
    expect(fulfillerText({ trigger: 'custom.thing' }, labels)).toBe('custom.thing');
  });

  it('lists tiers as a sentence, none meaning all', () => {
    expect(tiersText(null)).toBe('All tiers');
    expect(tiersText([])).toBe('All tiers');
    expect(tiersText(['growth'])).toBe('Growth');
    expect(tiersText(['strategic', 'growth'])).toBe('Strategic and growth');
    expect(tiersText(['strategic', 'growth', 'core'])).toBe('Strategic, growth and core');
  });

  it('says when a step is due', () => {
    expect(dueText(0)).toBe('the same day');
    expect(dueText(1)).toBe('within 1 day');
    expect(dueText(21)).toBe('within 21 days');
  });

  it('names fields the way the forms look them up', () => {
    expect(issuePath(['tiers', 'growth', 0, 'everyDays'])).toBe('tiers.growth[0].everyDays');
    expect(issuePath(['steps', 2, 'title'])).toBe('steps[2].title');
    expect(issuePath([])).toBe('(root)');
  });

  it('lists the first problem of each field of an invalid value, and none of a valid one', () => {
    expect(issuesByPath(cadenceSchema, DEFAULT_CADENCE).size).toBe(0);
    const bad = structuredClone(DEFAULT_CADENCE);
    bad.tiers.growth[0]!.everyDays = 0;
    bad.tiers.growth[1]!.key = 'touchpoint';
    bad.tiers.core[0]!.fulfilledBy = [];
    expect(Object.fromEntries(issuesByPath(cadenceSchema, bad))).toEqual({
      'tiers.growth[0].everyDays': 'At least every day',
      'tiers.growth[1].key': '"touchpoint" is used twice in this tier',
      'tiers.core[0].fulfilledBy': 'Name at least one trigger that fulfils it',
    });
    expect(issuesByPath(cadenceSchema, { tiers: { ...DEFAULT_CADENCE.tiers, growth: [{ ...DEFAULT_CADENCE.tiers.growth[0], everyDays: Number.NaN }] } }).get('tiers.growth[0].everyDays')).toBe('Enter a number of days');
  });
});
