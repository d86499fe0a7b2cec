import type { Admin } from 'kafkajs';
import { counter, gauge, loggerFor } from '@msync/service-kit';

/** A consumer group whose lag is reported, and the topics it reads. */
export interface LagTarget {
  groupId: string;
  topics: string[];
  /** Where the group starts without a committed offset: the log start (true) or the end (false, lag 0). */
  fromBeginning: boolean;
}

// The same gauge the consumers set when they fetch a batch: between fetches (a stalled stage fetches
// nothing) this monitor keeps it true. Every replica of a group reports every partition of it: read
// it with max by (group, topic, partition).
const lagGauge = gauge('kafka_consumer_lag', 'Records behind the partition end: committed offset vs. end offset (polled), or at a batch fetch', ['group', 'topic', 'partition']);
const pollsTotal = counter('kafka_lag_monitor_polls_total', 'Lag polls (committed and end offsets read from the cluster), by outcome', ['outcome']);
const lastPoll = gauge('kafka_lag_monitor_last_success_timestamp_seconds', 'When the lag was last read from the cluster');

/** Default poll period: a few requests per group and topic, cheap enough to leave on idle processes. */
export const LAG_POLL_INTERVAL_MS = 15_000;

/**
 * Computes consumer lag from the cluster (partition end offsets minus committed offsets) on a timer,
 * for the groups this process consumes in. Unlike the value set at a batch fetch, it goes up while a
 * stage is stalled (stuck retrying, crashed, or with no member at all).
 */
export class LagMonitor {
  private readonly targets = new Map<string, LagTarget>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private readonly log = loggerFor('LagMonitor');

  constructor(
    private readonly admin: Admin,
    private readonly intervalMs = LAG_POLL_INTERVAL_MS,
  ) {}

  /** Adds a group (topics merged with what it already has) and starts the timer on the first one. */
  add(target: LagTarget): void {
    const known = this.targets.get(target.groupId);
    this.targets.set(target.groupId, known ? { ...known, topics: [...new Set([...known.topics, ...target.topics])] } : { ...target, topics: [...target.topics] });
    if (!this.timer && this.intervalMs > 0) {
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: end offsets of every topic once, committed offsets of every group. Never throws. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const ends = new Map<string, Map<number, { high: number; low: number }>>();
      const topics = new Set([...this.targets.values()].flatMap((t) => t.topics));
      for (const topic of topics) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        ends.set(topic, new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])));
      }
      for (const target of this.targets.values()) {
        const committed = await this.admin.fetchOffsets({ groupId: target.groupId, topics: target.topics });
        for (const { topic, partitions } of committed) {
          const end = ends.get(topic);
          if (!end) continue;
          for (const { partition, offset } of partitions) {
            const e = end.get(partition);
            if (!e) continue;
            const c = Number(offset);
            const lag = c >= 0 ? e.high - c : target.fromBeginning ? e.high - e.low : 0;
            lagGauge.set({ group: target.groupId, topic, partition: String(partition) }, Math.max(0, lag));
          }
        }
      }
      pollsTotal.inc({ outcome: 'ok' });
      lastPoll.set(Date.now() / 1000);
    } catch (err) {
      pollsTotal.inc({ outcome: 'failed' });
      this.log.debug({ err }, 'lag poll failed');
    } finally {
      this.polling = false;
    }
  }
}
