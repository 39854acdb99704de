/**
 * npm run demo: a fresh machine to a served app. Migrates the database (./data/trellis.db, or
 * DATABASE_URL: a SQLite file or PostgreSQL), seeds the demo portfolio once, builds when needed and
 * serves on PORT (3000).
 */
import { describeDatabase, run, withMigratedStore } from './cli';
import { DEMO_PASSWORD, DEMO_USERS, ensureDemoData, ensureDemoUsers } from './demo-data';
import { buildIfNeeded, serverDatabase, startServer, waitForHealth } from './serve';

run(async () => {
  const port = Number(process.env.PORT ?? 3000);
  console.log(`Database: ${describeDatabase()}`);
  await withMigratedStore(async (db) => {
    const seeded = await ensureDemoData(db, { accounts: 1000, months: 18, seed: 42 });
    if (!seeded) console.log('Reusing the existing data.');
    await ensureDemoUsers(db);
  });

  buildIfNeeded();
  const server = startServer({ port, ...serverDatabase() });
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));

  const base = `http://localhost:${port}`;
  await waitForHealth(base);
  console.log(`\nTrellis is running at ${base}\n\nSign in with one of the demo users (password: ${DEMO_PASSWORD}):`);
  for (const u of DEMO_USERS) console.log(`  ${u.email.padEnd(22)} ${u.role}`);
  console.log('\nPress Ctrl+C to stop.');
});
