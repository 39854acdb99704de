/**
 * A model checked against its schema and against the trigger catalogue, as every way of publishing
 * or previewing one does (the editor, `PUT /api/v1/model`, `POST /api/v1/model/preview`, the
 * command-line importers): a measure reading a key that is not a trigger is refused with its path.
 */
import { triggerKeysOf, unknownTriggerErrors, validateModel, type Model, type ValidationError, type ValidationResult } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';

/** Each place `json` reads a key that is not a trigger (retired triggers are known). */
export async function unknownTriggers(db: Store, json: unknown): Promise<ValidationError[]> {
  const keys = triggerKeysOf(json);
  if (!keys.length) return [];
  const list = JSON.stringify(keys);
  const [known, aliases] = await Promise.all([
    db.column<string>(`SELECT key FROM triggers WHERE ${db.dialect.inJsonArray('key', 'text')}`, [list]),
    db.all<{ name: string; trigger_key: string }>(`SELECT name, trigger_key FROM trigger_aliases WHERE ${db.dialect.inJsonArray('name', 'text')}`, [list]),
  ]);
  return unknownTriggerErrors(json, { keys: new Set(known), aliases: new Map(aliases.map((a) => [a.name, a.trigger_key])) });
}

/** Every problem of `json`: the schema's, then each place it reads a key the catalogue does not have. */
export async function checkModel(db: Store, json: unknown): Promise<ValidationResult> {
  const checked = validateModel(json);
  const unknown = await unknownTriggers(db, json);
  if (checked.ok && !unknown.length) return checked;
  return { ok: false, errors: [...(checked.ok ? [] : checked.errors), ...unknown] };
}

/** The valid model, or a 400 listing every problem with its path. */
export async function checkedModel(db: Store, json: unknown): Promise<Model> {
  const checked = validateModel(json);
  const unknown = await unknownTriggers(db, json);
  if (checked.ok && !unknown.length) return checked.model;
  const errors = [...(checked.ok ? [] : checked.errors), ...unknown];
  const problems = `${errors.length} problem${errors.length > 1 ? 's' : ''}`;
  const message = checked.ok
    ? `The model reads ${unknown.length === 1 ? 'a trigger that is' : 'triggers that are'} not in the catalogue (${problems}): add them under Triggers first, or fix the keys`
    : `The model is not valid (${problems})`;
  throw new AppError('invalid', message, errors.map((e) => ({ path: e.path, message: e.message })));
}
