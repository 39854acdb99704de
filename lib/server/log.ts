/**
 * The server's operational log: one JSON object per line on standard output (pino), for a log
 * collector to read. Web processes log one line per request (lib/server/http-observer.ts) and
 * every process one line per step of background work (`logStep`); failures carry the error with
 * its stack under `err`. `LOG_LEVEL` sets the level (`trace`, `debug`, `info` (default), `warn`,
 * `error`, `fatal`, `silent`); under vitest the default is `silent` so test output stays readable.
 * Command-line tools keep printing their own human-readable output.
 */
import pino, { type Logger } from 'pino';

const LEVELS = new Set([...Object.keys(pino.levels.values), 'silent']);

/** The level for an environment: `LOG_LEVEL` when it names one, else info (silent in tests). */
export function logLevel(env: Record<string, string | undefined> = process.env): string {
  const asked = env.LOG_LEVEL?.trim().toLowerCase();
  if (asked && LEVELS.has(asked)) return asked;
  return env.VITEST ? 'silent' : 'info';
}

function createLogger(): Logger {
  const level = logLevel();
  const logger = pino({
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than numbers: what people search their logs for.
    formatters: { level: (label) => ({ level: label }) },
  });
  const asked = process.env.LOG_LEVEL?.trim();
  if (asked && asked.toLowerCase() !== level) logger.warn({ asked }, `LOG_LEVEL "${asked}" is not a level; logging at ${level}`);
  return logger;
}

// On globalThis: route handlers, proxy and the background work may be bundled apart, each with its
// own copy of this module, and still write through one logger.
const holder = globalThis as unknown as { trellisLogger?: Logger };

export const logger: Logger = (holder.trellisLogger ??= createLogger());

/**
 * One line per step of background work: its kind (`rescore`, `history`, `webhooks`, `publish`,
 * `import`, `daily`, ...), how long it took since `startedAt` (a `performance.now()` reading) and
 * what it did.
 */
export function logStep(kind: string, startedAt: number, counts: Record<string, number | string | boolean | null>): void {
  logger.info({ job: kind, ms: Math.round(performance.now() - startedAt), ...counts }, `${kind} step`);
}

/**
 * Runs one step of background work and logs it (`logStep`) when it did something (a count above
 * 0); a step that found nothing to do leaves no line.
 */
export async function loggedStep<T extends Record<string, number>>(kind: string, step: () => Promise<T>): Promise<T> {
  const clock = performance.now();
  const counts = await step();
  if (Object.values(counts).some((n) => n > 0)) logStep(kind, clock, counts);
  return counts;
}
