import { databaseFile } from '@/db/open';
import { openMigratedDatabase, run } from './cli';

run(() => {
  const db = openMigratedDatabase();
  db.$client.close();
  console.log(`Database migrated: ${databaseFile()}`);
});
