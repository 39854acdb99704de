'use client';

import { secondaryButton } from '@/components/ui/form';
import type { SuggestedWeights } from '@/lib/server/queries/suggested-weights';

/** Below this many churned accounts in the training dates, a fit is little more than noise. */
const FEW_CHURNED = 30;
const auc = (v: number | null) => (v === null ? '—' : v.toFixed(2));

/** Weights fitted on earlier outcomes beside the live ones, judged on the later period the fit never saw. */
export function Suggestions({ suggestion, onLoad, onClose }: { suggestion: SuggestedWeights; onLoad: () => void; onClose: () => void }) {
  const { heldOut, training } = suggestion;
  return (
    <section aria-labelledby="suggest-heading" className="rounded-lg border border-blue-200 bg-blue-50/40 p-4">
      <h2 id="suggest-heading" className="text-base font-semibold text-gray-900">Suggested weights</h2>
      <p className="mt-1 text-xs text-gray-700">
        A logistic regression of churn within {training.horizonDays} days on the dimension scores of {training.samples.toLocaleString('en')} account-days
        ({training.churned.toLocaleString('en')} churned) as of {training.dates.join(', ')}, in the earlier half of the history.
      </p>
      <table className="mt-2 text-sm">
        <thead><tr className="text-left text-xs uppercase tracking-wide text-gray-600"><th scope="col" className="pr-6">Dimension</th><th scope="col" className="pr-6">Live</th><th scope="col">Suggested</th></tr></thead>
        <tbody>
          {suggestion.weights.map((w) => (
            <tr key={w.key}><th scope="row" className="pr-6 text-left font-normal">{w.label}</th><td className="pr-6 tabular-nums">{w.live}</td><td className="tabular-nums font-medium">{w.suggested}</td></tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-sm text-gray-900" data-testid="held-out">
        Held-out AUC as of {heldOut.asOf} ({heldOut.horizonDays}-day horizon): suggested <strong>{auc(heldOut.suggestedAuc)}</strong>, live <strong>{auc(heldOut.liveAuc)}</strong>.
      </p>
      {training.churned < FEW_CHURNED ? <p className="text-xs font-medium text-amber-900">Only {training.churned} churned accounts to learn from: the suggestion is fragile, and a held-out AUC this close to the live one is not a clear improvement.</p> : null}
      {suggestion.droppedOverrideWeights ? <p className="text-xs text-gray-700">The dimension weights of {suggestion.droppedOverrideWeights} override(s) were left out: they no longer summed to 100.</p> : null}
      <div className="mt-3 flex gap-2">
        <button type="button" className={secondaryButton} onClick={onLoad}>Load suggested weights into the draft</button>
        <button type="button" className="text-sm text-gray-700 underline" onClick={onClose}>Close</button>
      </div>
    </section>
  );
}
