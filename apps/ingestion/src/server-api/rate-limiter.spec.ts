import { AppRateLimiter } from './rate-limiter';

describe('AppRateLimiter', () => {
  const count = (limiter: AppRateLimiter, appKey: string, rate: number, at: number, tries: number) =>
    Array.from({ length: tries }, () => limiter.tryAcquire(appKey, rate, at)).filter(Boolean).length;

  it('allows a burst of one second’s worth, then refuses until time refills the bucket', () => {
    const limiter = new AppRateLimiter();
    expect(count(limiter, 'a', 5, 0, 10)).toBe(5);
    expect(count(limiter, 'a', 5, 0, 1)).toBe(0);
    expect(count(limiter, 'a', 5, 200, 10)).toBe(1);
    expect(count(limiter, 'a', 5, 1200, 10)).toBe(5);
  });

  it('keeps each app’s budget separate', () => {
    const limiter = new AppRateLimiter();
    expect(count(limiter, 'a', 2, 0, 5)).toBe(2);
    expect(count(limiter, 'b', 2, 0, 5)).toBe(2);
  });

  it('applies a changed rate at once, never banking more than one second of the new rate', () => {
    const limiter = new AppRateLimiter();
    expect(count(limiter, 'a', 100, 0, 100)).toBe(100);
    expect(count(limiter, 'a', 3, 10_000, 10)).toBe(3);
  });

  it('sustains the configured rate over time', () => {
    const limiter = new AppRateLimiter();
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) allowed += count(limiter, 'a', 20, ms, 1);
    expect(allowed).toBeGreaterThanOrEqual(20 * 10);
    expect(allowed).toBeLessThanOrEqual(20 * 11);
  });
});

describe('TokenBucketThrottlerStorage (the storage behind Nest ThrottlerGuard)', () => {
  it('answers a Nest throttler record: blocked once the second’s budget is spent, with a Retry-After', async () => {
    const { TokenBucketThrottlerStorage } = await import('./token-bucket.storage');
    const storage = new TokenBucketThrottlerStorage();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await storage.increment('server-api:app', 1000, 3));
    expect(answers.map((a) => a.isBlocked)).toEqual([false, false, false, true]);
    expect(answers[3].timeToBlockExpire).toBeGreaterThanOrEqual(1);
    expect((await storage.increment('server-api:other', 1000, 3)).isBlocked).toBe(false);
  });
});
