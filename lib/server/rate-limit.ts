/**
 * Per-API-key rate limiting: a token bucket per key, in the server's memory. Each request takes
 * one token; a key may send `burst` requests at once and `perSecond` on average after that.
 * In memory is enough for the single-process deployment Trellis targets; several processes
 * behind a balancer would each allow the full rate.
 */

export interface RateLimitConfig {
  /** requests a key may send at once (the bucket's size) */
  burst: number;
  /** requests per second refilled into the bucket */
  perSecond: number;
}

export type RateLimitDecision =
  | { ok: true; limit: number; remaining: number }
  | { ok: false; limit: number; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Documented defaults (API.md, the API page): 300 requests at once, then 50 per second. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { burst: 300, perSecond: 50 };

const PRUNE_AT = 10_000;

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(
    readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, cost = 1): RateLimitDecision {
    const { burst, perSecond } = this.config;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < cost) {
      this.buckets.set(key, bucket);
      return { ok: false, limit: burst, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / perSecond)) };
    }
    bucket.tokens -= cost;
    this.buckets.set(key, bucket);
    if (this.buckets.size > PRUNE_AT) this.prune(now);
    return { ok: true, limit: burst, remaining: Math.floor(bucket.tokens) };
  }

  /** Full buckets carry no information: forget them so idle keys cost no memory. */
  private prune(now: number): void {
    const { burst, perSecond } = this.config;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
    }
  }
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Limits from `API_RATE_LIMIT_BURST` and `API_RATE_LIMIT_PER_SECOND`, else the defaults. */
export function rateLimitConfig(env: Record<string, string | undefined> = process.env): RateLimitConfig {
  return {
    burst: positive(env.API_RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT.burst),
    perSecond: positive(env.API_RATE_LIMIT_PER_SECOND, DEFAULT_RATE_LIMIT.perSecond),
  };
}

const globalForLimiter = globalThis as unknown as { trellisApiLimiter?: RateLimiter };

/** The process's one limiter for API keys (REST and Segment calls share a key's budget). */
export function apiKeyLimiter(): RateLimiter {
  globalForLimiter.trellisApiLimiter ??= new RateLimiter(rateLimitConfig());
  return globalForLimiter.trellisApiLimiter;
}
