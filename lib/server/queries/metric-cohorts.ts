/**
 * Metric cohorts (the Cohorts page, GET /api/v1/cohorts/metric): the accounts active at D split
 * into deciles of one signal as of D, with the churn rate in (D, D + H] of each. The values come
 * from the stored per-day aggregates through the aggregate module's reader (many accounts per
 * query): a measure of the live model is evaluated by the engine on its own (its points, as the
 * score counts them), a raw trigger is its count in the model's window before D.
 */
import { isoDate, selectCohort } from '@/lib/analytics/cohort';
import { metricCohort, type MetricCohort, type MetricSample } from '@/lib/analytics/metric-cohort';
import type { MetricCohortQuery } from '@/lib/analytics/params';
import { propTypesOf, scoreAccount, typesReadBy, type Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AggregateReader, DAY_MS, dayOf } from '../aggregates';
import { AppError } from '../errors';
import { ensureLiveModel } from '../commands/model';
import { cohortDefaults, loadCohortAccounts } from './cohorts';
import { inputsAsOf, loadCatalogue } from './scoring-inputs';
import { listActiveTriggers } from './triggers';

export interface SignalOption {
  value: string;
  label: string;
}

export interface MetricCohortAnswer extends MetricCohort {
  asOf: string;
  horizonDays: number;
  horizonEnd: string;
  complete: boolean;
  signal: { kind: 'measure' | 'trigger'; key: string; label: string; unit: string };
  windowDays: number;
  options: { measures: SignalOption[]; triggers: SignalOption[] };
}

/** The live model with one measure only (its dimension weighted 100): the engine then gives that measure's points. */
export function oneMeasureModel(model: Model, dimensionKey: string, measureKey: string): Model | null {
  const dimension = model.dimensions.find((d) => d.key === dimensionKey);
  const measure = dimension?.measures.find((m) => m.key === measureKey);
  if (!dimension || !measure) return null;
  return {
    ...model,
    dimensions: [{ ...dimension, weight: 100, measures: [measure] }],
    overrides: model.overrides.map(({ dimensionWeights: _weights, measures, ...o }) => {
      const own = measures && Object.hasOwn(measures, measureKey) ? { [measureKey]: measures[measureKey]! } : undefined;
      return own ? { ...o, measures: own } : o;
    }),
  };
}

async function measureValues(db: Store, model: Model, pks: number[], asOf: number): Promise<Map<number, number | null>> {
  const catalogue = await loadCatalogue(db);
  const { inputs } = await inputsAsOf(db, { accountPks: pks, asOf, model, propTypes: propTypesOf(model), types: typesReadBy(model) });
  const out = new Map<number, number | null>();
  for (const input of inputs) {
    const result = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf, detail: 'score' });
    out.set(input.pk, result.dimensions[0]?.measures[0]?.points ?? null);
  }
  return out;
}

async function triggerCounts(db: Store, trigger: string, pks: number[], asOf: number, windowDays: number): Promise<Map<number, number>> {
  const toDay = dayOf(asOf);
  const reader = new AggregateReader(db, { fromDay: toDay - windowDays, toDay, types: [trigger], propTypes: [] });
  const counts = new Map<number, number>(pks.map((pk) => [pk, 0]));
  await reader.readMany(pks, new Map(), (pk) => ({
    contact() {},
    feature() {},
    type(_t, type, n) {
      if (type === trigger) counts.set(pk, (counts.get(pk) ?? 0) + n);
    },
  }));
  return counts;
}

export async function metricCohortAnalysis(db: Store, query: MetricCohortQuery): Promise<MetricCohortAnswer> {
  const live = (await ensureLiveModel(db)).model;
  const triggers = await listActiveTriggers(db);
  const options = {
    measures: live.dimensions.flatMap((d) => d.measures.map((m) => ({ value: `${d.key}/${m.key}`, label: `${d.label}: ${m.label}` }))),
    triggers: triggers.map((t) => ({ value: t.key, label: t.label })),
  };
  const needsDefaults = !query.asOf || !query.horizonDays;
  const defaults = needsDefaults ? await cohortDefaults(db) : null;
  const asOfDate = query.asOf ?? defaults!.asOf;
  const horizonDays = query.horizonDays ?? defaults!.horizonDays;
  const asOf = Date.parse(`${asOfDate}T00:00:00Z`);
  if (asOf > Date.now()) throw new AppError('invalid', 'asOf is in the future: there is no value for it yet', [{ path: 'asOf', message: 'must not be after today' }]);

  let signal: MetricCohortAnswer['signal'];
  let model: Model | null = null;
  if (query.trigger) {
    const t = triggers.find((x) => x.key === query.trigger);
    if (!t) throw new AppError('invalid', `No active trigger "${query.trigger}"`, [{ path: 'trigger', message: 'must be a trigger of the catalogue' }]);
    signal = { kind: 'trigger', key: t.key, label: t.label, unit: `events in the ${live.windowDays} days before` };
  } else {
    const key = query.measure ?? options.measures[0]?.value;
    const [dimensionKey = '', measureKey = ''] = (key ?? '').split('/');
    model = oneMeasureModel(live, dimensionKey, measureKey);
    if (!model || !key) throw new AppError('invalid', `The live model has no measure "${key ?? ''}"`, [{ path: 'measure', message: 'must be "<dimension key>/<measure key>" of the live model' }]);
    signal = { kind: 'measure', key, label: options.measures.find((m) => m.value === key)!.label, unit: 'points' };
  }

  const cohort = await loadCohortAccounts(db, asOf, horizonDays);
  const { members } = selectCohort(cohort, asOf, horizonDays);
  const pks = members.map((m) => Number(m.id));
  const values: Map<number, number | null> = model ? await measureValues(db, model, pks, asOf) : await triggerCounts(db, signal.key, pks, asOf, live.windowDays);
  const samples: MetricSample[] = members.map((m) => ({ value: values.get(Number(m.id)) ?? null, churned: m.churnedAt !== null }));
  const end = asOf + horizonDays * DAY_MS;
  return {
    ...metricCohort(samples),
    asOf: asOfDate,
    horizonDays,
    horizonEnd: isoDate(end),
    complete: end <= Date.now(),
    signal,
    windowDays: live.windowDays,
    options,
  };
}
