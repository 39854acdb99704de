import { describe, expect, it } from 'vitest';
import { checkRow, guessMapping, mapRow, mappingProblems } from './csv';

describe('CSV import mapping', () => {
  it('guesses columns from usual header spellings', () => {
    expect(guessMapping('events', ['Account ID', 'Event', 'Timestamp', 'Clicks', 'feature', 'event_id'])).toEqual({
      id: 'event_id', accountId: 'Account ID', contactId: null, type: 'Event', occurredAt: 'Timestamp', count: 'Clicks', properties: null, source: null,
    });
    expect(guessMapping('accounts', ['id', 'Company Name', 'ARR', 'CSM', 'Renewal'])).toMatchObject({ id: 'id', name: 'Company Name', arr: 'ARR', ownerEmail: 'CSM', renewalDate: 'Renewal' });
    expect(mappingProblems('contacts', guessMapping('contacts', ['email']))).toEqual(['Choose the column for "Contact id"', 'Choose the column for "Account id"']);
  });

  it('reads cells as spreadsheets write them, leaving empty cells out', () => {
    const mapping = guessMapping('accounts', ['id', 'name', 'arr', 'tier', 'started', 'plan']);
    expect(mapRow('accounts', { id: ' A1 ', name: 'Acme', arr: '48,000', tier: 'Growth', started: '2025-06-01 09:30', plan: 'pro' }, mapping, { extras: true })).toEqual({
      id: 'A1', name: 'Acme', arr: 48000, tier: 'growth', startedAt: '2025-06-01T09:30:00Z', attributes: { plan: 'pro' },
    });
    expect(mapRow('accounts', { id: 'A2', name: 'Beta', arr: '', tier: '', started: '', plan: '' }, mapping, { extras: true })).toEqual({ id: 'A2', name: 'Beta' });
  });

  it('turns extra columns into typed event properties', () => {
    const mapping = guessMapping('events', ['account', 'type', 'date', 'onTime', 'feature', 'score']);
    const row = { account: 'A1', type: 'meeting.held', date: '2026-01-05', onTime: 'TRUE', feature: 'reports', score: '7' };
    expect(checkRow('events', row, mapping, { extras: true })).toEqual({
      ok: true,
      value: { accountId: 'A1', type: 'meeting.held', occurredAt: Date.UTC(2026, 0, 5), count: 1, properties: { onTime: true, feature: 'reports', score: 7 } },
    });
  });

  it('names the field and the reason for bad cells', () => {
    const mapping = guessMapping('events', ['account', 'type', 'date', 'count']);
    expect(checkRow('events', { account: 'A1', type: 'login', date: '05/01/2026', count: '-2' }, mapping)).toEqual({
      ok: false,
      problems: [
        { field: 'occurredAt', message: 'must be an ISO 8601 date-time like 2026-03-01T09:30:00Z' },
        { field: 'count', message: 'must be at least 1' },
      ],
    });
    expect(checkRow('outcomes', { account: 'A1', type: 'Lost', date: '2026-01-01' }, guessMapping('outcomes', ['account', 'type', 'date']))).toMatchObject({
      ok: false, problems: [{ field: 'type', message: 'must be one of renewed, churned, expanded, contracted' }],
    });
  });
});
