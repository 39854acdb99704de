/** The public API of the scoring engine (pure: no I/O, no database, no Next.js). */
export * from './types';
export {
  modelSchema,
  measureSchema,
  dimensionSchema,
  bandSchema,
  overrideSchema,
  validateModel,
  formatPath,
  MODEL_LIMITS,
  type Model,
  type ModelInput,
  type MeasureDef,
  type MeasureKind,
  type DimensionDef,
  type BandDef,
  type OverrideDef,
  type MeasureOverride,
  type ValidationError,
  type ValidationResult,
} from './schema';
export { triggerRefs, triggerKeysOf, unknownTriggerErrors, TRIGGER_FIELDS, type TriggerRef, type TriggerCatalogue } from './trigger-refs';
export { DEFAULT_MODEL, DEFAULT_TRIGGERS, DEFAULT_FEATURE_WEIGHTS, type TriggerDef, type TriggerProperty } from './default-model';
export {
  DAY_MS,
  endOfUtcDay,
  windowBounds,
  summarizeWindow,
  summarizeWindows,
  countOf,
  activeDaysOf,
  daysSinceLast,
  propOf,
  trueCountOf,
  medianOf,
  meanOf,
  engagedContactIds,
  contactCountOf,
  featureUsedIn,
  type WindowSummary,
  type PropAgg,
  type OutreachRun,
} from './window';
export { compileModel, resolveStage, ONBOARDING_DAYS, type CompiledModel } from './compile';
export { scoreAccount, scoreSeries, roundScore, bandFor, type ScoreInput, type ScoreDetail, type SeriesPoint } from './engine';
export { SlidingWindow } from './sliding-window';
export { computeFlags, FLAG_RULES, FLAG_LABELS, FLAG_PROP_TYPES, FLAG_TYPES, type FlagInput } from './flags';
export { describeMeasure } from './explain';
export { buildActivity, featureSourcesOf, propTypesOf, typesReadBy, type RawEvent, type FeatureSource, type BuildActivityOptions } from './activity';
export { WindowedActivityBuilder } from './windowed-activity';
export { lendRecord, recordOfLent, type LentProps } from './prop-values';
export { activityDays, activityNeeds, type ActivityNeeds } from './needs';
