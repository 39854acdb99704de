'use client';

/** The "fires when" part of the playbook form: the kind of condition and its parameters. */
import { Field, inputClass } from '@/components/ui/form';
import { CONDITION_KINDS, conditionFor, FLAG_CHOICES, flagChoiceOf, flagConditionOf, type ConditionKind } from '@/lib/programme/playbook-draft';
import { describeCondition, type PlaybookCondition } from '@/lib/programme/playbooks';
import type { PlaybookFormOptions } from '@/lib/server/queries/playbooks';

const invalid = (error: string | undefined, id: string) => ({ 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined });

export function ConditionFields({ condition, onChange, options, errors }: {
  condition: PlaybookCondition; onChange: (c: PlaybookCondition) => void; options: PlaybookFormOptions; errors: ReadonlyMap<string, string>;
}) {
  const kindError = errors.get('condition') ?? errors.get('condition.kind');
  return (
    <div className="space-y-3 rounded-md border border-gray-200 p-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="pb-kind" label="Fires when" error={kindError}>
          <select id="pb-kind" className={inputClass} value={condition.kind} {...invalid(kindError, 'pb-kind')}
            onChange={(e) => onChange(conditionFor(e.target.value as ConditionKind, options.bands))}>
            {CONDITION_KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
          </select>
        </Field>
        <Parameters condition={condition} onChange={onChange} options={options} errors={errors} />
      </div>
      <p className="text-sm text-gray-700" aria-live="polite">In words: <span className="font-medium text-gray-900">{describeCondition(condition, options.bands)}</span></p>
    </div>
  );
}

function Parameters({ condition, onChange, options, errors }: {
  condition: PlaybookCondition; onChange: (c: PlaybookCondition) => void; options: PlaybookFormOptions; errors: ReadonlyMap<string, string>;
}) {
  switch (condition.kind) {
    case 'band': {
      const error = errors.get('condition.band');
      const known = options.bands.some((b) => b.key === condition.band);
      return (
        <Field id="pb-band" label="Band (or worse)" error={error}>
          <select id="pb-band" className={inputClass} value={condition.band} {...invalid(error, 'pb-band')} onChange={(e) => onChange({ kind: 'band', band: e.target.value })}>
            {known ? null : <option value={condition.band}>{condition.band || 'Choose a band'} (not in the live model)</option>}
            {options.bands.map((b) => <option key={b.key} value={b.key}>{b.label} ({b.key})</option>)}
          </select>
        </Field>
      );
    }
    case 'flag': {
      const error = errors.get('condition.flag') ?? errors.get('condition.severity');
      const choice = flagChoiceOf(condition);
      const known = choice === '' || choice.startsWith('severity:') || FLAG_CHOICES.some((f) => `flag:${f.key}` === choice);
      return (
        <Field id="pb-flag" label="Which flag" error={error}>
          <select id="pb-flag" className={inputClass} value={choice} {...invalid(error, 'pb-flag')} onChange={(e) => onChange(flagConditionOf(e.target.value))}>
            <option value="">Any flag</option>
            <optgroup label="By severity">
              <option value="severity:red">Any red flag</option>
              <option value="severity:yellow">Any yellow flag</option>
            </optgroup>
            <optgroup label="One flag">
              {known ? null : <option value={choice}>{choice.slice(5)}</option>}
              {FLAG_CHOICES.map((f) => <option key={f.key} value={`flag:${f.key}`}>{f.label}</option>)}
            </optgroup>
          </select>
        </Field>
      );
    }
    case 'renewal': {
      const error = errors.get('condition.withinDays');
      return (
        <Field id="pb-within" label="Renewal within (days)" error={error}>
          <input id="pb-within" type="number" inputMode="numeric" min={1} max={365} step={1} className={`${inputClass} tabular`} {...invalid(error, 'pb-within')}
            value={Number.isFinite(condition.withinDays) ? condition.withinDays : ''}
            onChange={(e) => onChange({ kind: 'renewal', withinDays: e.target.value === '' ? Number.NaN : Number(e.target.value) })} />
        </Field>
      );
    }
    case 'cadence_overdue': {
      const error = errors.get('condition.item');
      const known = !condition.item || options.cadenceItems.some((i) => i.key === condition.item);
      return (
        <Field id="pb-item" label="Cadence item" error={error}>
          <select id="pb-item" className={inputClass} value={condition.item ?? ''} {...invalid(error, 'pb-item')}
            onChange={(e) => onChange(e.target.value ? { kind: 'cadence_overdue', item: e.target.value } : { kind: 'cadence_overdue' })}>
            <option value="">Any cadence item</option>
            {known ? null : <option value={condition.item}>{condition.item} (not in the live cadence)</option>}
            {options.cadenceItems.map((i) => <option key={i.key} value={i.key}>{i.label} ({i.key})</option>)}
          </select>
        </Field>
      );
    }
    case 'below_target':
      return <p className="self-end text-sm text-gray-600">Each tier&apos;s target score is set in the model (Administration → Model).</p>;
  }
}
