/**
 * Experiments in words, for the pages (pure: importable by client components): the population,
 * an arm's programme, each metric's values and differences, and what a comparison means.
 */
import { lowerFirst } from '@/lib/programme/playbooks';
import type { Arm, Population } from './definition';
import type { ComparisonReport, MetricKey } from './report';

const list = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/** "Growth accounts in the yellow or red band owned by ann@…" */
export function populationText(p: Population, bands: ReadonlyMap<string, string> = new Map()): string {
  const parts: string[] = [];
  parts.push(p.tier?.length ? `${list(p.tier.map((t) => t.charAt(0).toUpperCase() + t.slice(1)))} accounts` : 'All accounts');
  if (p.band?.length) parts.push(`in the ${list(p.band.map((b) => bands.get(b) ?? b))} band`);
  if (p.owner?.length) parts.push(`owned by ${list(p.owner)}`);
  if (p.accountIds?.length) parts.push(`among ${p.accountIds.length.toLocaleString('en')} listed account${p.accountIds.length === 1 ? '' : 's'}`);
  return `${parts.join(' ')} (customers, not churned)`;
}

/** "CSM touchpoint every 7 days; no playbooks" */
export function armProgrammeText(arm: Pick<Arm, 'cadence' | 'playbooks'>, itemLabels: ReadonlyMap<string, string> = new Map(), playbookNames: ReadonlyMap<string, string> = new Map()): string {
  const parts: string[] = arm.cadence.map((c) => {
    const label = itemLabels.get(c.item) ?? c.item;
    return c.everyDays === null ? `no ${lowerFirst(label)}` : `${label} every ${c.everyDays} day${c.everyDays === 1 ? '' : 's'}`;
  });
  const name = (k: string) => `“${playbookNames.get(k) ?? k}”`;
  if (arm.playbooks.off === 'all') parts.push('no playbooks');
  else if (arm.playbooks.off.length) parts.push(`playbook${arm.playbooks.off.length === 1 ? '' : 's'} ${list(arm.playbooks.off.map(name))} off`);
  if (arm.playbooks.on.length) parts.push(`playbook${arm.playbooks.on.length === 1 ? '' : 's'} ${list(arm.playbooks.on.map(name))} on`);
  return parts.length ? parts.join('; ') : 'the current programme, unchanged';
}

const RATE: ReadonlySet<MetricKey> = new Set(['churnRate', 'expansionRate']);

/** A metric's value as shown: rates in %, score points and NPS with one decimal, minutes whole. */
export function metricValue(metric: MetricKey, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (RATE.has(metric)) return `${(value * 100).toFixed(1)}%`;
  if (metric === 'csmMinutes') return `${Math.round(value).toLocaleString('en')} min`;
  return value.toFixed(1);
}

/** A difference as shown: rates in percentage points, with a sign. */
export function metricDifference(metric: MetricKey, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const abs = Math.abs(value);
  if (RATE.has(metric)) return `${sign}${(abs * 100).toFixed(1)} pts`;
  if (metric === 'csmMinutes') return `${sign}${Math.round(abs).toLocaleString('en')} min`;
  return `${sign}${abs.toFixed(1)}`;
}

export function intervalText(metric: MetricKey, ci: readonly [number, number] | null): string {
  return ci ? `${metricDifference(metric, ci[0])} to ${metricDifference(metric, ci[1])}` : '—';
}

export function pValueText(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** "Significant" or "Not significant yet" (or why there is no answer). */
export function verdictText(c: Pick<ComparisonReport, 'ci' | 'significant'>): string {
  if (!c.ci) return 'Not enough data yet';
  return c.significant ? 'Significant' : 'Not significant yet';
}

const WHAT: Record<MetricKey, [string, string]> = {
  scoreChange: ['score change', 'points'],
  churnRate: ['churn', 'points'],
  expansionRate: ['expansion', 'points'],
  nps: ['NPS', 'points'],
  csmMinutes: ['CSM time per account', 'minutes'],
};

/**
 * One comparison in a sentence: "Weekly calls: churn 18.5 points lower than Monthly calls (95%
 * interval: 10.4 to 26.6 points lower). Significant: the interval leaves out no difference."
 */
export function comparisonSentence(c: ComparisonReport, armLabel: string, baselineLabel: string): string {
  const [what, unit] = WHAT[c.metric];
  if (c.difference === null || !c.ci) return `${armLabel}: not enough data yet to compare ${what} with ${baselineLabel}.`;
  const scale = RATE.has(c.metric) ? 100 : 1;
  const fmt = (v: number) => (c.metric === 'csmMinutes' ? Math.round(Math.abs(v) * scale).toLocaleString('en') : (Math.abs(v) * scale).toFixed(1));
  const dir = (v: number) => (v < 0 ? 'lower' : v > 0 ? 'higher' : 'no different');
  const head = c.difference === 0 ? `${armLabel}: ${what} the same as ${baselineLabel}` : `${armLabel}: ${what} ${fmt(c.difference)} ${unit} ${dir(c.difference)} than ${baselineLabel}`;
  const [lo, hi] = c.ci;
  // An end at 0 is no difference; an interval of one point (every account alike) is that point.
  const end = (v: number) => (v === 0 ? 'no difference' : `${fmt(v)} ${unit} ${dir(v)}`);
  const interval = lo === hi
    ? (lo === 0 ? 'no difference at all, every account alike' : `exactly ${end(lo)}, every account alike`)
    : Math.sign(lo) === Math.sign(hi) && lo !== 0
      ? `${fmt(lo < 0 ? hi : lo)} to ${fmt(lo < 0 ? lo : hi)} ${unit} ${dir(lo)}`
      : `from ${end(lo)} to ${end(hi)}`;
  const tail = c.significant
    ? 'Significant: the interval leaves out no difference.'
    : 'Not significant yet: the interval still holds no difference at all.';
  return `${head} (95% interval: ${interval}). ${tail}`;
}

/** How each metric is compared, in plain words. */
export const METHOD_WORDS = [
  'Each arm is compared with the first arm, the baseline. The interval is a 95% confidence interval: the range of differences the data are consistent with. A difference is significant when its interval leaves out zero; until then the page says “not significant yet”.',
  'Score change, CSM minutes and NPS: difference of the means, Welch’s t-test (it does not assume the arms vary alike). NPS counts each answer as +100 (9–10), 0 (7–8) or −100 (0–6), so its mean is the NPS.',
  'Churn and expansion rates: difference of two proportions, a z-test with the unpooled standard error and the Wald interval (difference ± 1.96 standard errors); with few churned accounts it is approximate.',
  'Sample size: accounts per arm for 80% power at the 5% level: (1.96 + 0.84)² × spread ÷ difference², the spread from this experiment’s own figures.',
] as const;
