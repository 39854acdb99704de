/**
 * Plain inputs and outputs of the scoring engine. The engine never touches the database:
 * callers load an account's activity (pre-aggregated per UTC day, or raw events for an exact
 * instant) into these shapes and get plain results back.
 */

export const TIERS = ['strategic', 'growth', 'core', 'nurture'] as const;
export type Tier = (typeof TIERS)[number];

export const LIFECYCLE_STAGES = ['onboarding', 'adoption', 'renewal', 'expansion'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const CONTACT_ROLES = ['executive_sponsor', 'champion', 'power_user', 'user'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

export const FEATURE_TIERS = ['core', 'advanced', 'basic'] as const;
export type FeatureTier = (typeof FEATURE_TIERS)[number];

/** Statistics of one event property inside a bucket, weighted by each event's `count`. */
export interface PropStat {
  /** events whose property was boolean `true` */
  t: number;
  /** sum of numeric values */
  s: number;
  /** events with a numeric value */
  c: number;
  /** the numeric values themselves, one entry per event, for the properties medians read */
  v?: number[];
  /** how many times each entry of `v` counts (the event's `count`); absent when every entry counts once */
  w?: number[];
}

/** Activity of one trigger type in one time bucket. `t` is the bucket's start in epoch ms:
 * a UTC day start for stored aggregates, or the exact `occurredAt` for raw events. */
export interface TypeBucket {
  t: number;
  type: string;
  /** summed `count` of the events */
  n: number;
  props?: Record<string, PropStat>;
}

/** A contact who was the `contactId` of at least one event in the bucket. */
export interface ContactBucket {
  t: number;
  contactId: string;
  n: number;
  /** optional trigger type of the events; only needed by a `stakeholders` measure with an `event`
   * filter (untyped buckets never match such a filter) */
  type?: string;
}

/** A feature named by an event's feature property (the adoption measure's `property`) in the bucket. */
export interface FeatureBucket {
  t: number;
  /** the trigger type of the events that named the feature (e.g. `feature.used`) */
  type: string;
  feature: string;
  n: number;
}

export interface AccountActivity {
  types: TypeBucket[];
  contacts: ContactBucket[];
  features: FeatureBucket[];
  /** earliest `occurredAt` ever recorded for the account (epoch ms), or null when none */
  firstActivityAt: number | null;
  /**
   * True for an activity built to be scored once (a rescore's per-window summary): the engine
   * then does not keep the indexes it builds over the buckets for later calls. Scoring it again
   * is still right, only not faster.
   */
  scoredOnce?: boolean;
}

export interface AccountProfile {
  id: string;
  tier: Tier | null;
  /** explicit stage; when null it is derived from `startedAt` (onboarding for 90 days) */
  lifecycleStage: LifecycleStage | null;
  /** epoch ms or null */
  startedAt: number | null;
}

export interface ContactInfo {
  id: string;
  role: ContactRole | null;
  department: string | null;
}

export interface FeatureInfo {
  key: string;
  tier: FeatureTier;
}

// ---------------------------------------------------------------------------------------------
// Results. Numbers are unrounded except `score`, `previousScore` and `scoreChange` (one decimal).

export type ScoreState = 'scored' | 'no_data';

/** Numbers a measure was computed from, e.g. `{ numerator: 6, denominator: 8, rate: 0.75 }`. */
export type MeasureInputs = Record<string, number>;

export interface MeasureSnapshot {
  /** null when the measure has no data (it then leaves both sums of its dimension) */
  points: number | null;
  /** the measure's maximum (0 for a penalty); counted in the dimension only when there is data */
  max: number;
  noData: boolean;
  inputs: MeasureInputs;
  /** plain words, e.g. "6 of 8 outreach emails answered (75%) → 80 points" */
  text: string;
}

export interface MeasureResult extends MeasureSnapshot {
  key: string;
  label: string;
  kind: 'count' | 'ratio' | 'attributes' | 'stakeholders' | 'departments' | 'adoption' | 'active_days' | 'recency' | 'trend';
  /** the same measure in the previous window (null when the previous score was not computed) */
  previous: MeasureSnapshot | null;
  /** points now minus points then; null when either has no data */
  change: number | null;
}

export interface DimensionResult {
  key: string;
  label: string;
  /** the weight after overrides, out of 100 */
  weight: number;
  /** the weight actually applied after rescaling around dimensions without data (0 for those) */
  appliedWeight: number;
  /** 0..100 unrounded, null when every measure has no data (or the account has no data) */
  score: number | null;
  noData: boolean;
  points: number;
  max: number;
  previousScore: number | null;
  change: number | null;
  measures: MeasureResult[];
}

export interface BandResult {
  key: string;
  label: string;
  min: number;
  action: string;
}

export interface Flag {
  key:
    | 'unanswered_outreach'
    | 'canceled_meetings'
    | 'qbr_declined'
    | 'sponsor_silent'
    | 'login_drop'
    | 'slow_responses'
    | 'participation_drop'
    | 'single_threaded'
    | 'tactical_only'
    | 'sentiment_drop';
  severity: 'red' | 'yellow';
  label: string;
  /** plain words with the numbers */
  evidence: string;
  data: Record<string, unknown>;
}
export type FlagKey = Flag['key'];

export interface ScoreResult {
  accountId: string;
  asOf: number;
  window: { from: number; to: number; days: number };
  previousWindow: { from: number; to: number };
  tier: Tier | null;
  /** the stage the model was resolved for (explicit, or derived from startedAt) */
  lifecycleStage: LifecycleStage;
  stageDerived: boolean;
  state: ScoreState;
  /** 0..100 with one decimal, null when state is `no_data` */
  score: number | null;
  band: BandResult | null;
  /** true when some weighted dimension had no data and the others were rescaled */
  partial: boolean;
  /** the dimensions left out of a partial score */
  missing: { key: string; label: string }[];
  target: number | null;
  belowTarget: boolean;
  dimensions: DimensionResult[];
  touchpoints: { current: number; previous: number };
  /** fraction: -0.333 for -33.3%; null when the previous window had no touchpoints */
  velocity: number | null;
  /** previous window had no touchpoints and this one has some */
  newActivity: boolean;
  previousScore: number | null;
  scoreChange: number | null;
  flags: Flag[];
}
