/**
 * Per-key token bucket: `ratePerSecond` requests a second on average, bursts up to one second's
 * worth. The rate is read on every call, so a settings change applies to the next request.
 * Per process: with N ingestion replicas behind a balancer an app gets up to N times the rate.
 */
export class AppRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token for the key when there is one; `tokens` is what is left. */
  take(key: string, ratePerSecond: number, now = Date.now()): { allowed: boolean; tokens: number } {
    const bucket = this.buckets.get(key) ?? { tokens: ratePerSecond, at: now };
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return { allowed: false, tokens: bucket.tokens };
    bucket.tokens -= 1;
    return { allowed: true, tokens: bucket.tokens };
  }

  /** Takes one token for the app; false when the bucket is empty (answer "rate limited"). */
  tryAcquire(appKey: string, ratePerSecond: number, now = Date.now()): boolean {
    return this.take(appKey, ratePerSecond, now).allowed;
  }
}
