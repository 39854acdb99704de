/** The log's level from the environment, and the one line per step of background work. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loggedStep, logger, logLevel } from './log';

describe('the log', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('takes its level from LOG_LEVEL, is silent in tests unless asked, and ignores a level that is none', () => {
    expect(logLevel({})).toBe('info');
    expect(logLevel({ VITEST: 'true' })).toBe('silent');
    expect(logLevel({ VITEST: 'true', LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevel({ LOG_LEVEL: ' WARN ' })).toBe('warn');
    expect(logLevel({ LOG_LEVEL: 'silent' })).toBe('silent');
    expect(logLevel({ LOG_LEVEL: 'loud' })).toBe('info');
    expect(logger.level).toBe(logLevel());
  });

  it('logs a step of background work that did something, with its kind, duration and counts, and not one that did nothing', async () => {
    const info = vi.spyOn(logger, 'info');
    expect(await loggedStep('history', async () => ({ accounts: 0 }))).toEqual({ accounts: 0 });
    expect(info).not.toHaveBeenCalled();
    await loggedStep('webhooks', async () => ({ delivered: 2, failed: 0 }));
    expect(info).toHaveBeenCalledWith({ job: 'webhooks', ms: expect.any(Number), delivered: 2, failed: 0 }, 'webhooks step');
  });
});
