/**
 * npm run rescore [-- --from YYYY-MM-DD] [--current-only]: recomputes current scores and the
 * daily history with the live model.
 */
import { parseArgs } from 'node:util';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { DAY_MS } from '@/lib/server/commands/aggregates';
import { openMigratedDatabase, run, UsageError } from './cli';

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

run(() => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, 'current-only': { type: 'boolean' } } });
  const fromMs = values.from ? Date.parse(`${values.from}T00:00:00Z`) : undefined;
  if (values.from && !Number.isFinite(fromMs)) throw new UsageError('--from must be a date like 2026-01-31');
  const db = openMigratedDatabase();
  const printers = { 'current scores': progress('current scores'), 'daily history': progress('daily history') };
  const { current, history } = rescoreEverything(db, {
    // Beside a running server: short holds of the write lock, so its event batches wait little.
    writeChunk: 100,
    history: !values['current-only'],
    fromDay: fromMs === undefined ? undefined : Math.floor(fromMs / DAY_MS),
    onProgress: (phase, done, total) => printers[phase](done, total),
  });
  console.log(`Scored ${current.accounts} accounts with model v${current.modelVersion} in ${(current.ms / 1000).toFixed(2)} s.`);
  if (history) console.log(`Rebuilt ${history.snapshots} daily snapshots (${history.days} days x ${history.accounts} accounts) in ${(history.ms / 1000).toFixed(1)} s.`);
});
