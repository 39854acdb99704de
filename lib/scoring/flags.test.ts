/** Early-warning flags (SCORING.md §4): each at its threshold and just past it. */
import { describe, expect, it } from 'vitest';
import type { RawEvent } from './activity';
import { ago, contact, ev, flagKeys, HOUR_MS, many, OLD, score } from './test-helpers';
import type { FlagKey } from './types';

const flagsOf = (events: RawEvent[], opts: Parameters<typeof score>[1] = {}) => score([OLD, ...events], opts);
const has = (key: FlagKey, events: RawEvent[], opts: Parameters<typeof score>[1] = {}) => flagKeys(flagsOf(events, opts)).includes(key);
const get = (key: FlagKey, events: RawEvent[], opts: Parameters<typeof score>[1] = {}) => flagsOf(events, opts).flags.find((f) => f.key === key);

describe('unanswered_outreach (red)', () => {
  it('fires on 3 sends after the last reply, not on 2', () => {
    const reply = ev('outreach.replied', ago(20));
    expect(has('unanswered_outreach', [reply, ...many(3, 'outreach.sent', ago(10))])).toBe(true);
    expect(has('unanswered_outreach', [reply, ...many(2, 'outreach.sent', ago(10))])).toBe(false);
    const f = get('unanswered_outreach', [ev('outreach.replied', ago(20)), ...many(4, 'outreach.sent', ago(10))]);
    expect(f?.severity).toBe('red');
    expect(f?.evidence).toBe('4 outreach emails sent since the last reply on 2026-03-11');
    expect(f?.data).toEqual({ sent: 4, lastReplyAt: '2026-03-11T00:00:00.000Z' });
  });

  it('does not count sends answered by a later reply', () => {
    expect(has('unanswered_outreach', [...many(5, 'outreach.sent', ago(10)), ev('outreach.replied', ago(5)), ...many(2, 'outreach.sent', ago(2))])).toBe(false);
  });

  it('counts only sends in the window, and remembers a reply older than the window', () => {
    const events = [ev('outreach.replied', ago(50)), ...many(2, 'outreach.sent', ago(40)), ...many(3, 'outreach.sent', ago(5))];
    const f = get('unanswered_outreach', events);
    expect(f?.data.sent).toBe(3);
    expect(f?.evidence).toContain('since the last reply on 2026-02-09');
    expect(get('unanswered_outreach', many(3, 'outreach.sent', ago(5)))?.evidence).toBe('3 outreach emails sent with no reply on record');
  });

  it('with day buckets, a reply answers every send of its own day', () => {
    const events = [...many(3, 'outreach.sent', ago(5, -2)), ev('outreach.replied', ago(5, -10))];
    expect(has('unanswered_outreach', events)).toBe(false); // instants: the reply came after the sends
    expect(has('unanswered_outreach', events, { day: true })).toBe(false);
    const later = [ev('outreach.replied', ago(5, -2)), ...many(3, 'outreach.sent', ago(5, -10))];
    expect(has('unanswered_outreach', later)).toBe(true);
    expect(has('unanswered_outreach', later, { day: true })).toBe(false); // same day: answered
  });
});

describe('canceled_meetings (red)', () => {
  it('fires on 2 cancellations without rescheduling, not on 1', () => {
    expect(has('canceled_meetings', many(2, 'meeting.canceled', ago(3)))).toBe(true);
    expect(has('canceled_meetings', many(1, 'meeting.canceled', ago(3)))).toBe(false);
  });
  it('does not count rescheduled ones', () => {
    const events = [...many(2, 'meeting.canceled', ago(3)), ev('meeting.canceled', ago(2), { properties: { rescheduled: true } })];
    expect(get('canceled_meetings', events)?.data).toEqual({ canceled: 3, rescheduled: 1, notRescheduled: 2 });
    expect(has('canceled_meetings', [ev('meeting.canceled', ago(3)), ev('meeting.canceled', ago(2), { properties: { rescheduled: true } })])).toBe(false);
  });
  it('ignores cancellations before the window', () => {
    expect(has('canceled_meetings', many(2, 'meeting.canceled', ago(31)))).toBe(false);
  });
});

describe('qbr_declined (red)', () => {
  it('fires on a decline or a no-show in the window', () => {
    expect(has('qbr_declined', [ev('qbr.declined', ago(3))])).toBe(true);
    expect(get('qbr_declined', [ev('qbr.no_show', ago(3))])?.evidence).toBe('Business review 1 no-show in the last 30 days');
    expect(has('qbr_declined', [ev('qbr.held', ago(3)), ev('qbr.declined', ago(31))])).toBe(false);
  });
});

describe('sponsor_silent (red)', () => {
  const contacts = [contact('s1', 'executive_sponsor'), contact('s2', 'executive_sponsor'), contact('u1', 'user')];
  const by = (id: string, at: number) => ev('email.exchanged', at, { contactId: id });
  it('fires when the sponsor was active before and silent now', () => {
    const f = get('sponsor_silent', [by('s1', ago(40)), by('s1', ago(45)), by('u1', ago(3))], { contacts });
    expect(f?.data).toEqual({ contactIds: ['s1'], previousInteractions: 2 });
    expect(f?.evidence).toBe('The executive sponsor took part in 2 interactions in the 30 days before and none in the last 30 days');
  });
  it('does not fire when a sponsor is active now, or was not before', () => {
    expect(has('sponsor_silent', [by('s1', ago(40)), by('s1', ago(3))], { contacts })).toBe(false);
    expect(has('sponsor_silent', [by('s1', ago(40)), by('s2', ago(3))], { contacts })).toBe(false);
    expect(has('sponsor_silent', [by('s1', ago(61)), by('u1', ago(40))], { contacts })).toBe(false);
  });
});

describe('login_drop (red)', () => {
  const logins = (before: number, now: number) => [ev('product.login', ago(40), { count: before }), ev('product.login', ago(5), { count: now })].filter((e) => e.count);
  it('fires when logins fall by more than half from at least 10', () => {
    expect(has('login_drop', logins(10, 4))).toBe(true);
    expect(has('login_drop', logins(10, 5))).toBe(false); // exactly 50%
    expect(has('login_drop', logins(9, 0))).toBe(false); // too few before
    expect(get('login_drop', logins(20, 0))?.evidence).toBe('Logins down 100%: 0 in the last 30 days against 20 in the 30 days before');
  });
});

describe('slow_responses (yellow)', () => {
  const replies = (before: number[], now: number[]) => [
    ...before.map((h, i) => ev('outreach.replied', ago(40, i), { properties: { responseHours: h } })),
    ...now.map((h, i) => ev('outreach.replied', ago(5, i), { properties: { responseHours: h } })),
  ];
  it('fires when the median reply time reaches 72 hours from at most 24', () => {
    expect(get('slow_responses', replies([24, 10, 30], [72, 100, 5]))?.severity).toBe('yellow');
    expect(has('slow_responses', replies([24], [71.9]))).toBe(false);
    expect(has('slow_responses', replies([24.1], [80]))).toBe(false);
    expect(has('slow_responses', replies([], [80]))).toBe(false);
  });
  it('takes the mean of the two middle values of an even count', () => {
    expect(get('slow_responses', replies([10, 20], [64, 80]))?.data).toEqual({ medianHours: 72, previousMedianHours: 15 });
  });
});

describe('participation_drop (yellow)', () => {
  const meetings = (beforeActive: boolean[], nowActive: boolean[]) => [
    ...beforeActive.map((a, i) => ev('meeting.held', ago(40, i), { properties: { activeParticipation: a, strategic: true } })),
    ...nowActive.map((a, i) => ev('meeting.held', ago(5, i), { properties: { activeParticipation: a, strategic: true } })),
  ];
  it('fires when the share drops by 25 points or more', () => {
    expect(has('participation_drop', meetings([true], [true, true, true, false]))).toBe(true); // 100% -> 75%
    expect(has('participation_drop', meetings([true], [true, true, true, true, false]))).toBe(false); // 100% -> 80%
    expect(has('participation_drop', meetings([true, true, false, false], [true, true, true, false, false, false, false, false, false, false]))).toBe(false); // 50% -> 30%
    expect(has('participation_drop', meetings([true, true, false, false], [true, false, false, false]))).toBe(true); // 50% -> 25%
  });
  it('needs meetings in both windows', () => {
    expect(has('participation_drop', meetings([true], []))).toBe(false);
    expect(has('participation_drop', meetings([], [false]))).toBe(false);
  });
  it('is robust to binary noise at the threshold (60% -> 35%)', () => {
    const before = [...Array(12).fill(true), ...Array(8).fill(false)];
    const now = [...Array(7).fill(true), ...Array(13).fill(false)];
    expect(has('participation_drop', meetings(before, now))).toBe(true);
  });
});

describe('single_threaded (yellow)', () => {
  it('fires with exactly one engaged contact', () => {
    expect(has('single_threaded', [ev('email.exchanged', ago(3), { contactId: 'a' }), ev('email.exchanged', ago(2), { contactId: 'a' })])).toBe(true);
    expect(has('single_threaded', [ev('email.exchanged', ago(3), { contactId: 'a' }), ev('email.exchanged', ago(2), { contactId: 'b' })])).toBe(false);
    expect(has('single_threaded', [ev('email.exchanged', ago(3))])).toBe(false);
  });
});

describe('tactical_only (yellow)', () => {
  it('fires on 2 or more meetings none strategic', () => {
    expect(has('tactical_only', many(2, 'meeting.held', ago(3)))).toBe(true);
    expect(has('tactical_only', many(1, 'meeting.held', ago(3)))).toBe(false);
    expect(has('tactical_only', [...many(2, 'meeting.held', ago(3)), ev('meeting.held', ago(2), { properties: { strategic: true } })])).toBe(false);
  });
});

describe('sentiment_drop (yellow)', () => {
  const emails = (before: number[], now: number[]) => [
    ...before.map((s, i) => ev('email.exchanged', ago(40, i), { properties: { sentiment: s } })),
    ...now.map((s, i) => ev('email.exchanged', ago(5, i), { properties: { sentiment: s } })),
    ev('email.exchanged', ago(4)), // without sentiment: not part of the mean
  ];
  it('fires when the mean falls by 0.3 or more', () => {
    expect(has('sentiment_drop', emails([0.5], [0.2]))).toBe(true);
    expect(has('sentiment_drop', emails([0.7, 0.3], [0.4, 0]))).toBe(true);
    expect(has('sentiment_drop', emails([0.5], [0.21]))).toBe(false);
    expect(get('sentiment_drop', emails([0.5], [-0.5]))?.evidence).toBe('Mean email sentiment -0.50 in the last 30 days, against 0.50 in the 30 days before');
  });
  it('needs values in both windows', () => {
    expect(has('sentiment_drop', emails([], [-1]))).toBe(false);
  });
});

it('raises nothing for a quiet, healthy account', () => {
  const r = score([OLD, ev('meeting.held', ago(3), { contactId: 'a', properties: { strategic: true, activeParticipation: true } }), ev('email.exchanged', ago(2), { contactId: 'b' })]);
  expect(r.flags).toEqual([]);
  expect(HOUR_MS).toBeGreaterThan(0);
});
