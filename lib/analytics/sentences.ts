/** One plain-language sentence per validation figure, as the Cohorts page shows them. */
import { formatPercent as percent } from '@/lib/format';
import type { AucVerdict, CohortAnalysis, CohortGroup } from './cohort';

export function aucSentence(a: CohortAnalysis): string {
  const { churned, scored } = a.population;
  if (a.auc === null) {
    return churned === 0
      ? 'No AUC: no account with a score churned in the horizon, so there is nothing to tell apart.'
      : 'No AUC: it needs accounts with a score that churned and that stayed.';
  }
  const base = `Take one account that stayed and one that churned: the one that stayed had the higher score ${percent(a.auc)} of the time (50% would be a coin toss).`;
  if (!a.significance.auc) return `${base} With ${churned} churned of ${scored} scored accounts this is not significant: it could be chance.`;
  return a.auc > 0.5 ? `${base} The score predicts churn better than chance.` : `${base} The score points the wrong way: churned accounts scored higher.`;
}

export function liftSentence(a: CohortAnalysis): string {
  const { bottom, top } = a.churnRates;
  if (bottom === null || top === null) return 'No lift: too few accounts with a score to form quartiles.';
  if (a.lift === null) {
    return bottom === 0
      ? 'No lift: no account in the bottom or the top quartile churned.'
      : `No account in the top quartile churned, against ${percent(bottom)} of the bottom quartile (the lift has no finite value).`;
  }
  const base = `Accounts in the bottom quartile churned ${a.lift.toFixed(1)}x as often as the top quartile (${percent(bottom)} vs ${percent(top)}).`;
  return a.significance.lift ? base : `${base} Not significant: with quartiles this small the difference could be chance.`;
}

export function correlationSentence(a: CohortAnalysis): string {
  const r = a.correlation;
  if (r === null) return 'No correlation: it needs accounts with a score that churned and that stayed.';
  const size = Math.abs(r);
  const strength = size < 0.1 ? 'Hardly any' : size < 0.3 ? 'A weak' : size < 0.5 ? 'A moderate' : 'A strong';
  const base = `${strength} link between higher scores and ${r >= 0 ? 'staying' : 'churning'} (correlation ${r.toFixed(2)}; 0 means none, 1 a perfect link).`;
  return a.significance.correlation ? base : `${base} Not significant at this sample size.`;
}

const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** Which tiers the score predicts churn for, and which not. */
export function tierSentence(byTier: readonly CohortGroup[]): string {
  const withAccounts = byTier.filter((g) => g.accounts > 0);
  const by = (v: AucVerdict) => withAccounts.filter((g) => g.aucVerdict === v);
  const parts: string[] = [];
  const predicts = by('predicts');
  const not = [...by('chance'), ...by('backwards')];
  const unknown = by('too_few');
  if (predicts.length) parts.push(`The score predicts churn for ${list(predicts.map((g) => `${g.label} (AUC ${g.auc!.toFixed(2)})`))}.`);
  if (not.length) {
    parts.push(`It does not for ${list(not.map((g) => `${g.label} (AUC ${g.auc!.toFixed(2)}, ${g.aucVerdict === 'backwards' ? 'the wrong way round' : 'no better than chance'})`))}.`);
  }
  if (unknown.length) parts.push(`Too few churned or retained accounts to tell for ${list(unknown.map((g) => g.label))}.`);
  return parts.join(' ') || 'No tier has accounts in this cohort.';
}

/** What the retention curves show: the best- and worst-kept of the drawn groups at the end of the horizon. */
export function curveSentence(drawn: readonly CohortGroup[], groups: number, horizonDays: number, groupName: string): string {
  const shown = drawn.filter((g) => g.accounts > 0 && g.retention !== null);
  if (shown.length === 0) return 'No account in this cohort.';
  const best = shown.reduce((a, b) => (b.retention! > a.retention! ? b : a));
  const worst = shown.reduce((a, b) => (b.retention! < a.retention! ? b : a));
  const base =
    best === worst
      ? `After ${horizonDays} days ${best.label} had kept ${percent(best.retention!)} of its accounts.`
      : `After ${horizonDays} days ${best.label} had kept ${percent(best.retention!)} of its accounts and ${worst.label} ${percent(worst.retention!)}.`;
  const notes = [
    shown.length < groups ? `The ${shown.length} largest of ${groups} ${groupName} groups are drawn; every group is in the table.` : '',
    shown.some((g) => !g.significant) ? 'Dashed lines are groups under 30 accounts: not significant.' : '',
  ].filter(Boolean);
  return [base, ...notes].join(' ');
}
