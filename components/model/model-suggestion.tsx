'use client';

import { useEffect, useRef, useState } from 'react';
import { ProgressBar } from '@/components/import/progress-bar';
import { Field, FormAlert, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import type { SuggestOutcome } from '@/lib/model/suggest-request';
import { suggestModelWithProgress } from '@/lib/queries/suggest-model';
import type { Judgement, SuggestDefaults, SuggestedModel, SuggestProgress } from '@/lib/server/queries/suggested-model';

const OUTCOMES: { value: SuggestOutcome; label: string }[] = [
  { value: 'churned', label: 'Churned' },
  { value: 'not_renewed', label: 'Not renewed (churned, or no renewal)' },
  { value: 'not_expanded', label: 'Not expanded' },
];

const fmt = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));

function verdict(s: Judgement, l: Judgement): string {
  if (s.auc === null || l.auc === null) return 'There are too few outcomes in the test period to compare the two models.';
  const d = s.auc - l.auc;
  if (Math.abs(d) < 0.01) return `On the test period the suggested model separates the outcome about as well as the live one (AUC ${fmt(s.auc)} against ${fmt(l.auc)}).`;
  return d > 0
    ? `On the test period, which the fit never saw, the suggested model separates the outcome better than the live one: AUC ${fmt(s.auc)} against ${fmt(l.auc)} (+${d.toFixed(2)}).`
    : `On the test period the suggested model does worse than the live one: AUC ${fmt(s.auc)} against ${fmt(l.auc)} (${d.toFixed(2)}). Keep the live model.`;
}

/**
 * "Suggest a model": the outcome, horizon and periods to fit on, then the fitted model judged on
 * the later period beside the live model, to load as a draft. While the server reads and fits (a
 * minute on a large portfolio) a progress bar says how far it has come; closing the panel stops it.
 */
export function ModelSuggestion({ defaults, onLoad, onClose }: {
  defaults: SuggestDefaults | null;
  onLoad: (result: SuggestedModel) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState({ outcome: 'churned' as SuggestOutcome, ...(defaults ?? { horizonDays: 90, trainFrom: '', trainTo: '', testFrom: '', testTo: '', everyDays: 14 }) });
  const [state, setState] = useState<'idle' | 'fitting'>('idle');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [result, setResult] = useState<SuggestedModel | null>(null);
  const [progress, setProgress] = useState<SuggestProgress | null>(null);
  const running = useRef<AbortController | null>(null);
  // A panel closed while fitting stops the server's work.
  useEffect(() => () => running.current?.abort(), []);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({ ...f, [k]: k === 'horizonDays' || k === 'everyDays' ? Number(e.target.value) : e.target.value }));

  const fit = async (e: React.FormEvent) => {
    e.preventDefault();
    setState('fitting');
    setMessage(null);
    setErrors({});
    setResult(null);
    setProgress({ fraction: 0, message: 'Starting' });
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    const r = await suggestModelWithProgress(form, setProgress, controller.signal);
    if (controller.signal.aborted) return;
    running.current = null;
    setState('idle');
    setProgress(null);
    if (!r.ok) {
      setErrors(r.fieldErrors);
      setMessage(r.message);
      return;
    }
    setResult(r.data);
  };
  const err = (k: string) => errors[k]?.[0];
  const input = (k: 'trainFrom' | 'trainTo' | 'testFrom' | 'testTo', label: string) => (
    <Field id={`suggest-${k}`} label={label} error={err(k)}>
      <input id={`suggest-${k}`} type="date" className={inputClass} value={form[k]} onChange={set(k)} required aria-invalid={!!err(k)} aria-describedby={err(k) ? `suggest-${k}-error` : undefined} />
    </Field>
  );

  return (
    <section aria-labelledby="suggest-model-heading" className="rounded-lg border border-blue-200 bg-blue-50/40 p-4">
      <h2 id="suggest-model-heading" className="text-base font-semibold text-gray-900">Suggest a model</h2>
      <p className="mt-1 text-xs text-gray-700">
        Trellis fits measures (how many events, on how many days, how recently) of every trigger, their points and caps, and the
        dimension weights on what happened to accounts in the training period, then judges the result on the later test period it never
        saw, beside the live model. Nothing is published: load it into the draft, check the preview, then publish it yourself.
      </p>
      {!defaults ? <p className="mt-2 text-sm text-amber-900">The history is short: choose the periods yourself, or wait for more outcomes.</p> : null}
      <form onSubmit={fit} className="mt-3 grid gap-3 sm:grid-cols-3" aria-describedby="suggest-model-heading">
        <Field id="suggest-outcome" label="Warn of" error={err('outcome')}>
          <select id="suggest-outcome" className={inputClass} value={form.outcome} onChange={set('outcome')}>
            {OUTCOMES.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </Field>
        <Field id="suggest-horizonDays" label="Within (days)" error={err('horizonDays')}>
          <input id="suggest-horizonDays" type="number" min={7} max={730} className={inputClass} value={form.horizonDays} onChange={set('horizonDays')} aria-invalid={!!err('horizonDays')} />
        </Field>
        <Field id="suggest-everyDays" label="A sample every (days)" error={err('everyDays')}>
          <input id="suggest-everyDays" type="number" min={1} max={365} className={inputClass} value={form.everyDays} onChange={set('everyDays')} aria-invalid={!!err('everyDays')} />
        </Field>
        {input('trainFrom', 'Training from')}
        {input('trainTo', 'Training to')}
        <span className="hidden sm:block" />
        {input('testFrom', 'Test from')}
        {input('testTo', 'Test to')}
        <div className="flex items-end gap-2">
          <button type="submit" className={primaryButton} disabled={state === 'fitting'}>{state === 'fitting' ? 'Fitting…' : 'Fit a model'}</button>
          <button type="button" className="text-sm text-gray-700 underline" onClick={onClose}>Close</button>
        </div>
      </form>
      {state === 'fitting' && progress ? (
        <div className="mt-3 max-w-2xl">
          <ProgressBar label="Fitting the suggested model" done={Math.round(progress.fraction * 1000)} total={1000} detail={progress.message} />
        </div>
      ) : null}
      <div role="status" aria-live="polite" className="mt-1 text-sm text-gray-700">
        {state === 'fitting' ? 'This can take a minute on a large portfolio; closing the panel stops it.' : null}
      </div>
      {message ? <div className="mt-2"><FormAlert>{message}</FormAlert></div> : null}
      {result ? <SuggestionResult result={result} onLoad={() => onLoad(result)} /> : null}
    </section>
  );
}

function SuggestionResult({ result, onLoad }: { result: SuggestedModel; onLoad: () => void }) {
  const { train, test, live } = result;
  const rows: { label: string; key: 'auc' | 'lift' | 'topDecileLift' }[] = [
    { label: 'AUC (0.5 is chance)', key: 'auc' },
    { label: 'Lift: bottom vs top quartile', key: 'lift' },
    { label: 'Lift: lowest-scored tenth vs all', key: 'topDecileLift' },
  ];
  return (
    <div className="mt-3 space-y-3" data-testid="model-suggestion-result">
      <p className="text-sm text-gray-900">{verdict(test, live.test)}</p>
      <table className="text-sm">
        <caption className="sr-only">The suggested and the live model on the test period</caption>
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-gray-600"><th scope="col" className="pr-6">On the test period</th><th scope="col" className="pr-6">Suggested</th><th scope="col">Live (version {live.version})</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}><th scope="row" className="pr-6 text-left font-normal">{r.label}</th><td className="pr-6 tabular-nums font-medium">{fmt(test[r.key])}</td><td className="tabular-nums">{fmt(live.test[r.key])}</td></tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-gray-700">
        Fitted on {train.samples.toLocaleString('en')} account-dates ({train.positives.toLocaleString('en')} with the outcome) from {train.dates[0]} to {train.dates[train.dates.length - 1]};
        judged on {test.samples.toLocaleString('en')} account-dates ({test.positives.toLocaleString('en')} with the outcome) from {test.dates[0]} to {test.dates[test.dates.length - 1]}.
        Training AUC {fmt(train.auc)}.
      </p>
      <ul className="space-y-1 text-sm">
        {result.model.dimensions.map((d) => (
          <li key={d.key}><span className="font-medium">{d.label}</span> — weight {d.weight}, {d.measures.length} measure{d.measures.length === 1 ? '' : 's'}</li>
        ))}
      </ul>
      <button type="button" className={secondaryButton} onClick={onLoad}>Load the suggested model into the draft</button>
    </div>
  );
}
