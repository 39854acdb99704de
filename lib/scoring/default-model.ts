/**
 * The defaults of SCORING.md §1 and §3: the model a fresh install scores with, the trigger
 * catalogue admins start from, and the feature weights of the adoption measure.
 */
import type { Model } from './schema';
import type { FeatureTier } from './types';

export const DEFAULT_MODEL: Model = {
  windowDays: 30,
  dimensions: [
    {
      key: 'frequency',
      label: 'Interaction frequency',
      weight: 30,
      measures: [
        { key: 'meetings', label: 'CSM calls and meetings', kind: 'count', event: 'meeting.held', points: 5, per: 1, cap: 40 },
        { key: 'emails', label: 'Email exchanges', kind: 'count', event: 'email.exchanged', points: 2, per: 1, cap: 20 },
        { key: 'logins', label: 'Product logins', kind: 'count', event: 'product.login', points: 1, per: 5, cap: 20 },
        { key: 'support', label: 'Support interactions', kind: 'count', event: 'support.interaction', points: 3, per: 1, cap: 15 },
        { key: 'training', label: 'Training and events', kind: 'count', event: 'training.attended', points: 10, per: 1, cap: 20 },
      ],
    },
    {
      key: 'quality',
      label: 'Interaction quality',
      weight: 35,
      measures: [
        {
          key: 'response_rate',
          label: 'Response rate',
          kind: 'ratio',
          numerator: 'outreach.replied',
          denominator: 'outreach.sent',
          tiers: [
            { min: 1, points: 100 },
            { min: 0.75, points: 80 },
            { min: 0.5, points: 60 },
            { min: 0.25, points: 40 },
            { min: 0, points: 20 },
          ],
        },
        {
          key: 'meeting_quality',
          label: 'Meeting quality',
          kind: 'attributes',
          event: 'meeting.held',
          attributes: [
            { property: 'onTime', points: 20 },
            { property: 'activeParticipation', points: 20 },
            { property: 'executiveAttended', points: 25 },
            { property: 'followThrough', points: 25 },
            { property: 'strategic', points: 10 },
          ],
        },
      ],
    },
    {
      key: 'breadth',
      label: 'Breadth',
      weight: 20,
      measures: [
        { key: 'executive_sponsor', label: 'Executive sponsor', kind: 'stakeholders', role: 'executive_sponsor', points: 30, cap: 30 },
        { key: 'champions', label: 'Department champions', kind: 'stakeholders', role: 'champion', points: 15, cap: 45 },
        { key: 'power_users', label: 'Power users', kind: 'stakeholders', role: 'power_user', points: 5, cap: 25 },
        { key: 'multi_department', label: '3+ departments', kind: 'departments', min: 3, points: 20 },
      ],
    },
    {
      key: 'product',
      label: 'Product engagement',
      weight: 15,
      measures: [{ key: 'adoption', label: 'Feature adoption', kind: 'adoption', event: 'feature.used', property: 'feature' }],
    },
  ],
  bands: [
    { key: 'green', label: 'Highly engaged', min: 80, action: 'Focus on expansion and advocacy' },
    { key: 'yellow', label: 'Moderately engaged', min: 60, action: 'Show value and find engagement gaps' },
    { key: 'orange', label: 'Low engagement', min: 40, action: 'Run a re-engagement campaign and a root-cause analysis' },
    { key: 'red', label: 'Disengaged', min: 0, action: 'Escalate to an executive and start a save play' },
  ],
  tierTargets: { strategic: 85, growth: 75, core: 65, nurture: 55 },
  overrides: [
    { match: { lifecycleStage: 'onboarding' }, dimensionWeights: { frequency: 40, quality: 30, breadth: 15, product: 15 } },
  ],
};

export interface TriggerProperty {
  name: string;
  type: 'boolean' | 'number' | 'string';
  description?: string;
}

/** A trigger of the default catalogue (SCORING.md §1) with the properties the model and flags read. */
export interface TriggerDef {
  key: string;
  label: string;
  description: string;
  properties: TriggerProperty[];
}

/** SCORING.md §1, in its order. */
export const DEFAULT_TRIGGERS: readonly TriggerDef[] = [
  {
    key: 'meeting.held',
    label: 'Meeting held',
    description: 'A CSM call or meeting took place',
    properties: [
      { name: 'onTime', type: 'boolean', description: 'The meeting started on time' },
      { name: 'activeParticipation', type: 'boolean', description: 'The customer took an active part' },
      { name: 'executiveAttended', type: 'boolean', description: 'An executive of the customer attended' },
      { name: 'followThrough', type: 'boolean', description: 'The customer did what was agreed last time' },
      { name: 'strategic', type: 'boolean', description: 'Goals and outcomes were discussed, not only tactics' },
    ],
  },
  {
    key: 'meeting.canceled',
    label: 'Meeting canceled',
    description: 'A scheduled meeting was canceled',
    properties: [{ name: 'rescheduled', type: 'boolean', description: 'A new date was agreed' }],
  },
  {
    key: 'email.exchanged',
    label: 'Email exchanged',
    description: 'An email exchange with the customer',
    properties: [{ name: 'sentiment', type: 'number', description: 'Tone of the exchange, -1 (negative) to 1 (positive)' }],
  },
  { key: 'outreach.sent', label: 'Outreach sent', description: 'The CSM reached out to the customer', properties: [] },
  {
    key: 'outreach.replied',
    label: 'Outreach replied',
    description: "The customer replied to the CSM's outreach",
    properties: [{ name: 'responseHours', type: 'number', description: 'Hours between the outreach and the reply' }],
  },
  { key: 'product.login', label: 'Product login', description: 'A user logged into the product', properties: [] },
  { key: 'support.interaction', label: 'Support interaction', description: 'A support ticket or chat', properties: [] },
  { key: 'training.attended', label: 'Training attended', description: 'Training, webinar, event or certification', properties: [] },
  {
    key: 'feature.used',
    label: 'Feature used',
    description: 'A product feature was used',
    properties: [{ name: 'feature', type: 'string', description: 'Key of the feature in the feature catalogue' }],
  },
  { key: 'qbr.held', label: 'QBR held', description: 'A business review took place', properties: [] },
  { key: 'qbr.declined', label: 'QBR declined', description: 'The customer declined a business review', properties: [] },
  { key: 'qbr.no_show', label: 'QBR no-show', description: 'The customer did not attend a business review', properties: [] },
  {
    key: 'nps.response',
    label: 'NPS response',
    description: 'An NPS answer',
    properties: [{ name: 'score', type: 'number', description: 'How likely to recommend, 0 to 10' }],
  },
  { key: 'milestone.missed', label: 'Milestone missed', description: 'The customer missed a project milestone', properties: [] },
];

export const DEFAULT_FEATURE_WEIGHTS: Readonly<Record<FeatureTier, number>> = { core: 2, advanced: 1.5, basic: 1 };
