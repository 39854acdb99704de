/**
 * npm run db:backup [-- --out backups/trellis-2026-11-22.db]   (safe while the app runs)
 * npm run db:restore -- <backup file>                          (refused while the app runs)
 *
 * Both work on the SQLite file of DATABASE_URL; a PostgreSQL database is backed up with pg_dump
 * and restored with pg_restore.
 */
import { parseArgs } from 'node:util';
import { backupDatabase, restoreDatabase } from '@/lib/server/commands/backup';
import { sqliteStore } from '@/lib/server/store';
import { run, sqliteFileFor, UsageError } from './cli';

run(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, restore: { type: 'boolean' } } });
  if (values.restore) {
    const target = sqliteFileFor('npm run db:restore', 'restore a PostgreSQL database with pg_restore (or psql) from a pg_dump backup');
    const [file] = positionals;
    if (!file) throw new UsageError('usage: npm run db:restore -- <backup file>   (stop the app first)');
    const restored = restoreDatabase(file, target);
    console.log(`Restored ${file} to ${restored.file} (${(restored.bytes / 1e6).toFixed(1)} MB). Start the app again.`);
    return;
  }
  const target = sqliteFileFor('npm run db:backup', 'back up a PostgreSQL database with pg_dump (e.g. pg_dump -Fc -f trellis.dump "$DATABASE_URL")');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const out = values.out ?? `backups/trellis-${stamp}.db`;
  const db = sqliteStore(target, { migrate: false });
  try {
    const result = await backupDatabase(db, out);
    console.log(`Backed up ${target} to ${result.file} (${(result.bytes / 1e6).toFixed(1)} MB, integrity ok).`);
  } finally {
    await db.close();
  }
});
