import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3100);
// Both servers of one run share this id: the demo server builds once and marks the build ready.
process.env.E2E_RUN_ID ??= String(Date.now());

/** A second server with an empty portfolio for the scoring tests through the HTTP API. */
export const EXAMPLES_PORT = PORT + 1;
/** A third server, a small demo portfolio of its own, for the fuzz suite (e2e/fuzz.spec.ts) only. */
export const FUZZ_PORT = PORT + 2;
/** The PostgreSQL deployment (scripts/e2e-pg.ts): two web processes on PG_PORT and PG_PORT + 1, and a worker. */
export const PG_PORT = PORT + 3;
/** The OpenID provider (scripts/e2e-oidc.ts) the demo server offers single sign-on through (PG_PORT + 1 is taken). */
export const OIDC_PORT = PORT + 5;

/** CHROMIUM_PATH, else Debian's chromium, else the browser `npx playwright install` downloads. */
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: 'postgres/**', use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } } },
    // A representative set on PostgreSQL, two web processes and a worker: sign-in, ingest, scores, publish, cohorts.
    { name: 'postgres', testMatch: 'postgres/**/*.spec.ts', use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 }, baseURL: `http://localhost:${PG_PORT}` } },
  ],
  webServer: [
    {
      command: `npx tsx scripts/e2e-server.ts --fixture demo --port ${PORT} --oidc-issuer http://localhost:${OIDC_PORT}`,
      url: `http://localhost:${PORT}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `npx tsx scripts/e2e-server.ts --fixture examples --port ${EXAMPLES_PORT}`,
      url: `http://localhost:${EXAMPLES_PORT}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `npx tsx scripts/e2e-pg.ts --port ${PG_PORT}`,
      // the second web process: the first answers no sooner
      url: `http://localhost:${PG_PORT + 1}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `npx tsx scripts/e2e-oidc.ts --port ${OIDC_PORT} --redirect-uri http://localhost:${PORT}/api/auth/callback/oidc`,
      url: `http://localhost:${OIDC_PORT}/.well-known/openid-configuration`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `npx tsx scripts/e2e-server.ts --fixture fuzz --port ${FUZZ_PORT}`,
      url: `http://localhost:${FUZZ_PORT}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
