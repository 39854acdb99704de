/**
 * Starting the production server from scripts (demo, end-to-end tests): builds when the build
 * is missing or older than the sources, supplies a sign-in secret, waits until it answers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { databaseFile, DEFAULT_DATABASE_FILE } from '@/db/open';
import { isPostgresUrl } from '@/db/postgres';

const SOURCE_DIRS = ['app', 'components', 'lib', 'db'];
const SOURCE_FILES = ['next.config.js', 'tailwind.config.ts', 'package.json', 'proxy.ts', 'instrumentation.ts'];

function newestSourceMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (/\.(tsx?|css|sql|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function buildIsStale(root = process.cwd()): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = Math.max(
    ...SOURCE_DIRS.map((d) => newestSourceMtime(path.join(root, d))),
    ...SOURCE_FILES.map((f) => (fs.existsSync(path.join(root, f)) ? fs.statSync(path.join(root, f)).mtimeMs : 0)),
  );
  return sources > built;
}

export function buildIfNeeded(): void {
  if (!buildIsStale()) return;
  console.log('Building the app (first run, or sources changed)…');
  const nextBin = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error('next build failed');
}

/** The session secret: from the environment, else one generated once and kept beside the database. */
export function authSecret(databaseFile: string): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = path.join(path.dirname(databaseFile), '.auth-secret');
  if (!fs.existsSync(file)) {
    // With PostgreSQL on a fresh checkout, ./data does not exist yet.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export async function waitForHealth(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The server did not answer at ${url} within ${timeoutMs / 1000} s`);
}

export function startServer(options: { port: number; databaseFile: string; env?: Record<string, string>; nodeArgs?: string[] }): ChildProcess {
  const url = `http://localhost:${options.port}`;
  // Node runs Next directly (not through npx), so that stopping this process stops the server.
  const nextBin = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), nextBin, 'start', '-p', String(options.port)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: `file:${options.databaseFile}`,
      NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? url,
      NEXTAUTH_SECRET: authSecret(options.databaseFile),
      ...options.env,
    },
  });
  // However this process ends (a failed check's exit included), the server does not outlive it,
  // holding its port for the next run.
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  child.once('exit', () => process.removeListener('exit', stop));
  return child;
}

/**
 * What `startServer` needs for a DATABASE_URL: a SQLite file as `databaseFile`; a PostgreSQL URL
 * passed on in `env` as it is (the sign-in secret is then kept in ./data).
 */
export function serverDatabase(url = process.env.DATABASE_URL): { databaseFile: string; env: Record<string, string> } {
  return isPostgresUrl(url) ? { databaseFile: path.resolve(DEFAULT_DATABASE_FILE), env: { DATABASE_URL: url } } : { databaseFile: databaseFile(url), env: {} };
}
