'use client';

/** One cadence item in the editor: label, key, interval and the triggers that fulfil it. */
import { dangerButton, Field, inputClass, secondaryButton } from '@/components/ui/form';
import { MAX_FULFILLERS } from '@/lib/programme/cadence';
import { newFulfiller, type DraftFulfiller, type DraftItem } from '@/lib/programme/cadence-draft';
import { intervalText } from '@/lib/programme/describe';
import type { CadenceTrigger } from '@/lib/server/queries/cadence-admin';

const smallButton = `${secondaryButton} px-2 py-1 text-xs`;

/** The message for a field, and the attributes that tie it to its control. */
function errorProps(errors: ReadonlyMap<string, string>, path: string, id: string, hasHint = false) {
  const error = errors.get(path);
  return { error, input: { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : hasHint ? `${id}-hint` : undefined } };
}

function FulfillerRow({ f, index, itemName, idBase, path, triggers, errors, onChange, onRemove, removable }: {
  f: DraftFulfiller; index: number; itemName: string; idBase: string; path: string; triggers: readonly CadenceTrigger[];
  errors: ReadonlyMap<string, string>; onChange: (f: DraftFulfiller) => void; onRemove: () => void; removable: boolean;
}) {
  const known = triggers.find((t) => t.key === f.trigger);
  const offered = triggers.filter((t) => !t.retired || t.key === f.trigger);
  const flags = known?.flags ?? [];
  const trigger = errorProps(errors, `${path}.trigger`, `${idBase}-trigger`);
  const property = errors.get(`${path}.property`);
  return (
    <li className="flex flex-wrap items-start gap-2">
      <div className="min-w-48 flex-1">
        <label htmlFor={trigger.input.id} className="sr-only">Trigger {index + 1} fulfilling {itemName}</label>
        <select {...trigger.input} className={`${inputClass} mt-0`} value={f.trigger} onChange={(e) => onChange({ ...f, trigger: e.target.value, property: undefined })}>
          {known ? null : <option value={f.trigger}>{f.trigger} (not in the catalogue)</option>}
          {offered.map((t) => <option key={t.key} value={t.key}>{t.label} ({t.key}){t.retired ? ' (retired)' : ''}</option>)}
        </select>
        {trigger.error ? <p id={`${trigger.input.id}-error`} className="mt-1 text-xs font-medium text-red-800">{trigger.error}</p> : null}
      </div>
      <div className="min-w-48 flex-1">
        <label htmlFor={`${idBase}-property`} className="sr-only">Which events of trigger {index + 1} count for {itemName}</label>
        <select id={`${idBase}-property`} className={`${inputClass} mt-0`} value={f.property ?? ''} aria-invalid={property ? true : undefined}
          aria-describedby={property ? `${idBase}-property-error` : undefined} onChange={(e) => onChange({ ...f, property: e.target.value || undefined })}>
          <option value="">any such event</option>
          {f.property && !flags.includes(f.property) ? <option value={f.property}>only with {f.property}</option> : null}
          {flags.map((p) => <option key={p} value={p}>only with {p}</option>)}
        </select>
        {property ? <p id={`${idBase}-property-error`} className="mt-1 text-xs font-medium text-red-800">{property}</p> : null}
      </div>
      <button type="button" className={smallButton} onClick={onRemove} disabled={!removable} aria-label={`Remove trigger ${index + 1} of ${itemName}`}>Remove</button>
    </li>
  );
}

export function CadenceItemFields({ tier, tierName, index, count, item, triggers, errors, onChange, onMove, onRemove }: {
  tier: string; tierName: string; index: number; count: number; item: DraftItem; triggers: readonly CadenceTrigger[];
  errors: ReadonlyMap<string, string>; onChange: (item: DraftItem) => void; onMove: (to: number) => void; onRemove: () => void;
}) {
  const path = `tiers.${tier}[${index}]`;
  const idBase = `cadence-${tier}-${item.uid}`;
  const name = item.label.trim() || `item ${index + 1}`;
  const label = errorProps(errors, `${path}.label`, `${idBase}-label`);
  const key = errorProps(errors, `${path}.key`, `${idBase}-key`);
  const everyHint = Number.isFinite(item.everyDays) && item.everyDays > 0 ? intervalText(item.everyDays) : undefined;
  const every = errorProps(errors, `${path}.everyDays`, `${idBase}-every`, !!everyHint);
  const fulfilledError = errors.get(`${path}.fulfilledBy`);
  const firstTrigger = triggers.find((t) => !t.retired)?.key ?? '';
  const addTrigger = () => {
    const f = newFulfiller(item, firstTrigger);
    if (f) onChange({ ...item, fulfilledBy: [...item.fulfilledBy, f] });
  };
  return (
    <fieldset className="rounded-md border border-gray-200 p-3">
      <legend className="px-1 text-sm font-medium text-gray-900">{tierName}: {name}</legend>
      <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1.5fr)_minmax(0,1fr)]">
        <Field id={label.input.id} label="Label" error={label.error}>
          <input {...label.input} className={inputClass} value={item.label} maxLength={80} onChange={(e) => onChange({ ...item, label: e.target.value })} />
        </Field>
        <Field id={key.input.id} label="Key" error={key.error}>
          <input {...key.input} className={`${inputClass} font-mono`} value={item.key} maxLength={60} spellCheck={false} onChange={(e) => onChange({ ...item, key: e.target.value })} />
        </Field>
        <Field id={every.input.id} label="Every (days)" error={every.error} hint={everyHint}>
          <input {...every.input} type="number" inputMode="numeric" min={1} step={1} className={`${inputClass} tabular`} value={Number.isFinite(item.everyDays) ? item.everyDays : ''}
            onChange={(e) => onChange({ ...item, everyDays: e.target.value === '' ? Number.NaN : Number(e.target.value) })} />
        </Field>
      </div>
      <div className="mt-3">
        <p className="text-sm font-medium text-gray-700" id={`${idBase}-fulfilled`}>Fulfilled by</p>
        <ul className="mt-1 space-y-2" aria-labelledby={`${idBase}-fulfilled`}>
          {item.fulfilledBy.map((f, j) => (
            <FulfillerRow key={f.uid} f={f} index={j} itemName={name} idBase={`${idBase}-f${f.uid}`} path={`${path}.fulfilledBy[${j}]`} triggers={triggers} errors={errors}
              removable={item.fulfilledBy.length > 1}
              onChange={(next) => onChange({ ...item, fulfilledBy: item.fulfilledBy.map((x) => (x.uid === f.uid ? next : x)) })}
              onRemove={() => onChange({ ...item, fulfilledBy: item.fulfilledBy.filter((x) => x.uid !== f.uid) })} />
          ))}
        </ul>
        {fulfilledError ? <p className="mt-1 text-xs font-medium text-red-800">{fulfilledError}</p> : null}
      </div>
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" className={smallButton} onClick={addTrigger} disabled={item.fulfilledBy.length >= MAX_FULFILLERS || !firstTrigger} aria-label={`Add a trigger fulfilling ${name}`}>Add a trigger</button>
        <span className="flex-1" />
        <button type="button" className={smallButton} onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move ${name} up`}>Move up</button>
        <button type="button" className={smallButton} onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move ${name} down`}>Move down</button>
        <span className="flex-1" />
        <button type="button" className={`${dangerButton} px-2 py-1 text-xs`} onClick={onRemove} aria-label={`Remove ${name} from ${tierName}`}>Remove item</button>
      </div>
    </fieldset>
  );
}
