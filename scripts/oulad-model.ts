/**
 * npx tsx scripts/oulad-model.ts [--train 2013B,2013J] [--test 2014B,2014J] [--train-days 28,42,56,70,84] [--day 56] [--without milestone.met,milestone.missed] [--out model.json]
 *
 * The real-data check of "Suggest a model" (docs/oulad.md), on a database made by
 * `npm run import:oulad -- <folder> --incomplete-as-churn` (DATABASE_URL): the model is fitted
 * exactly as the editor and `POST /api/v1/model/suggest` fit it (`modelSamples`, `suggestModel`),
 * on the enrolments of the training presentations at several days into them, with "did not
 * complete" as the outcome; then every enrolment of each held-out presentation still registered at
 * `--day` is scored by the engine with the import model and with the suggested one, and the AUCs
 * are printed side by side. The fit never sees a held-out presentation. Withdrawn enrolments
 * without an unregistration date are left out (their withdrawal has no time). Read-only.
 *
 * The outside baseline (a logistic regression on per-type clicks, from the files alone) is
 * `python3 scripts/oulad-baseline.py <folder>`.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { suggestModel, type ModelSample, type TriggerInfo } from '@/lib/analytics/suggest-model';
import { DAY_MS, validateModel } from '@/lib/scoring';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { judgeModel, modelOf, modelSamples } from '@/lib/server/queries/suggested-model';
import type { Store } from '@/lib/server/store';
import { run, UsageError, withMigratedStore } from './cli';

/** Long enough to see every later withdrawal or failure: a presentation lasts at most 269 days. */
const HORIZON_DAYS = 300;

const list = (raw: string | undefined, fallback: string) => (raw ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const days = (raw: string[], flag: string) =>
  raw.map((d) => {
    const n = Number(d);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be positive whole numbers, got "${d}"`);
    return n;
  });

run(async () => {
  const { values } = parseArgs({ options: { train: { type: 'string' }, test: { type: 'string' }, 'train-days': { type: 'string' }, day: { type: 'string' }, without: { type: 'string' }, out: { type: 'string' } } });
  await withMigratedStore((db) =>
    compare(db, {
      train: list(values.train, '2013B,2013J'),
      test: list(values.test, '2014B,2014J'),
      trainDays: days(list(values['train-days'], '28,42,56,70,84'), '--train-days'),
      day: days([values.day ?? '56'], '--day')[0]!,
      without: new Set(list(values.without, '')),
      out: values.out,
    }),
  );
});

async function compare(db: Store, o: { train: string[]; test: string[]; trainDays: number[]; day: number; without: Set<string>; out?: string }): Promise<void> {
  const { model: live, version } = await ensureLiveModel(db);
  const presentationOf = new Map<number, string>();
  const starts = new Map<string, number>();
  const undated = new Set<number>();
  for (const a of await db.all<{ pk: number; id: string; startedAt: number | null; attributes: string | null }>('SELECT pk, id, started_at AS startedAt, attributes FROM accounts')) {
    const p = a.id.split('-')[0]!;
    presentationOf.set(a.pk, p);
    if (a.startedAt !== null && (!starts.has(p) || a.startedAt < starts.get(p)!)) starts.set(p, a.startedAt);
    const attrs = a.attributes ? (JSON.parse(a.attributes) as { finalResult?: string; unregistrationDay?: number | null }) : {};
    if (attrs.finalResult === 'Withdrawn' && attrs.unregistrationDay === null) undated.add(a.pk);
  }
  for (const p of [...o.train, ...o.test]) if (!starts.has(p)) throw new UsageError(`no enrolments of presentation ${p} in this database`);
  const of = (p: string) => (pk: number) => presentationOf.get(pk) === p && !undated.has(pk);
  const triggers = (await db.all<TriggerInfo>('SELECT key, label FROM triggers WHERE retired_at IS NULL ORDER BY key')).filter((t) => !o.without.has(t.key));

  const started = performance.now();
  const samples: ModelSample[] = [];
  for (const [group, d] of o.trainDays.entries()) {
    for (const p of o.train) {
      const at = starts.get(p)! + d * DAY_MS;
      for (const s of await modelSamples(db, [at], triggers, { windowDays: live.windowDays, horizonDays: HORIZON_DAYS, outcome: 'churned', include: of(p) })) samples.push({ ...s, group });
    }
  }
  const fit = await suggestModel(samples, triggers, live.windowDays);
  const checked = validateModel(modelOf(live, fit.dimensions as never));
  if (!checked.ok) throw new Error(`the fitted model is not valid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const suggested = checked.model;
  if (o.out) fs.writeFileSync(o.out, `${JSON.stringify(suggested, null, 2)}\n`);
  console.log(`import model: version ${version}; fitted on ${o.train.join(' + ')} at days ${o.trainDays.join(', ')}: ${fit.samples} enrolment-days, ${fit.positives} did not complete` +
    (o.without.size ? ` (without ${[...o.without].join(', ')})` : '') + ` in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`penalty ${fit.ridge}; training AUC ${fit.trainAuc?.toFixed(3)}; AUC on the latest training dates when fitted on the earlier ones ${fit.validationAuc?.toFixed(3)}`);
  for (const d of suggested.dimensions) {
    console.log(`  ${d.label} (${d.weight}): ${d.measures.map((m) => m.key).join(', ')}`);
  }
  console.log(`\n| held out | as of | enrolled | did not complete | AUC, import model | AUC, suggested model |`);
  console.log('|---|---|---|---|---|---|');
  for (const p of o.test) {
    const at = [starts.get(p)! + o.day * DAY_MS];
    const options = { horizonDays: HORIZON_DAYS, outcome: 'churned' as const, include: of(p) };
    const [a, b] = [await judgeModel(db, live, at, options), await judgeModel(db, suggested, at, options)];
    console.log(`| ${p} | day ${o.day} (${new Date(at[0]!).toISOString().slice(0, 10)}) | ${b.samples} | ${b.positives} | ${a.auc?.toFixed(3)} | ${b.auc?.toFixed(3)} |`);
  }
}
