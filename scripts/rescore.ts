/**
 * npm run rescore [-- --from YYYY-MM-DD] [--current-only] [--workers 2]: recomputes current
 * scores and the daily history with the live model. On SQLite the history is computed on
 * `--workers` threads (1: in this thread), each reading the file; on PostgreSQL, in this thread.
 */
import { parseArgs } from 'node:util';
import { DAY_MS } from '@/lib/server/aggregates';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { rebuildHistoryOnWorkers } from '@/lib/server/commands/scoring-workers';
import { SqliteStore } from '@/lib/server/store';
import { run, UsageError, withMigratedStore } from './cli';

function progress(label: string) {
  let last = -1;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct >= last + 10 || done === total) {
      last = pct;
      process.stderr.write(`  ${label}: ${pct}% (${done}/${total})\n`);
    }
  };
}

run(async () => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, 'current-only': { type: 'boolean' }, workers: { type: 'string', default: '2' } } });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got "${values.workers}"`);
  const fromMs = values.from ? Date.parse(`${values.from}T00:00:00Z`) : undefined;
  if (values.from && !Number.isFinite(fromMs)) throw new UsageError('--from must be a date like 2026-01-31');
  const fromDay = fromMs === undefined ? undefined : Math.floor(fromMs / DAY_MS);
  const printers = { 'current scores': progress('current scores'), 'daily history': progress('daily history') };
  const onProgress = (phase: keyof typeof printers, done: number, total: number) => printers[phase](done, total);
  await withMigratedStore(async (db) => {
    // The worker threads read the SQLite file; on PostgreSQL the history is rebuilt in this thread.
    const file = db instanceof SqliteStore && workers > 1 ? db.client.name : null;
    const everything = await rescoreEverything(db, {
      // Beside a running server: short holds of the write lock, so its event batches wait little.
      writeChunk: 100,
      history: !values['current-only'] && file === null,
      fromDay,
      onProgress,
    });
    const { current } = everything;
    const history = values['current-only'] || file === null
      ? everything.history
      : await rebuildHistoryOnWorkers(db, file, { fromDay, workers, onProgress: (done, total) => onProgress('daily history', done, total) });
    console.log(`Scored ${current.accounts} accounts with model v${current.modelVersion} in ${(current.ms / 1000).toFixed(2)} s.`);
    if (history) console.log(`Rebuilt ${history.snapshots} daily snapshots (${history.days} days x ${history.accounts} accounts) in ${(history.ms / 1000).toFixed(1)} s.`);
  });
});
