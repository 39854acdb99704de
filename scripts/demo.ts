/**
 * npm run demo: a fresh machine to a served app. Migrates the database (./data/trellis.db or
 * DATABASE_URL), seeds the demo portfolio once, builds when needed and serves on PORT (3000).
 */
import { databaseFile } from '@/db/open';
import { openMigratedDatabase, run } from './cli';
import { DEMO_PASSWORD, DEMO_USERS, ensureDemoData, ensureDemoUsers } from './demo-data';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

run(async () => {
  const file = databaseFile();
  const port = Number(process.env.PORT ?? 3000);
  const db = openMigratedDatabase();
  console.log(`Database: ${file}`);
  const seeded = ensureDemoData(db, { accounts: 1000, months: 18, seed: 42 });
  if (!seeded) console.log('Reusing the existing data.');
  await ensureDemoUsers(db);
  db.$client.close();

  buildIfNeeded();
  const server = startServer({ port, databaseFile: file });
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));

  const url = `http://localhost:${port}`;
  await waitForHealth(url);
  console.log(`\nTrellis is running at ${url}\n\nSign in with one of the demo users (password: ${DEMO_PASSWORD}):`);
  for (const u of DEMO_USERS) console.log(`  ${u.email.padEnd(22)} ${u.role}`);
  console.log('\nPress Ctrl+C to stop.');
});
