/**
 * npx tsx scripts/bench-preview.ts [--db FILE|postgres://...] [--accounts 10000] [--months 18] [--volume 1] [--runs 5]
 *
 * Times the model editor's preview (`previewModel`, behind POST /api/v1/model/preview and the
 * editor's live preview): every current customer scored with a draft from the aggregates, the
 * band changes, and the validation of draft and live at the default as-of date (every account
 * active then scored with the draft). Also times the parts and the suggested-weights fit. Seeds
 * the database first (demo generator, aggregates, scores, daily history) unless FILE already
 * holds that many accounts with history; the file is kept for later runs. It writes 400 events
 * (to time the refresh of the inputs after new events): use a scratch copy.
 */
import { DEFAULT_MODEL, endOfUtcDay, type Model } from '@/lib/scoring';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { ingestEvents } from '@/lib/server/commands/events';
import { defaultPreviewAsOf, previewModel, scoreEveryAccount, warmPreviewInputs } from '@/lib/server/queries/model-preview';
import { suggestDefaults, suggestFullModel } from '@/lib/server/queries/suggested-model';
import { suggestWeights } from '@/lib/server/queries/suggested-weights';
import { benchDatabaseFromArgs, timeRuns } from './bench-support';
import { run } from './cli';

async function time(runs: number, fn: () => unknown) {
  const ms = await timeRuns(runs, fn);
  return `min ${ms[0]!.toFixed(0)}  median ${ms[Math.floor(ms.length / 2)]!.toFixed(0)}  max ${ms[ms.length - 1]!.toFixed(0)} ms`;
}

run(async () => {
  const { db, runs } = await benchDatabaseFromArgs({ file: 'data/bench-preview/trellis.db', runs: 5, volume: 1 });
  try {
    const stats = (await db.get<Record<string, number>>(
      'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM accounts WHERE churned_at IS NULL) AS customers, (SELECT count(*) FROM agg_packed) AS blocks',
    ))!;
    console.log(`${stats.accounts} accounts (${stats.customers} current customers), ${stats.blocks} packed aggregate blocks; ${runs} timed runs after one warm-up\n`);

    const live = (await ensureLiveModel(db)).model;
    const draft: Model = { ...live, dimensions: live.dimensions.map((d, i) => ({ ...d, weight: [45, 25, 15, 15][i] ?? d.weight })) };
    if (draft.dimensions.reduce((a, d) => a + d.weight, 0) !== 100) throw new Error('the bench draft assumes the four dimensions of the default model');
    const asOf = Date.parse(`${defaultPreviewAsOf()}T00:00:00Z`);
    const t0 = performance.now();
    const answer = await previewModel(db, draft);
    const cold = performance.now() - t0;
    // What the editor page does when an admin opens it (the cache is per process: this run starts cold).
    const w0 = performance.now();
    await warmPreviewInputs(db);
    const rewarm = performance.now() - w0;
    console.log(`draft: weights ${draft.dimensions.map((d) => d.weight).join('/')} (live ${live.dimensions.map((d) => d.weight).join('/')}); ${answer.changes.total} accounts change band; AUC draft ${answer.validation.draft.auc} vs live ${answer.validation.live.auc} as of ${answer.validation.asOf}`);
    console.log(`first preview, cold (inputs loaded from the aggregates): ${cold.toFixed(0)} ms; warming again when already warm: ${rewarm.toFixed(0)} ms`);
    console.log('the runs below reuse the loaded inputs, as an editing session does once the editor page has warmed them\n');
    console.log(`scoreEveryAccount now (draft)        ${await time(runs, () => scoreEveryAccount(db, draft, endOfUtcDay(Date.now())))}`);
    console.log(`scoreEveryAccount as of D (draft)    ${await time(runs, () => scoreEveryAccount(db, draft, asOf))}`);
    console.log(`previewModel (whole answer)          ${await time(runs, () => previewModel(db, draft))}`);
    console.log(`previewModel with the default model  ${await time(runs, () => previewModel(db, DEFAULT_MODEL))}`);
    // Events arriving while the admin edits: only the accounts they touch are loaded again.
    const pks = await db.column<string>('SELECT id FROM accounts WHERE churned_at IS NULL ORDER BY pk LIMIT 200');
    const stamp = Date.now();
    const events = pks.flatMap((id, i) => [0, 1].map((k) => ({ id: `bench-preview-${stamp}-${i}-${k}`, accountId: id, type: 'product.login', occurredAt: stamp - k * 3_600_000, count: 1 })));
    await ingestEvents(db, events, { score: false });
    const t1 = performance.now();
    await previewModel(db, draft);
    console.log(`previewModel after ${events.length} new events on ${pks.length} accounts  ${(performance.now() - t1).toFixed(0)} ms (those accounts reloaded)`);
    try {
      const s = await suggestWeights(db);
      console.log(`suggestWeights                       ${await time(Math.min(runs, 3), () => suggestWeights(db))}  (${s.training.samples} samples, weights ${s.weights.map((w) => w.suggested).join('/')}, held-out AUC ${s.heldOut.suggestedAuc} vs live ${s.heldOut.liveAuc})`);
    } catch (error) {
      console.log(`suggestWeights: ${(error as Error).message}`);
    }
    const defaults = await suggestDefaults(db);
    if (defaults) {
      const t2 = performance.now();
      try {
        const m = await suggestFullModel(db, { outcome: 'churned', ...defaults });
        console.log(`suggestFullModel (defaults: every ${defaults.everyDays} days, ${m.train.dates.length} training and ${m.test.dates.length} test dates)  ${(performance.now() - t2).toFixed(0)} ms` +
          `  (${m.train.samples} samples, ${m.model.dimensions.flatMap((d) => d.measures).length} measures; test AUC ${m.test.auc} vs live ${m.live.test.auc})`);
      } catch (error) {
        console.log(`suggestFullModel: ${(error as Error).message}`);
      }
    } else console.log('suggestFullModel: the history is too short for default periods');
  } finally {
    await db.close();
  }
});
