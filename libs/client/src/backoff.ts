export interface BackoffOptions {
  /** Base delay of the first retry. Default 200 ms. */
  initialMs?: number;
  /** Largest delay. Default 10 s. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
}

/**
 * Exponential backoff with "equal jitter": attempt n waits a random time in [d/2, d],
 * d = min(maxMs, initialMs * factor^n). The jitter spreads reconnects of many devices after an outage.
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  private attempts = 0;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = options.initialMs ?? 200;
    this.maxMs = options.maxMs ?? 10_000;
    this.factor = options.factor ?? 2;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs) || !(this.factor >= 1)) {
      throw new RangeError('backoff: need 0 < initialMs <= maxMs and factor >= 1');
    }
  }

  /** Retries since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The delay before the next retry; counts the attempt. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempts);
    this.attempts++;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.attempts = 0;
  }
}
