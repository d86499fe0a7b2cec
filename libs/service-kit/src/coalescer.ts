export interface CoalescerOptions<T> {
  /** Bounds a batch by bytes too (an item larger than `maxBytes` goes alone). */
  bytes?: { size: (item: T) => number; maxBytes: number };
  /**
   * Work off the latency path: wait this long after the first item before flushing, so that at low
   * load items still go together (one round trip per window instead of one per item).
   */
  windowMs?: number;
  /**
   * Flush only after the callers of this event-loop turn have added theirs (setImmediate). For
   * callers that resume together (the partitions of one fetch, the items of one merged batch): one
   * call for all of them instead of one for the first and one for the rest. Costs no measurable latency.
   */
  sameTurn?: boolean;
  /**
   * Under load, flushes start at least this far apart, so a busy caller sends fewer, larger batches
   * (a round trip costs about the same for one item or fifty). An item that comes after a quiet spell
   * longer than this goes at once: no latency is added at low rates.
   */
  minIntervalMs?: number;
}

/**
 * Turns many concurrent single calls into few batch calls without adding latency: while one batch
 * is being flushed, new items queue up and go together in the next one. At low load every item
 * goes out alone and at once (unless `windowMs` says to wait); under load batches grow by themselves
 * (up to `maxBatch`). `flush` may return one result per item (same order); `add` resolves with that
 * item's result. A batch is bounded by count and, when `bytes` is given, by bytes too, so a few large
 * items cannot push a batch over the receiver's body limit.
 */
export class Coalescer<T, R = void> {
  private queue: { item: T; bytes: number; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;
  private readonly bytes?: CoalescerOptions<T>['bytes'];
  private readonly windowMs: number;
  private readonly sameTurn: boolean;
  private readonly minIntervalMs: number;
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[] | void>,
    private readonly maxBatch = 1000,
    options: CoalescerOptions<T> = {},
  ) {
    this.bytes = options.bytes;
    this.windowMs = options.windowMs ?? 0;
    this.sameTurn = options.sameTurn ?? false;
    this.minIntervalMs = options.minIntervalMs ?? 0;
  }

  /** `bytes` overrides the measured size of the item (the caller may know it already). */
  add(item: T, bytes?: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, bytes: bytes ?? this.bytes?.size(item) ?? 0, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      const wait = this.windowMs > 0 ? this.windowMs : this.untilNextFlush();
      if (wait > 0 && this.queue.length < this.maxBatch) setTimeout(() => void this.drain(), wait);
      else if (this.sameTurn) setImmediate(() => void this.drain());
      else void this.drain();
    });
  }

  private nextBatch() {
    if (!this.bytes) return this.queue.splice(0, this.maxBatch);
    let count = 0;
    let total = 0;
    while (count < this.queue.length && count < this.maxBatch) {
      const next = this.queue[count].bytes;
      if (count > 0 && total + next > this.bytes.maxBytes) break;
      total += next;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private untilNextFlush(): number {
    return this.lastFlushAt + this.minIntervalMs - performance.now();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const wait = this.untilNextFlush();
      if (wait > 0 && this.queue.length < this.maxBatch) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastFlushAt = performance.now();
      const batch = this.nextBatch();
      try {
        const results = await this.flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve((results ? results[i] : undefined) as R));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = false;
  }
}
