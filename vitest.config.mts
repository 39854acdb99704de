import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Server modules guard against client bundles with 'server-only'; tests run them in Node directly.
      'server-only': path.resolve(import.meta.dirname, 'lib/testing/server-only-stub.ts'),
    },
  },
  test: {
    environment: 'node',
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts', 'app/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most integration tests wait on a database (SQLite files, PostgreSQL): more test processes than
    // cores keep the cores busy (on 2 cores, 4 halve the suite's time).
    maxWorkers: 4,
    globalSetup: ['lib/testing/pg-global-setup.ts'],
  },
});
