'use client';

/**
 * Defines an experiment: name and hypothesis, the population (with a live count), the arms (the
 * first is the baseline) with each one's cadence intervals and playbooks, stratification, start,
 * end and what happens to accounts that join later.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Field, FormAlert, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { createExperimentAction, previewPopulationAction } from '@/app/(dashboard)/experiments/actions';
import { experimentSchema, MAX_ARMS, STRATA, type ExperimentInput } from '@/lib/experiments/definition';
import { hasKey } from '@/lib/dict';
import { formatCount } from '@/lib/format';
import { TIER_NAMES } from '@/lib/programme/describe';
import { TIERS, type Tier } from '@/lib/scoring/types';
import type { ExperimentFormOptions } from '@/lib/server/queries/experiments';

interface ArmDraft {
  key: string;
  label: string;
  weight: string;
  /** per cadence item: '' (the tier's own), a number of days, or 'none' */
  cadence: Record<string, string>;
  playbooks: 'usual' | 'none' | 'some';
  off: string[];
  on: string[];
}

interface Draft {
  name: string;
  key: string;
  keyEdited: boolean;
  hypothesis: string;
  tiers: Tier[];
  bands: string[];
  owner: string;
  accountIds: string;
  arms: ArmDraft[];
  stratifyBy: string[];
  startAt: string;
  endAt: string;
  lateJoiners: 'assign' | 'exclude';
  seed: string;
}

const arm = (key: string, label: string): ArmDraft => ({ key, label, weight: '1', cadence: {}, playbooks: 'usual', off: [], on: [] });
const slug = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').replace(/^[^a-z]+/, '').slice(0, 60);
/** This minute (UTC), so that an experiment defined now runs at once. */
const nowLocal = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString().slice(0, 16);

/** The definition the draft stands for (checked by the same schema the server uses). */
function definitionOf(d: Draft): ExperimentInput {
  const ids = d.accountIds.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return {
    key: d.key,
    name: d.name,
    hypothesis: d.hypothesis.trim() || null,
    population: {
      ...(d.tiers.length ? { tier: d.tiers } : {}),
      ...(d.bands.length ? { band: d.bands } : {}),
      ...(d.owner ? { owner: [d.owner] } : {}),
      ...(ids.length ? { accountIds: ids } : {}),
    },
    arms: d.arms.map((a) => ({
      key: a.key,
      label: a.label,
      weight: a.weight.trim() === '' ? Number.NaN : Number(a.weight),
      cadence: Object.entries(a.cadence)
        .filter(([, v]) => v !== '')
        .map(([item, v]) => ({ item, everyDays: v === 'none' ? null : Number(v) })),
      playbooks: { on: a.on, off: a.playbooks === 'none' ? 'all' : a.playbooks === 'some' ? a.off : [] },
    })),
    stratifyBy: d.stratifyBy as ExperimentInput['stratifyBy'],
    ...(d.seed.trim() ? { seed: Number(d.seed) } : {}),
    startAt: d.startAt ? `${d.startAt}:00Z` : '',
    endAt: d.endAt ? `${d.endAt}T00:00:00Z` : null,
    lateJoiners: d.lateJoiners,
  };
}

function issues(definition: ExperimentInput): Map<string, string> {
  const out = new Map<string, string>();
  const parsed = experimentSchema.safeParse(definition);
  if (!parsed.success) for (const i of parsed.error.issues) out.set(i.path.map(String).join('.') || '_form', i.message);
  return out;
}

const NO_ERRORS: ReadonlyMap<string, string> = new Map();
const invalid = (error: string | undefined, id: string) => ({ 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined });
const small = `${secondaryButton} px-2 py-1 text-xs`;

export function ExperimentForm({ options, onCancel }: { options: ExperimentFormOptions; onCancel: () => void }) {
  const router = useRouter();
  const [draft, setDraft] = useState<Draft>(() => ({
    name: '', key: '', keyEdited: false, hypothesis: '', tiers: [], bands: [], owner: '', accountIds: '',
    arms: [arm('baseline', 'Current programme'), arm('treatment', 'Treatment')],
    stratifyBy: ['tier', 'band'], startAt: nowLocal(), endAt: '', lateJoiners: 'assign', seed: '',
  }));
  const [attempted, setAttempted] = useState(false);
  const [refused, setRefused] = useState<{ json: string; message: string; errors: Map<string, string> } | null>(null);
  const [preview, setPreview] = useState<{ accounts: number; byTier: Record<string, number> } | null>(null);
  const [pending, startTransition] = useTransition();
  const heading = useRef<HTMLHeadingElement>(null);
  const definition = definitionOf(draft);
  const json = JSON.stringify(definition);
  const errors = !attempted ? NO_ERRORS : refused?.json === json ? refused.errors : issues(definition);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setArm = (i: number, patch: Partial<ArmDraft>) => setDraft((d) => ({ ...d, arms: d.arms.map((a, j) => (j === i ? { ...a, ...patch } : a)) }));

  useEffect(() => heading.current?.focus(), []);

  // The population's size, asked again a moment after it changes.
  const populationJson = JSON.stringify(definition.population);
  useEffect(() => {
    const timer = setTimeout(async () => {
      const result = await previewPopulationAction({ population: JSON.parse(populationJson) });
      setPreview(result.ok ? result.data : null);
    }, 300);
    return () => clearTimeout(timer);
  }, [populationJson]);

  const submit = () => {
    setAttempted(true);
    if (issues(definition).size) {
      setRefused(null);
      return;
    }
    startTransition(async () => {
      const result = await createExperimentAction({ definition });
      if (result.ok) {
        router.push(`/experiments/${encodeURIComponent(result.data.key)}?created=1`);
        return;
      }
      const map = new Map(Object.entries(result.fieldErrors).filter(([p]) => p !== '_form' && p !== 'definition').map(([p, m]) => [p, m[0]!]));
      setRefused({ json, message: result.message, errors: map });
    });
  };

  const err = (path: string) => errors.get(path);
  const shownErrors = errors.size;
  const activePlaybooks = options.playbooks.filter((p) => p.active);
  const inactivePlaybooks = options.playbooks.filter((p) => !p.active);

  return (
    <form aria-labelledby="experiment-form-heading" noValidate className="max-w-5xl space-y-5 rounded-lg border border-gray-200 bg-white p-5" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <h2 id="experiment-form-heading" ref={heading} tabIndex={-1} className="text-base font-semibold text-gray-900">New experiment</h2>
      {refused && refused.json === json ? <FormAlert>{refused.message}</FormAlert> : attempted && shownErrors ? <FormAlert>Check the fields marked below.</FormAlert> : null}
      <fieldset disabled={pending} className="space-y-5">
        <legend className="sr-only">New experiment</legend>
        <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Field id="ex-name" label="Name" error={err('name')}>
            <input id="ex-name" className={inputClass} value={draft.name} maxLength={120} {...invalid(err('name'), 'ex-name')}
              onChange={(e) => set({ name: e.target.value, ...(draft.keyEdited ? {} : { key: slug(e.target.value) }) })} />
          </Field>
          <Field id="ex-key" label="Key" error={err('key')} hint="Names it in links and the API; lower-case">
            <input id="ex-key" className={`${inputClass} font-mono`} value={draft.key} maxLength={60} spellCheck={false} {...invalid(err('key'), 'ex-key')}
              aria-describedby={err('key') ? 'ex-key-error' : 'ex-key-hint'} onChange={(e) => set({ key: e.target.value, keyEdited: true })} />
          </Field>
        </div>
        <Field id="ex-hypothesis" label="Hypothesis (optional)" error={err('hypothesis')} hint="What you expect, e.g. “Weekly calls halve churn of growth accounts”">
          <textarea id="ex-hypothesis" className={`${inputClass} h-16`} value={draft.hypothesis} maxLength={1000} {...invalid(err('hypothesis'), 'ex-hypothesis')}
            aria-describedby={err('hypothesis') ? 'ex-hypothesis-error' : 'ex-hypothesis-hint'} onChange={(e) => set({ hypothesis: e.target.value })} />
        </Field>

        <fieldset className="space-y-3 rounded-md border border-gray-200 p-4">
          <legend className="px-1 text-sm font-semibold text-gray-900">Population</legend>
          <fieldset>
            <legend className="text-sm font-medium text-gray-700">Tiers</legend>
            <div className="mt-1 flex flex-wrap gap-4">
              {TIERS.map((tier) => (
                <label key={tier} className="inline-flex items-center gap-2 text-sm text-gray-800">
                  <input type="checkbox" className="h-4 w-4" checked={draft.tiers.includes(tier)}
                    onChange={(e) => set({ tiers: e.target.checked ? TIERS.filter((t) => t === tier || draft.tiers.includes(t)) : draft.tiers.filter((t) => t !== tier) })} />
                  {TIER_NAMES[tier]}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend className="text-sm font-medium text-gray-700">Bands (today&apos;s)</legend>
            <div className="mt-1 flex flex-wrap gap-4">
              {options.bands.map((b) => (
                <label key={b.key} className="inline-flex items-center gap-2 text-sm text-gray-800">
                  <input type="checkbox" className="h-4 w-4" checked={draft.bands.includes(b.key)}
                    onChange={(e) => set({ bands: e.target.checked ? [...draft.bands, b.key] : draft.bands.filter((x) => x !== b.key) })} />
                  {b.label}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field id="ex-owner" label="Owner" error={err('population.owner.0')}>
              <select id="ex-owner" className={inputClass} value={draft.owner} onChange={(e) => set({ owner: e.target.value })}>
                <option value="">Any owner</option>
                {options.owners.map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            </Field>
            <Field id="ex-ids" label="Only these account ids (optional)" error={err('population.accountIds')} hint="Separated by commas, spaces or lines">
              <textarea id="ex-ids" className={`${inputClass} h-10 font-mono`} value={draft.accountIds} {...invalid(err('population.accountIds'), 'ex-ids')}
                aria-describedby={err('population.accountIds') ? 'ex-ids-error' : 'ex-ids-hint'} onChange={(e) => set({ accountIds: e.target.value })} />
            </Field>
          </div>
          <p className="text-sm text-gray-800" aria-live="polite" data-testid="population-preview">
            {preview === null ? 'Counting the accounts…' : (
              <>
                <strong className="tabular">{formatCount(preview.accounts)}</strong> account{preview.accounts === 1 ? '' : 's'} match now
                {Object.keys(preview.byTier).length > 1 ? ` (${Object.entries(preview.byTier).map(([t, n]) => `${t} ${formatCount(n)}`).join(', ')})` : ''}; each will be assigned to one arm at random.
              </>
            )}
          </p>
          {err('population') ? <p className="text-xs font-medium text-red-800">{err('population')}</p> : null}
        </fieldset>

        <fieldset className="space-y-3 rounded-md border border-gray-200 p-4">
          <legend className="px-1 text-sm font-semibold text-gray-900">Arms</legend>
          <p className="text-xs text-gray-600">The first arm is the baseline the others are compared with (e.g. the current programme, or a holdout). Weights split each stratum: 1 and 1 is half each.</p>
          {err('arms') ? <p className="text-xs font-medium text-red-800">{err('arms')}</p> : null}
          <ol className="space-y-3">
            {draft.arms.map((a, i) => {
              const id = `arm-${i}`;
              return (
                <li key={i} className="rounded-md border border-gray-200 p-3">
                  <fieldset>
                    <legend className="text-sm font-medium text-gray-900">{i === 0 ? 'Arm 1 (baseline)' : `Arm ${i + 1}`}</legend>
                    <div className="mt-2 grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)_6rem]">
                      <Field id={`${id}-key`} label="Key" error={err(`arms.${i}.key`)}>
                        <input id={`${id}-key`} className={`${inputClass} font-mono`} value={a.key} maxLength={40} spellCheck={false} {...invalid(err(`arms.${i}.key`), `${id}-key`)} onChange={(e) => setArm(i, { key: e.target.value })} />
                      </Field>
                      <Field id={`${id}-label`} label="Label" error={err(`arms.${i}.label`)}>
                        <input id={`${id}-label`} className={inputClass} value={a.label} maxLength={80} {...invalid(err(`arms.${i}.label`), `${id}-label`)} onChange={(e) => setArm(i, { label: e.target.value })} />
                      </Field>
                      <Field id={`${id}-weight`} label="Weight" error={err(`arms.${i}.weight`)}>
                        <input id={`${id}-weight`} type="number" inputMode="numeric" min={1} max={100} className={`${inputClass} tabular`} value={a.weight} {...invalid(err(`arms.${i}.weight`), `${id}-weight`)} onChange={(e) => setArm(i, { weight: e.target.value })} />
                      </Field>
                    </div>
                    <fieldset className="mt-3">
                      <legend className="text-sm font-medium text-gray-700">Cadence in this arm</legend>
                      <div className="mt-1 grid gap-3 sm:grid-cols-3">
                        {options.cadenceItems.map((item, k) => {
                          const value = hasKey(a.cadence, item.key) ? a.cadence[item.key]! : '';
                          const fid = `${id}-cadence-${item.key}`;
                          const index = Object.entries(a.cadence).filter(([, v]) => v !== '').findIndex(([key]) => key === item.key);
                          const error = index >= 0 ? err(`arms.${i}.cadence.${index}.everyDays`) ?? err(`arms.${i}.cadence.${index}.item`) : undefined;
                          const tiers = Object.entries(item.everyDays).map(([t, d]) => `${t} ${d}`).join(', ');
                          return (
                            <Field key={k} id={fid} label={`${item.label}, every … days`} error={error} hint={`Blank: as the tier says (${tiers})`}>
                              <div className="mt-1 flex items-center gap-2">
                                <input id={fid} type="number" inputMode="numeric" min={1} max={730} className={`${inputClass} mt-0 tabular`} value={value === 'none' ? '' : value} disabled={value === 'none'}
                                  {...invalid(error, fid)} aria-describedby={error ? `${fid}-error` : `${fid}-hint`} onChange={(e) => setArm(i, { cadence: { ...a.cadence, [item.key]: e.target.value } })} />
                                <label className="inline-flex shrink-0 items-center gap-1 text-xs text-gray-800">
                                  <input type="checkbox" className="h-4 w-4" checked={value === 'none'} onChange={(e) => setArm(i, { cadence: { ...a.cadence, [item.key]: e.target.checked ? 'none' : '' } })} />
                                  None
                                </label>
                              </div>
                            </Field>
                          );
                        })}
                      </div>
                    </fieldset>
                    <div className="mt-3 grid gap-3 sm:grid-cols-2">
                      <Field id={`${id}-playbooks`} label="Playbooks in this arm" error={err(`arms.${i}.playbooks.off`)}>
                        <select id={`${id}-playbooks`} className={inputClass} value={a.playbooks} onChange={(e) => setArm(i, { playbooks: e.target.value as ArmDraft['playbooks'] })}>
                          <option value="usual">As for everyone</option>
                          <option value="none">None: a holdout (no playbook tasks)</option>
                          {activePlaybooks.length ? <option value="some">Switch some off</option> : null}
                        </select>
                      </Field>
                      {a.playbooks === 'some' ? (
                        <fieldset>
                          <legend className="text-sm font-medium text-gray-700">Off in this arm</legend>
                          {activePlaybooks.map((p) => (
                            <label key={p.key} className="mt-1 flex items-center gap-2 text-sm text-gray-800">
                              <input type="checkbox" className="h-4 w-4" checked={a.off.includes(p.key)} onChange={(e) => setArm(i, { off: e.target.checked ? [...a.off, p.key] : a.off.filter((k) => k !== p.key) })} />
                              {p.name}
                            </label>
                          ))}
                        </fieldset>
                      ) : null}
                      {inactivePlaybooks.length ? (
                        <fieldset>
                          <legend className="text-sm font-medium text-gray-700">Switched off for everyone, on in this arm</legend>
                          {inactivePlaybooks.map((p) => (
                            <label key={p.key} className="mt-1 flex items-center gap-2 text-sm text-gray-800">
                              <input type="checkbox" className="h-4 w-4" checked={a.on.includes(p.key)} onChange={(e) => setArm(i, { on: e.target.checked ? [...a.on, p.key] : a.on.filter((k) => k !== p.key) })} />
                              {p.name}
                            </label>
                          ))}
                        </fieldset>
                      ) : null}
                    </div>
                    {draft.arms.length > 2 ? (
                      <button type="button" className={`${small} mt-3`} onClick={() => set({ arms: draft.arms.filter((_, j) => j !== i) })}>Remove arm {i + 1}</button>
                    ) : null}
                  </fieldset>
                </li>
              );
            })}
          </ol>
          {draft.arms.length < MAX_ARMS ? (
            <button type="button" className={small} onClick={() => set({ arms: [...draft.arms, arm(`arm-${draft.arms.length + 1}`, `Arm ${draft.arms.length + 1}`)] })}>Add an arm</button>
          ) : null}
        </fieldset>

        <fieldset className="space-y-3 rounded-md border border-gray-200 p-4">
          <legend className="px-1 text-sm font-semibold text-gray-900">When and how</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field id="ex-start" label="Start (UTC)" error={err('startAt')}>
              <input id="ex-start" type="datetime-local" className={inputClass} value={draft.startAt} {...invalid(err('startAt'), 'ex-start')} onChange={(e) => set({ startAt: e.target.value })} />
            </Field>
            <Field id="ex-end" label="End (optional)" error={err('endAt')} hint="Blank: until someone stops it">
              <input id="ex-end" type="date" className={inputClass} value={draft.endAt} {...invalid(err('endAt'), 'ex-end')} aria-describedby={err('endAt') ? 'ex-end-error' : 'ex-end-hint'} onChange={(e) => set({ endAt: e.target.value })} />
            </Field>
            <Field id="ex-seed" label="Seed (optional)" error={err('seed')} hint="The same seed gives the same assignment; blank: drawn">
              <input id="ex-seed" type="number" inputMode="numeric" min={0} className={`${inputClass} tabular`} value={draft.seed} {...invalid(err('seed'), 'ex-seed')} aria-describedby={err('seed') ? 'ex-seed-error' : 'ex-seed-hint'} onChange={(e) => set({ seed: e.target.value })} />
            </Field>
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-gray-700">Stratify by (each stratum is split by the weights)</legend>
            <div className="mt-1 flex flex-wrap gap-4">
              {STRATA.map((s) => (
                <label key={s} className="inline-flex items-center gap-2 text-sm text-gray-800">
                  <input type="checkbox" className="h-4 w-4" checked={draft.stratifyBy.includes(s)}
                    onChange={(e) => set({ stratifyBy: e.target.checked ? STRATA.filter((x) => x === s || draft.stratifyBy.includes(x)) : draft.stratifyBy.filter((x) => x !== s) })} />
                  {s === 'tier' ? 'Tier' : s === 'band' ? 'Band' : 'Owner'}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend className="text-sm font-medium text-gray-700">Accounts that join the population later</legend>
            <div className="mt-1 flex flex-wrap gap-4">
              <label className="inline-flex items-center gap-2 text-sm text-gray-800">
                <input type="radio" name="late" className="h-4 w-4" checked={draft.lateJoiners === 'assign'} onChange={() => set({ lateJoiners: 'assign' })} />
                Assign them as they come
              </label>
              <label className="inline-flex items-center gap-2 text-sm text-gray-800">
                <input type="radio" name="late" className="h-4 w-4" checked={draft.lateJoiners === 'exclude'} onChange={() => set({ lateJoiners: 'exclude' })} />
                Leave them out
              </label>
            </div>
          </fieldset>
        </fieldset>
      </fieldset>
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={pending}>{pending ? 'Assigning…' : 'Create and assign'}</button>
        <button type="button" className={secondaryButton} onClick={onCancel} disabled={pending}>Cancel</button>
      </div>
    </form>
  );
}
