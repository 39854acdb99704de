import { defineConfig } from 'drizzle-kit';

/** PostgreSQL: the schema of db/schema.pg.ts, migrations in db/migrations-pg (see drizzle.config.ts for SQLite). */
const url = process.env.DATABASE_URL;
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.pg.ts',
  out: './db/migrations-pg',
  dbCredentials: { url: url && /^postgres(ql)?:\/\//.test(url) ? url : 'postgres://postgres@127.0.0.1:5432/trellis' },
  strict: true,
  verbose: true,
});
