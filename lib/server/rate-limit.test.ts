import { describe, expect, it } from 'vitest';
import { RateLimiter, rateLimitConfig } from './rate-limit';

describe('the API key rate limiter', () => {
  it('allows a burst, then refuses with the seconds until a request fits again', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 0.5 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('k').ok)).toEqual([true, true, true]);
    const refused = limiter.take('k');
    expect(refused).toEqual({ ok: false, limit: 3, retryAfterSeconds: 2 });
    now = 2_000;
    expect(limiter.take('k')).toEqual({ ok: true, limit: 3, remaining: 0 });
    expect(limiter.take('other').ok).toBe(true);
  });

  it('refills at the sustained rate and never above the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 10, perSecond: 5 }, () => now);
    for (let i = 0; i < 10; i++) limiter.take('k');
    now = 1_000;
    expect(limiter.take('k')).toMatchObject({ ok: true, remaining: 4 });
    now = 3_600_000;
    expect(limiter.take('k')).toMatchObject({ ok: true, remaining: 9 });
  });

  it('reads its limits from the environment, ignoring nonsense', () => {
    expect(rateLimitConfig({ API_RATE_LIMIT_BURST: '20', API_RATE_LIMIT_PER_SECOND: '2.5' })).toEqual({ burst: 20, perSecond: 2.5 });
    expect(rateLimitConfig({ API_RATE_LIMIT_BURST: 'lots', API_RATE_LIMIT_PER_SECOND: '-1' })).toEqual({ burst: 300, perSecond: 50 });
  });
});
