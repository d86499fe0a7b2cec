import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';

/** Sends one OffsetCommit request for the given offsets (the consumer's `commitOffsets`). */
export type CommitFn = (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;

/**
 * Commits handled offsets on a timer instead of after every batch.
 *
 * kafkajs 2.2.4 commits after every `eachBatch` call when autoCommit is on, whatever
 * `autoCommitInterval` says (`Runner.processEachBatch` calls `commitOffsets()`, not the interval
 * check). At low rates a batch is one record, so every record cost an OffsetCommit request: at 200
 * msg/s the gateways and the fan-out sent 400 commits a second, the largest share of the broker's
 * work (docs/benchmarks.md). Here the consumer runs with autoCommit off; a handled record's offset is
 * recorded and the newest offset of each partition is committed at most once per interval, at stop,
 * and when a rebalance starts. Delivery stays at-least-once: a crash or a partition moving before the
 * next commit redelivers at most one interval of records, which the handlers already tolerate.
 */
export class OffsetCommitter {
  /** Next offset to read, by `topic\0partition`, handled but not committed yet. */
  private pending = new Map<string, TopicPartitionOffsetAndMetadata>();
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopped = false;
  /** Counts rejoins: offsets of a commit that failed before one are not kept for later. */
  private generation = 0;

  constructor(
    private readonly commit: CommitFn,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown, offsets: TopicPartitionOffsetAndMetadata[]) => void,
  ) {}

  /** After stop() nothing is scheduled any more (flush() still commits what is pending). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Records that everything up to `offset` (inclusive) of the partition is handled. The commit is
   * scheduled here, not on a fixed timer, so an idle consumer never wakes its process.
   */
  handled(topic: string, partition: number, offset: string): void {
    this.keep({ topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  private keep(next: TopicPartitionOffsetAndMetadata): void {
    this.pending.set(`${next.topic}\u0000${next.partition}`, next);
    if (!this.timer && !this.stopped) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.intervalMs);
    }
  }

  /** Takes what is pending (for a commit made elsewhere, e.g. inside the last batch at stop). */
  take(): TopicPartitionOffsetAndMetadata[] {
    const offsets = [...this.pending.values()];
    this.pending = new Map();
    return offsets;
  }

  /**
   * After a rejoin the partitions may belong to others: what was not committed is theirs to redo
   * (committing it now could move a partition's offset back behind its new owner's commits).
   */
  forget(): void {
    this.pending.clear();
    this.generation += 1;
  }

  /** Commits what is pending; one commit at a time. A failed commit keeps its offsets unless newer ones came or the member rejoined since. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight.then(() => this.flush());
    if (this.pending.size === 0) return Promise.resolve();
    const offsets = this.take();
    const generation = this.generation;
    this.inFlight = this.commit(offsets)
      .catch((err: unknown) => {
        this.onError(err, offsets);
        if (generation !== this.generation) return;
        for (const o of offsets) {
          const key = `${o.topic}\u0000${o.partition}`;
          if (!this.pending.has(key)) this.keep(o);
        }
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }
}
