/**
 * npm run db:backup [-- --out backups/trellis-2026-11-22.db]   (safe while the app runs)
 * npm run db:restore -- <backup file>                          (refused while the app runs)
 */
import { parseArgs } from 'node:util';
import { databaseFile, openDatabase } from '@/db/open';
import { backupDatabase, restoreDatabase } from '@/lib/server/commands/backup';
import { run, UsageError } from './cli';

run(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, restore: { type: 'boolean' } } });
  const target = databaseFile();
  if (values.restore) {
    const [file] = positionals;
    if (!file) throw new UsageError('usage: npm run db:restore -- <backup file>   (stop the app first)');
    const restored = restoreDatabase(file, target);
    console.log(`Restored ${file} to ${restored.file} (${(restored.bytes / 1e6).toFixed(1)} MB). Start the app again.`);
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const out = values.out ?? `backups/trellis-${stamp}.db`;
  const db = openDatabase(target);
  try {
    const result = await backupDatabase(db, out);
    console.log(`Backed up ${target} to ${result.file} (${(result.bytes / 1e6).toFixed(1)} MB, integrity ok).`);
  } finally {
    db.$client.close();
  }
});
