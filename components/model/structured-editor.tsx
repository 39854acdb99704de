'use client';

/**
 * The model as a form: window, dimension weights (sliders that keep the sum at 100), every
 * measure's numbers, new and removed measures, bands, tier targets and overrides (dimension
 * weights and measure numbers). Keys, event types of existing measures, ratio tiers and attribute
 * points of overrides are edited in the JSON beside it; both change the same draft.
 */
import { rebalance } from '@/lib/model/rebalance';
import { LIFECYCLE_STAGES, TIERS, type MeasureDef, type Model } from '@/lib/scoring';
import { AddMeasure } from './add-measure';
import { MeasureFields } from './measure-fields';
import { MeasureOverrides } from './measure-overrides';
import { MeasureTriggers } from './measure-triggers';
import { NumberField, Section, TextField, type Errors } from './fields';

export function StructuredEditor({ model, onChange, errors, triggers }: { model: Model; onChange: (m: Model) => void; errors: Errors; triggers: readonly string[] }) {
  const edit = (fn: (m: Model) => void) => {
    const next = structuredClone(model);
    fn(next);
    onChange(next);
  };
  const weights = model.dimensions.map((d) => d.weight);
  const weightError = errors.get('dimensions');
  return (
    <div className="space-y-4">
      <Section title="Window">
        <NumberField path="windowDays" label="Scoring window (days)" value={model.windowDays} min={1} max={365} errors={errors} onChange={(v) => edit((m) => void (m.windowDays = v ?? 0))} />
      </Section>

      <Section title="Dimension weights" description="Moving one slider spreads the difference over the others, so the weights always sum to 100.">
        <div className="space-y-2">
          {model.dimensions.map((d, i) => (
            <div key={d.key} className="grid grid-cols-[12rem_1fr_5rem] items-center gap-3">
              <label htmlFor={`weight-${d.key}`} className="text-sm text-gray-800">{d.label}</label>
              <input id={`weight-${d.key}`} type="range" min={0} max={100} step={1} value={d.weight} aria-valuetext={`${d.weight} of 100`}
                onChange={(e) => edit((m) => rebalance(weights, i, Number(e.target.value)).forEach((w, j) => (m.dimensions[j]!.weight = w)))} />
              <NumberField path={`dimensions[${i}].weight`} label={`${d.label} weight`} hideLabel value={d.weight} min={0} max={100} errors={errors}
                onChange={(v) => edit((m) => rebalance(weights, i, v ?? 0).forEach((w, j) => (m.dimensions[j]!.weight = w)))} />
            </div>
          ))}
          <p className={`text-xs ${weightError ? 'font-medium text-red-800' : 'text-gray-600'}`}>{weightError ?? `Sum: ${weights.reduce((a, b) => a + b, 0)}`}</p>
        </div>
      </Section>

      <Section title="Measures" description="Points, per-N, caps, ratio tiers and attribute points. A penalty has negative points and a cap at or below 0.">
        <div className="space-y-4">
          {model.dimensions.map((d, i) => (
            <div key={d.key}>
              <h3 className="text-sm font-medium text-gray-900">{d.label}</h3>
              <ul className="mt-1 divide-y divide-gray-100">
                {d.measures.map((ms, j) => (
                  <li key={ms.key} className="flex flex-wrap items-end gap-3 py-2">
                    <span className="flex w-52 flex-col gap-0.5">
                      <span className="text-sm text-gray-800">{ms.label} <span className="text-xs text-gray-500">({ms.kind})</span></span>
                      <MeasureTriggers measure={ms} path={`dimensions[${i}].measures[${j}]`} errors={errors} />
                    </span>
                    <MeasureFields measure={ms} path={`dimensions[${i}].measures[${j}]`} errors={errors}
                      onChange={(next: MeasureDef) => edit((m) => void (m.dimensions[i]!.measures[j] = next))} />
                    {d.measures.length > 1 ? (
                      <button type="button" className="text-sm text-red-800 underline" onClick={() => edit((m) => void m.dimensions[i]!.measures.splice(j, 1))}>
                        Remove<span className="sr-only"> {ms.label}</span>
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
              <AddMeasure model={model} dimension={i} triggers={triggers} onAdd={(next) => edit((m) => void m.dimensions[i]!.measures.push(next))} />
            </div>
          ))}
        </div>
      </Section>

      <Section title="Bands" description="Top band first; each band starts at its minimum score, the last one at 0.">
        <div className="space-y-2">
          {model.bands.map((b, i) => (
            <div key={i} className="flex flex-wrap items-end gap-3">
              <TextField path={`bands[${i}].label`} label="Label" value={b.label} errors={errors} onChange={(v) => edit((m) => void (m.bands[i]!.label = v))} />
              <NumberField path={`bands[${i}].min`} label={`${b.label} from`} value={b.min} min={0} max={100} errors={errors} onChange={(v) => edit((m) => void (m.bands[i]!.min = v ?? 0))} />
              <TextField path={`bands[${i}].action`} label="Recommended action" wide value={b.action} errors={errors} onChange={(v) => edit((m) => void (m.bands[i]!.action = v))} />
            </div>
          ))}
        </div>
      </Section>

      <Section title="Tier targets" description="Accounts under their tier's target are marked below target. Leave empty for none.">
        <div className="flex flex-wrap gap-4">
          {TIERS.map((t) => (
            <NumberField key={t} path={`tierTargets.${t}`} label={t} value={model.tierTargets[t]} min={0} max={100} errors={errors}
              onChange={(v) => edit((m) => { if (v === undefined) delete m.tierTargets[t]; else m.tierTargets[t] = v; })} />
          ))}
        </div>
      </Section>

      <Section title="Overrides" description="Dimension weights and measure numbers for a tier or lifecycle stage (empty: the model's own).">
        <div className="space-y-3">
          {model.overrides.map((o, i) => (
            <div key={i} className="flex flex-wrap items-end gap-3 border-b border-gray-100 pb-3">
              <label className="inline-flex flex-col text-xs text-gray-600">Tier
                <select className="mt-0.5 rounded border border-gray-300 px-2 py-1 text-sm" value={o.match.tier ?? ''} onChange={(e) => edit((m) => void (m.overrides[i]!.match.tier = (e.target.value || undefined) as (typeof TIERS)[number] | undefined))}>
                  <option value="">any</option>
                  {TIERS.map((t) => <option key={t}>{t}</option>)}
                </select>
              </label>
              <label className="inline-flex flex-col text-xs text-gray-600">Stage
                <select className="mt-0.5 rounded border border-gray-300 px-2 py-1 text-sm" value={o.match.lifecycleStage ?? ''} onChange={(e) => edit((m) => void (m.overrides[i]!.match.lifecycleStage = (e.target.value || undefined) as (typeof LIFECYCLE_STAGES)[number] | undefined))}>
                  <option value="">any</option>
                  {LIFECYCLE_STAGES.map((s) => <option key={s}>{s}</option>)}
                </select>
              </label>
              {model.dimensions.map((d) => (
                <NumberField key={d.key} path={`overrides[${i}].dimensionWeights.${d.key}`} label={d.label} value={o.dimensionWeights?.[d.key]} min={0} max={100} errors={errors}
                  onChange={(v) => edit((m) => {
                    const dw = { ...(m.overrides[i]!.dimensionWeights ?? {}) };
                    if (v === undefined) delete dw[d.key];
                    else dw[d.key] = v;
                    m.overrides[i]!.dimensionWeights = Object.keys(dw).length ? dw : undefined;
                  })} />
              ))}
              {errors.get(`overrides[${i}].dimensionWeights`) ? <span className="text-xs text-red-800">{errors.get(`overrides[${i}].dimensionWeights`)}</span> : null}
              <MeasureOverrides model={model} index={i} errors={errors} onChange={(measures) => edit((m) => void (m.overrides[i]!.measures = measures))} />
              <button type="button" className="text-sm text-red-800 underline" onClick={() => edit((m) => void m.overrides.splice(i, 1))}>Remove override {i + 1}</button>
            </div>
          ))}
          <button type="button" className="text-sm text-accent-strong underline" onClick={() => edit((m) => void m.overrides.push({ match: { tier: 'strategic' } }))}>Add an override</button>
        </div>
      </Section>
    </div>
  );
}
