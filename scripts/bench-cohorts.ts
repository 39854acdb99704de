/**
 * npx tsx scripts/bench-cohorts.ts [--db FILE|postgres://...] [--accounts 10000] [--months 18] [--volume 0.25] [--runs 20]
 *
 * Times the cohort query function (`cohortAnalysis`, the one behind GET /api/v1/cohorts and the
 * Cohorts page) on a large portfolio, for every grouping, with the companion metrics and the
 * trends query beside it. Seeds the database first (demo generator, aggregates, scores, daily
 * history) unless FILE already holds at least that many accounts with history; seeding 10,000
 * accounts x 18 months takes a while, so the file is kept for the next run. `--volume` thins the
 * login and feature-use rows, which none of the timed queries read (default 0.25 to seed faster).
 */
import { GROUP_BYS } from '@/lib/analytics/cohort';
import { cohortAnalysis, cohortDefaults, companionMetrics, loadCohortAccounts } from '@/lib/server/queries/cohorts';
import { portfolioTrends } from '@/lib/server/queries/trends';
import { benchDatabaseFromArgs, timeRuns } from './bench-support';
import { run } from './cli';

async function time(runs: number, fn: () => unknown): Promise<{ min: number; median: number; p95: number; max: number }> {
  const ms = await timeRuns(runs, fn);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return { min: ms[0]!, median: at(0.5), p95: at(0.95), max: ms[ms.length - 1]! };
}

const fmt = (t: Awaited<ReturnType<typeof time>>) => `min ${t.min.toFixed(1)}  median ${t.median.toFixed(1)}  p95 ${t.p95.toFixed(1)}  max ${t.max.toFixed(1)} ms`;

run(async () => {
  const { db, runs } = await benchDatabaseFromArgs({ file: 'data/bench-cohorts/trellis.db', runs: 20, volume: 0.25 });
  try {
    const stats = (await db.get<Record<string, number>>('SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM outcomes) AS outcomes, (SELECT count(*) FROM score_snapshots) AS snapshots'))!;
    const defaults = await cohortDefaults(db);
    console.log(`${stats.accounts} accounts, ${stats.outcomes} outcomes, ${stats.snapshots} daily snapshots (${defaults.firstDate} to ${defaults.lastDate})`);
    console.log(`as of ${defaults.asOf}, horizon ${defaults.horizonDays} days; ${runs} timed runs after one warm-up\n`);

    const asOf = Date.parse(`${defaults.asOf}T00:00:00Z`);
    console.log(`loadCohortAccounts (SQL only)          ${fmt(await time(runs, () => loadCohortAccounts(db, asOf, defaults.horizonDays)))}`);
    for (const groupBy of GROUP_BYS) {
      const params = { ...defaults, groupBy };
      const answer = await cohortAnalysis(db, params);
      console.log(`cohortAnalysis groupBy=${groupBy.padEnd(10)}  ${fmt(await time(runs, () => cohortAnalysis(db, params)))}  (${answer.population.active} in the cohort, ${answer.groups.length} groups, AUC ${answer.auc})`);
    }
    console.log(`companionMetrics (page only)           ${fmt(await time(Math.min(runs, 5), () => companionMetrics(db, defaults)))}`);
    console.log(`portfolioTrends, last 365 days         ${fmt(await time(Math.min(runs, 5), () => portfolioTrends(db, {})))}`);
  } finally {
    await db.close();
  }
});
