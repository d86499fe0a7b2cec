/**
 * Turns many concurrent single calls into few batch calls without adding latency: while one batch
 * is being flushed, new items queue up and go together in the next one. At low load every item
 * goes out alone and at once; under load batches grow by themselves (up to `maxBatch`).
 * `flush` may return one result per item (same order); `add` resolves with that item's result.
 * A batch is bounded by count and, when `size` is given, by bytes too (an item larger than
 * `maxBytes` goes alone), so a few large items cannot push a batch over the receiver's body limit.
 */
export class Coalescer<T, R = void> {
  private queue: { item: T; bytes: number; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[] | void>,
    private readonly maxBatch = 1000,
    private readonly bytes?: { size: (item: T) => number; maxBytes: number },
  ) {}

  /** `bytes` overrides the measured size of the item (the caller may know it already). */
  add(item: T, bytes?: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, bytes: bytes ?? this.bytes?.size(item) ?? 0, resolve, reject });
      if (!this.flushing) void this.drain();
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

  private async drain(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
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
