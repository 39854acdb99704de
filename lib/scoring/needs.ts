/**
 * What activity a model reads around an as-of instant: how many days back (both windows, the
 * window before them for a trend, or further for a recency measure) and which trigger types a
 * loader that sums day buckets per window must keep per day instead. Loaders choose their ranges
 * with `activityDays`, so a model with a 400-day recency tier sees a login 400 days old.
 */
import type { Model } from './schema';

export interface ActivityNeeds {
  /** types read day by day (active_days, recency): summarised loaders keep their buckets per day */
  dayTypes: readonly string[];
  /** types whose last bucket before the windows matters (recency) */
  recencyTypes: readonly string[];
  /** types counted in the window before a score's window (trend) */
  trendTypes: readonly string[];
  /** the largest recency tier `maxDays` (-1: no recency measure) */
  recencyDays: number;
}

const cache = new WeakMap<Model, ActivityNeeds>();

const typesOf = (e: string | string[]) => (typeof e === 'string' ? [e] : e);

export function activityNeeds(model: Model): ActivityNeeds {
  let needs = cache.get(model);
  if (needs) return needs;
  const day = new Set<string>();
  const recency = new Set<string>();
  const trend = new Set<string>();
  let recencyDays = -1;
  // Overrides cannot change a measure's kind, types or recency tiers.
  for (const d of model.dimensions) {
    for (const m of d.measures) {
      if (m.kind === 'active_days') for (const t of typesOf(m.event)) day.add(t);
      if (m.kind === 'recency') {
        for (const t of typesOf(m.event)) {
          day.add(t);
          recency.add(t);
        }
        for (const tier of m.tiers) recencyDays = Math.max(recencyDays, tier.maxDays);
      }
      if (m.kind === 'trend') for (const t of typesOf(m.event)) trend.add(t);
    }
  }
  needs = { dayTypes: [...day].sort(), recencyTypes: [...recency].sort(), trendTypes: [...trend].sort(), recencyDays };
  cache.set(model, needs);
  return needs;
}

/**
 * How many UTC days of activity before the as-of day's end scoring with this model reads: with
 * `previous` (live scores: the previous score and the flags) the current and previous windows, else
 * (a history point) the current window; one window more for a trend (its count in the window
 * before); and for a recency measure its largest `maxDays` plus the as-of day itself, counted
 * from the end of the previous window when the previous score is computed too. With `toDay` the
 * UTC day after the last one scored (`ceil(asOf / DAY_MS)`), a loader reading the days
 * `[toDay - activityDays(model) - 1, toDay)` sees everything that can change the result (the extra
 * day covers a window that starts inside a day, for an as-of that is not midnight).
 */
export function activityDays(model: Model, options: { previous?: boolean } = {}): number {
  const previous = options.previous ?? true;
  const needs = activityNeeds(model);
  const windows = (needs.trendTypes.length ? 2 : 1) + (previous ? 1 : 0);
  const recency = needs.recencyDays < 0 ? 0 : needs.recencyDays + 1 + (previous ? model.windowDays : 0);
  return Math.max(windows * model.windowDays, recency);
}
