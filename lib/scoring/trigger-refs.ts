/**
 * The trigger keys a model reads, each with its path in the model JSON, so that a model naming a
 * trigger the catalogue does not have (a typo, an incoming event name instead of its trigger) is
 * refused with the field to fix rather than scoring 0 for ever. Works on the raw JSON (a draft
 * that is not valid otherwise still gets these errors) and reads no more than the model's limits.
 */
import { formatPath, MODEL_LIMITS, type ValidationError } from './schema';

/** The measure fields that name trigger keys: a key or an array of keys, in every measure kind. */
export const TRIGGER_FIELDS = ['event', 'numerator', 'denominator'] as const;

export interface TriggerRef {
  /** e.g. `dimensions[1].measures[0].event[2]` */
  path: string;
  key: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** Every trigger key the model's measures read, in model order (a key read twice is listed twice). */
export function triggerRefs(json: unknown): TriggerRef[] {
  const out: TriggerRef[] = [];
  if (!isObject(json)) return out;
  const dimensions = own(json, 'dimensions');
  if (!Array.isArray(dimensions)) return out;
  dimensions.slice(0, MODEL_LIMITS.dimensions).forEach((d, i) => {
    const measures = isObject(d) ? own(d, 'measures') : undefined;
    if (!Array.isArray(measures)) return;
    measures.slice(0, MODEL_LIMITS.measuresPerDimension).forEach((m, j) => {
      if (!isObject(m)) return;
      for (const field of TRIGGER_FIELDS) {
        const value = own(m, field);
        const at = ['dimensions', i, 'measures', j, field];
        if (typeof value === 'string') out.push({ path: formatPath(at), key: value });
        else if (Array.isArray(value)) {
          value.slice(0, MODEL_LIMITS.eventTypes).forEach((key, k) => {
            if (typeof key === 'string') out.push({ path: formatPath([...at, k]), key });
          });
        }
      }
    });
  });
  return out;
}

/** The catalogue as the check needs it: every trigger key (retired ones too) and the event names mapped to triggers. */
export interface TriggerCatalogue {
  keys: ReadonlySet<string>;
  /** incoming event name -> the trigger key it is mapped to */
  aliases?: ReadonlyMap<string, string>;
}

/** Unknown keys listed one by one; past them, one error counts the rest (an answer never grows with a hostile model). */
const MAX_LISTED = 100;

/**
 * One error per place the model reads a key that is not a trigger (the first 100, then their count). A retired trigger is known
 * (its events are kept and still score); an incoming event name mapped to a trigger is not a
 * trigger key (events are stored under the trigger), so the error names the key to use instead.
 */
export function unknownTriggerErrors(json: unknown, catalogue: TriggerCatalogue): ValidationError[] {
  const errors: ValidationError[] = [];
  let more = 0;
  for (const ref of triggerRefs(json)) {
    if (catalogue.keys.has(ref.key)) continue;
    if (errors.length >= MAX_LISTED) {
      more++;
      continue;
    }
    const mapped = catalogue.aliases?.get(ref.key);
    errors.push({
      path: ref.path,
      message: mapped !== undefined
        ? `"${ref.key}" is an event name mapped to the trigger "${mapped}": name the trigger "${mapped}"`
        : `no trigger "${ref.key}" in the catalogue: add it under Triggers (or POST /api/v1/triggers) first`,
    });
  }
  if (more) errors.push({ path: 'dimensions', message: `and ${more} more places read keys that are not triggers` });
  return errors;
}

/** The distinct keys of `triggerRefs`, for looking them up. */
export function triggerKeysOf(json: unknown): string[] {
  return [...new Set(triggerRefs(json).map((r) => r.key))];
}
