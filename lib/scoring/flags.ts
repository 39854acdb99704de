/**
 * Early-warning flags (SCORING.md §4), each with the evidence that raised it. They read the
 * default trigger types by key; the exact rules and their edges are written in docs/scoring.md.
 */
import { countPhrase, fmt, isoDate, pct, plural } from './explain';
import type { AccountRefs } from './measures';
import { FLAG_LABELS, RED_FLAGS } from './flag-labels';
import type { Flag, FlagKey } from './types';

export { FLAG_LABELS };
import { contactCountOf, countOf, engagedContactIds, meanOf, medianOf, propOf, type WindowSummary } from './window';

/** Thresholds, exported so tests and the UI's help text quote the same numbers. */
export const FLAG_RULES = {
  unansweredOutreach: 3,
  canceledMeetings: 2,
  loginDropShare: 0.5,
  loginDropMinPrevious: 10,
  slowResponseHours: 72,
  fastResponseHours: 24,
  participationDrop: 0.25,
  tacticalMeetings: 2,
  sentimentDrop: 0.3,
} as const;

/** The trigger types whose property statistics the rules below read (loaders may skip others). */
export const FLAG_PROP_TYPES: readonly string[] = ['meeting.canceled', 'outreach.replied', 'meeting.held', 'email.exchanged'];
/** Every trigger type the rules below read, counts or statistics. */
export const FLAG_TYPES: readonly string[] = [...FLAG_PROP_TYPES, 'outreach.sent', 'qbr.declined', 'qbr.no_show', 'product.login'];

/** Differences of fractions must not miss a threshold by a rounding error (0.6 - 0.35 < 0.25). */
const EPS = 1e-9;

export interface FlagInput {
  current: WindowSummary;
  previous: WindowSummary;
  refs: AccountRefs;
  windowDays: number;
}

function flag(key: FlagKey, evidence: string, data: Record<string, unknown>): Flag {
  return { key, severity: RED_FLAGS.includes(key) ? 'red' : 'yellow', label: FLAG_LABELS[key], evidence, data };
}

function sponsorsIn(w: WindowSummary, refs: AccountRefs): string[] {
  const ids: string[] = [];
  for (const id of engagedContactIds(w)) if (refs.contacts.get(id)?.role === 'executive_sponsor') ids.push(id);
  return ids;
}

export function computeFlags({ current: cur, previous: prev, refs, windowDays: d }: FlagInput): Flag[] {
  const flags: Flag[] = [];
  const days = `the last ${d} days`;
  const prevDays = `the ${d} days before`;

  // Red ------------------------------------------------------------------------------------
  const run = cur.outreach;
  if (run.sent >= FLAG_RULES.unansweredOutreach) {
    const since = run.lastReplyAt === null ? 'with no reply on record' : `since the last reply on ${isoDate(run.lastReplyAt)}`;
    flags.push(flag('unanswered_outreach', `${countPhrase(run.sent, ['outreach.sent'])} sent ${since}`, {
      sent: run.sent,
      lastReplyAt: run.lastReplyAt === null ? null : new Date(run.lastReplyAt).toISOString(),
    }));
  }

  const canceled = countOf(cur, ['meeting.canceled']);
  const rescheduled = Math.min(propOf(cur, 'meeting.canceled', 'rescheduled')?.t ?? 0, canceled);
  const notRescheduled = canceled - rescheduled;
  if (notRescheduled >= FLAG_RULES.canceledMeetings) {
    flags.push(flag('canceled_meetings', `${fmt(notRescheduled)} meetings canceled without rescheduling in ${days}`, { canceled, rescheduled, notRescheduled }));
  }

  const declined = countOf(cur, ['qbr.declined']);
  const noShow = countOf(cur, ['qbr.no_show']);
  if (declined + noShow > 0) {
    const parts = [declined ? `${fmt(declined)} declined` : '', noShow ? `${fmt(noShow)} no-show` : ''].filter(Boolean).join(' and ');
    flags.push(flag('qbr_declined', `Business review ${parts} in ${days}`, { declined, noShow }));
  }

  // Silent means no executive sponsor at all now: a sponsor handing over to another is not silence.
  const sponsorsBefore = sponsorsIn(prev, refs);
  if (sponsorsBefore.length > 0 && sponsorsIn(cur, refs).length === 0) {
    const interactions = sponsorsBefore.reduce((a, id) => a + contactCountOf(prev, id), 0);
    flags.push(flag('sponsor_silent', `The executive sponsor took part in ${plural(interactions, ['interaction', 'interactions'])} in ${prevDays} and none in ${days}`, {
      contactIds: sponsorsBefore,
      previousInteractions: interactions,
    }));
  }

  const loginsNow = countOf(cur, ['product.login']);
  const loginsBefore = countOf(prev, ['product.login']);
  if (loginsBefore >= FLAG_RULES.loginDropMinPrevious && loginsNow < loginsBefore * (1 - FLAG_RULES.loginDropShare)) {
    const drop = (loginsBefore - loginsNow) / loginsBefore;
    flags.push(flag('login_drop', `Logins down ${pct(drop)}: ${fmt(loginsNow)} in ${days} against ${fmt(loginsBefore)} in ${prevDays}`, {
      current: loginsNow,
      previous: loginsBefore,
      drop,
    }));
  }

  // Yellow ---------------------------------------------------------------------------------
  const medNow = medianOf(propOf(cur, 'outreach.replied', 'responseHours'));
  const medBefore = medianOf(propOf(prev, 'outreach.replied', 'responseHours'));
  if (medNow !== null && medBefore !== null && medNow >= FLAG_RULES.slowResponseHours && medBefore <= FLAG_RULES.fastResponseHours) {
    flags.push(flag('slow_responses', `Median reply time ${fmt(medNow)} hours in ${days}, against ${fmt(medBefore)} hours in ${prevDays}`, {
      medianHours: medNow,
      previousMedianHours: medBefore,
    }));
  }

  const meetingsNow = countOf(cur, ['meeting.held']);
  const meetingsBefore = countOf(prev, ['meeting.held']);
  if (meetingsNow > 0 && meetingsBefore > 0) {
    const shareNow = (propOf(cur, 'meeting.held', 'activeParticipation')?.t ?? 0) / meetingsNow;
    const shareBefore = (propOf(prev, 'meeting.held', 'activeParticipation')?.t ?? 0) / meetingsBefore;
    if (shareBefore - shareNow >= FLAG_RULES.participationDrop - EPS) {
      flags.push(flag('participation_drop', `Active participation in ${pct(shareNow)} of meetings in ${days}, against ${pct(shareBefore)} in ${prevDays}`, {
        share: shareNow,
        previousShare: shareBefore,
        meetings: meetingsNow,
        previousMeetings: meetingsBefore,
      }));
    }
  }

  if (cur.engaged.length === 1) {
    const [id] = engagedContactIds(cur);
    flags.push(flag('single_threaded', `Only one contact engaged in ${days}`, { contactId: id }));
  }

  const strategic = propOf(cur, 'meeting.held', 'strategic')?.t ?? 0;
  if (meetingsNow >= FLAG_RULES.tacticalMeetings && strategic === 0) {
    flags.push(flag('tactical_only', `${countPhrase(meetingsNow, ['meeting.held'])} in ${days} and none strategic`, { meetings: meetingsNow }));
  }

  const sentNow = meanOf(propOf(cur, 'email.exchanged', 'sentiment'));
  const sentBefore = meanOf(propOf(prev, 'email.exchanged', 'sentiment'));
  if (sentNow !== null && sentBefore !== null && sentBefore - sentNow >= FLAG_RULES.sentimentDrop - EPS) {
    flags.push(flag('sentiment_drop', `Mean email sentiment ${sentNow.toFixed(2)} in ${days}, against ${sentBefore.toFixed(2)} in ${prevDays}`, {
      mean: sentNow,
      previousMean: sentBefore,
    }));
  }
  return flags;
}
