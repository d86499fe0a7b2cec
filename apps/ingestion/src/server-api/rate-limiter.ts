/**
 * Per-app token bucket: `ratePerSecond` requests a second on average, bursts up to one second's
 * worth. The rate is read on every call, so a settings change applies to the next request.
 * Per process: with N ingestion replicas behind a balancer an app gets up to N times the rate.
 */
export class AppRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token for the app; false when the bucket is empty (answer "rate limited"). */
  tryAcquire(appKey: string, ratePerSecond: number, now = Date.now()): boolean {
    const bucket = this.buckets.get(appKey) ?? { tokens: ratePerSecond, at: now };
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(appKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
