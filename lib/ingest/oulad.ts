/**
 * The Open University Learning Analytics Dataset (module DDD) as Trellis data (pure mapping; the
 * importer is scripts/import-oulad.ts, the choices are explained in docs/oulad.md):
 * account = one enrolment (presentation, student); one contact per account; an event per
 * studentVle row (type = the site's activity type, count = clicks, time = cohort start + date);
 * a churned outcome at the unregistration date of withdrawn enrolments; assessments (tutor- and
 * computer-marked, not the exam) become met or missed milestones.
 */
import { DEFAULT_MODEL } from '@/lib/scoring/default-model';
import type { ModelInput } from '@/lib/scoring/schema';

export const DAY_MS = 86_400_000;

/** The start of a presentation: "2013B" is 1 February 2013, "2014J" 1 October 2014 (real start days are not published). */
export function cohortStart(presentation: string): number {
  const m = /^(\d{4})([BJ])$/.exec(presentation);
  if (!m) throw new Error(`Unknown presentation "${presentation}" (expected e.g. 2013B or 2014J)`);
  return Date.UTC(Number(m[1]), m[2] === 'B' ? 1 : 9, 1);
}

export const enrolmentId = (presentation: string, student: string) => `${presentation}-${student}`;
export const studentContactId = (accountId: string) => `${accountId}-student`;

/** Readable labels of the VLE activity types (they become trigger labels). */
export const ACTIVITY_LABELS: Record<string, string> = {
  forumng: 'Forum (VLE)',
  homepage: 'Module home page (VLE)',
  oucontent: 'Course content (VLE)',
  resource: 'Resource (VLE)',
  subpage: 'Sub-page (VLE)',
  url: 'External link (VLE)',
  externalquiz: 'External quiz (VLE)',
  ouwiki: 'Wiki (VLE)',
  oucollaborate: 'Live session, Collaborate (VLE)',
  ouelluminate: 'Live session, Elluminate (VLE)',
  glossary: 'Glossary (VLE)',
  page: 'Page (VLE)',
  dataplus: 'Data plus (VLE)',
  dualpane: 'Dual pane (VLE)',
  folder: 'Folder (VLE)',
  htmlactivity: 'HTML activity (VLE)',
  questionnaire: 'Questionnaire (VLE)',
  quiz: 'Quiz (VLE)',
  repeatactivity: 'Repeat activity (VLE)',
  sharedsubpage: 'Shared sub-page (VLE)',
};

/** The milestone triggers assessments become (the framework's penalty trigger and its opposite). */
export const MILESTONE_TRIGGERS = [
  { key: 'milestone.met', label: 'Milestone met', description: 'An assessment submitted by its deadline (OULAD)' },
  { key: 'milestone.missed', label: 'Milestone missed', description: 'An assessment submitted after its deadline or not at all while still registered (OULAD)' },
] as const;

export interface AssessmentDue {
  id: string;
  /** deadline, in days from the presentation's start */
  date: number;
}

/**
 * One enrolment's assessment as a milestone event, or null: submitted by the deadline, met on the
 * day it was submitted; submitted late or not at all, missed on the deadline day (when the miss is
 * known), unless the student had unregistered by then. Banked results (carried from an earlier
 * attempt) are neither.
 */
export function milestoneOf(
  due: AssessmentDue,
  submission: { day: number | null; banked: boolean } | undefined,
  unregisteredDay: number | null,
): { type: 'milestone.met' | 'milestone.missed'; day: number } | null {
  if (submission?.banked) return null;
  if (submission && submission.day !== null && submission.day <= due.date) return { type: 'milestone.met', day: submission.day };
  if (unregisteredDay !== null && unregisteredDay <= due.date) return null;
  return { type: 'milestone.missed', day: due.date };
}

export const activityLabel = (type: string) => ACTIVITY_LABELS[type] ?? `${type} (VLE)`;

/**
 * The trigger model published for this data (docs/oulad.md says why): a 28-day window, clicks
 * on study material, on participation (forum, wiki, live sessions) and on the module home page
 * (the nearest thing to a log-in), each saturating near the 75th percentile of what enrolled
 * students did in the weeks before day 56.
 */
export const OULAD_MODEL: ModelInput = {
  windowDays: 28,
  dimensions: [
    {
      key: 'study', label: 'Study material', weight: 40, measures: [
        { key: 'content', label: 'Course content clicks', kind: 'count', event: 'oucontent', points: 1, per: 2, cap: 16 },
        { key: 'subpages', label: 'Sub-page clicks', kind: 'count', event: 'subpage', points: 1, per: 2, cap: 16 },
        { key: 'resources', label: 'Resource clicks', kind: 'count', event: 'resource', points: 1, per: 1, cap: 12 },
        { key: 'links', label: 'External link clicks', kind: 'count', event: 'url', points: 1, per: 1, cap: 5 },
        { key: 'quizzes', label: 'External quiz clicks', kind: 'count', event: 'externalquiz', points: 3, per: 1, cap: 9 },
      ],
    },
    {
      key: 'participation', label: 'Participation', weight: 30, measures: [
        { key: 'forum', label: 'Forum clicks', kind: 'count', event: 'forumng', points: 1, per: 3, cap: 18 },
        { key: 'wiki', label: 'Wiki clicks', kind: 'count', event: 'ouwiki', points: 1, per: 1, cap: 12 },
        { key: 'live', label: 'Live session clicks', kind: 'count', event: ['oucollaborate', 'ouelluminate'], points: 3, per: 1, cap: 9 },
      ],
    },
    {
      key: 'presence', label: 'Presence', weight: 30, measures: [
        { key: 'home', label: 'Module home page clicks', kind: 'count', event: 'homepage', points: 1, per: 2, cap: 25 },
      ],
    },
  ],
  bands: DEFAULT_MODEL.bands,
  tierTargets: {},
  overrides: [],
};

/** CSV line of the OULAD files: plain numbers and codes, no quoting, so a split is exact. */
export function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
}
