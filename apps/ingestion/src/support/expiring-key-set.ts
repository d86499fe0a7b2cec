/**
 * Keys remembered for `ttlMs` (strict-mode nonces, keys of transient commands already delivered).
 * Bounded: past `maxEntries` the oldest are forgotten, so a flood of distinct keys cannot exhaust
 * memory, it can only shorten the memory. Per process: other replicas do not see these keys.
 */
export class ExpiringKeySet {
  /** Insertion order is expiry order (one fixed TTL), so eviction from the front is correct. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  has(key: string, now = Date.now()): boolean {
    this.evictExpired(now);
    return this.expiries.has(key);
  }

  /** Remembers the key; false when it was already remembered (and not expired). */
  add(key: string, now = Date.now()): boolean {
    if (this.has(key, now)) return false;
    this.expiries.set(key, now + this.ttlMs);
    if (this.expiries.size > this.maxEntries) this.expiries.delete(this.expiries.keys().next().value!);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  private evictExpired(now: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > now) return;
      this.expiries.delete(key);
    }
  }
}
