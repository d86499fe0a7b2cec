import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { deadLetterTopicOf, topicSchemas } from '@msync/contracts';
import { counter, gauge, histogram, loggerFor } from '@msync/service-kit';
import { classifyFailure } from './errors';
import { Headers, headerString } from './headers';
import type { EventProducer } from './event-producer';
import { countRequests } from './request-metrics';
import { OffsetCommitter } from './offset-committer';

export interface ConsumedRecord<V> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: V;
  headers: IHeaders;
  traceId?: string;
  /** Broker timestamp (ms) of the record. */
  timestamp: number;
  /** The record as it came, for dead-lettering. */
  raw: KafkaMessage;
}

export interface ConsumerSpec<V> {
  groupId: string;
  topics: string[];
  /**
   * Handles records of one partition, in offset order. When it resolves, its effects must be
   * durable: the offsets are committed right after. It must be idempotent (redelivery happens).
   */
  handleBatch: (records: ConsumedRecord<V>[]) => Promise<void>;
  /** Turns the raw value into V; a throw dead-letters the record. Default: JSON + the topic's schema. */
  decode?: (raw: Buffer | null, topic: string) => V;
  /**
   * Where a partition without a committed offset starts. Default true (earliest): a pipeline stage
   * must never skip records because its group is new or a partition changed hands before its first
   * commit. Only fast-path readers (the gateways' live events) start at the end.
   */
  fromBeginning?: boolean;
  /** Retries of a failing batch/record before it is dead-lettered. */
  maxRetries?: number;
  /** Records handed to handleBatch at once (and committed together). */
  chunkSize?: number;
  retryBackoffMs?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** Resolved offsets are committed at most this often (default 500 ms) and on stop. */
  commitIntervalMs?: number;
  /**
   * Under load, the next fetch starts at least this long after the last one returned (the handler's
   * work counts), so a busy member fetches fewer, larger batches. An idle member long-polls as before.
   */
  minFetchIntervalMs?: number;
}

const handlerSeconds = histogram('kafka_handler_duration_seconds', 'Time a consumer handler took for one chunk', ['group', 'topic']);
const handledTotal = counter('kafka_handled_records_total', 'Records handled, by outcome', ['group', 'topic', 'outcome']);
const lagGauge = gauge('kafka_consumer_lag', 'Records behind the partition end when a batch was fetched', ['group', 'topic', 'partition']);
const retriesTotal = counter('kafka_handler_retries_total', 'Handler retries, by failure class', ['group', 'topic', 'class']);

function defaultDecode(raw: Buffer | null, topic: string): unknown {
  if (raw === null) throw new Error('record has no value');
  const json: unknown = JSON.parse(raw.toString('utf8'));
  const schema = (topicSchemas as Record<string, { parse(v: unknown): unknown }>)[topic];
  return schema ? schema.parse(json) : json;
}

/**
 * How long the broker holds a fetch that finds no new record. A fetch is answered as soon as a
 * record arrives, so this costs no latency; an idle member fetches once a second instead of four
 * times (measured: the broker's idle CPU 0.54 -> 0.30-0.37 s per 20 s, docs/benchmarks.md). kafkajs
 * heartbeats between fetches, so it stays at or below the heartbeat interval: a heartbeat still goes
 * out every 1-2 s and a rebalance is noticed within that. A graceful stop waits for the fetch in
 * flight (up to this long). KAFKA_CONSUMER_MAX_WAIT_MS overrides it (benchmarks).
 */
export function consumerMaxWaitMs(heartbeatIntervalMs: number): number {
  const fromEnv = Number(process.env.KAFKA_CONSUMER_MAX_WAIT_MS);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.min(DEFAULT_MAX_WAIT_MS, heartbeatIntervalMs);
}
const DEFAULT_MAX_WAIT_MS = 1_000;

/** Longest wait between two tries of a transient failure: a dependency that is back is used within a second. */
const TRANSIENT_RETRY_MAX_MS = 1_000;

/** Answers to a heartbeat that mean the group is rebalancing: the batch must be given back (kafkajs rejoins). */
const REBALANCE_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * A consumer-group member that commits an offset only after the handler's effects are durable,
 * retries failures by class (see errors.ts) and dead-letters what cannot be handled.
 */
export class EventConsumer<V> {
  private consumer: Consumer;
  private readonly log = loggerFor('EventConsumer');
  private readonly maxRetries: number;
  private readonly chunkSize: number;
  private readonly backoffMs: number;
  private joined!: Promise<void>;
  private crashed?: Error;
  private stopping = false;
  /** Retry waits in progress; stop() ends them at once. */
  private readonly waits = new Set<() => void>();
  private readonly committer: OffsetCommitter;

  constructor(
    private readonly kafka: Kafka,
    private readonly spec: ConsumerSpec<V>,
    private readonly producer: EventProducer,
  ) {
    this.consumer = this.build();
    this.maxRetries = spec.maxRetries ?? 3;
    this.chunkSize = spec.chunkSize ?? 500;
    this.backoffMs = spec.retryBackoffMs ?? 200;
    this.committer = new OffsetCommitter(
      (offsets) => this.consumer.commitOffsets(offsets),
      spec.commitIntervalMs ?? 500,
      (err, offsets) => this.log.warn({ err, group: spec.groupId, partitions: offsets.length }, 'committing offsets failed; trying again at the next interval'),
    );
  }

  get groupId(): string {
    return this.spec.groupId;
  }

  /** Set while the consumer is down after a crash kafkajs does not restart from (it is being recovered). */
  get failure(): Error | undefined {
    return this.crashed;
  }

  async start(): Promise<void> {
    this.joined = new Promise((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await this.run();
  }

  /** Resolves once this member has joined its group and received an assignment. */
  waitUntilJoined(): Promise<void> {
    return this.joined;
  }

  /**
   * Stops fetching and leaves the group. The in-flight chunk finishes and is committed; a chunk that
   * is waiting to retry is given back uncommitted (the next owner of the partition handles it).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.waits) wake();
    this.committer.stop();
    await this.committer.flush();
    await this.consumer.disconnect();
  }

  private build(): Consumer {
    const sessionTimeout = this.spec.sessionTimeoutMs ?? 6_000;
    const heartbeatInterval = Math.min(1_000, Math.floor(sessionTimeout / 3));
    return this.kafka.consumer({
      groupId: this.spec.groupId,
      sessionTimeout,
      heartbeatInterval,
      rebalanceTimeout: Math.max(sessionTimeout, 10_000),
      maxWaitTimeInMs: consumerMaxWaitMs(heartbeatInterval),
      // While the cluster is away, kafkajs tries again at least every second, then restarts the
      // member: a broker that is back is in use again within about a second.
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1_000, restartOnFailure: async () => !this.stopping },
    });
  }

  private async run(): Promise<void> {
    countRequests('consumer', this.consumer);
    this.consumer.on(this.consumer.events.REBALANCING, () => void this.committer.flush());
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.committer.forget());
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: Error; restart: boolean };
      this.log.error({ err: error, group: this.spec.groupId, restart }, 'consumer crashed');
      if (!restart && !this.stopping) {
        this.crashed = error;
        setTimeout(() => void this.recover(), 500);
      }
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.spec.topics, fromBeginning: this.spec.fromBeginning ?? true });
    // Offsets are resolved only after the handler's effects are durable, and committed by the
    // OffsetCommitter at most every commitIntervalMs, at stop and when a rebalance starts.
    // Not awaited: kafkajs' run() resolves once the group is joined, and a restarted process waits
    // there until the member it replaces (killed, never left) times out. Its other work (an HTTP API)
    // need not wait; a consumer that must be joined before the process is ready says so with
    // waitUntilJoined(). Join failures come back as CRASH events.
    this.consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.spec.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.onBatch(payload),
      })
      .catch((err: Error) => {
        this.log.error({ err, group: this.spec.groupId }, 'consumer did not start');
        if (this.stopping) return;
        this.crashed = err;
        setTimeout(() => void this.recover(), 500);
      });
  }

  /** A crash kafkajs gives up on (e.g. the cluster was away too long): a fresh member, until it works. */
  private async recover(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.consumer.disconnect().catch(() => undefined);
      this.consumer = this.build();
      await this.run();
      this.crashed = undefined;
      this.log.info({ group: this.spec.groupId }, 'consumer recovered');
    } catch (err) {
      this.log.warn({ err, group: this.spec.groupId }, 'consumer recovery failed; trying again');
      setTimeout(() => void this.recover(), 1_000);
    }
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const fetchedAt = performance.now();
    await this.handleBatch(batch, heartbeat, isRunning, isStale, resolveOffset);
    // Batches of one fetch run side by side and kafkajs fetches again once all are done.
    const hold = fetchedAt + (this.spec.minFetchIntervalMs ?? 0) - performance.now();
    if (hold > 0 && !this.stopping && !batch.isEmpty()) await this.wait(hold);
    // The batch a stop waited for: committed here, while kafkajs still lets this member commit.
    if (this.stopping) await commitOffsetsIfNecessary({ topics: byTopic(this.committer.take()) }).catch((err: unknown) => this.log.warn({ err, group: this.spec.groupId }, 'last commit at stop failed'));
  }

  private async handleBatch(
    batch: EachBatchPayload['batch'],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
    isStale: () => boolean,
    resolveOffset: (offset: string) => void,
  ): Promise<void> {
    const { topic, partition } = batch;
    lagGauge.set({ group: this.spec.groupId, topic, partition: String(partition) }, Number(batch.offsetLag()));
    const decode = this.spec.decode ?? (defaultDecode as (raw: Buffer | null, topic: string) => V);

    for (let i = 0; i < batch.messages.length; i += this.chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + this.chunkSize);
      const valid: ConsumedRecord<V>[] = [];
      for (const m of chunk) {
        try {
          valid.push(this.toRecord(topic, partition, m, decode(m.value, topic)));
        } catch (err) {
          await this.deadLetter(topic, partition, m, err as Error, 'invalid', 0);
        }
      }
      if (valid.length > 0) {
        const completed = await this.handleWithRetries(valid, () => isRunning() && !this.stopping, heartbeat);
        if (!completed) return;
      }
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      this.committer.handled(topic, partition, last);
      await heartbeat();
    }
  }

  /**
   * Returns false when the consumer is stopping mid-retry: nothing is committed then. While it holds
   * the partition it keeps heartbeating (a dependency may be away for longer than the session
   * timeout), and gives the batch back when the group rebalances.
   */
  private async handleWithRetries(records: ConsumedRecord<V>[], isRunning: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    const { groupId } = this.spec;
    const topic = records[0].topic;
    let attempts = 0;
    let transientWait = this.backoffMs;
    for (;;) {
      const endTimer = handlerSeconds.startTimer({ group: groupId, topic });
      try {
        await this.spec.handleBatch(records);
        endTimer();
        handledTotal.inc({ group: groupId, topic, outcome: 'done' }, records.length);
        return true;
      } catch (err) {
        endTimer();
        const failureClass = classifyFailure(err);
        retriesTotal.inc({ group: groupId, topic, class: failureClass });
        if (!isRunning()) return false;
        if (failureClass === 'transient') {
          this.log.warn({ err, group: groupId, topic, waitMs: transientWait }, 'transient failure; holding the partition and retrying');
          await this.wait(transientWait);
          transientWait = Math.min(transientWait * 2, TRANSIENT_RETRY_MAX_MS);
          if (!isRunning()) return false;
          await keepMembership(heartbeat);
          continue;
        }
        attempts += 1;
        if (failureClass === 'permanent' || attempts > this.maxRetries) {
          if (records.length > 1) {
            // Find the record(s) at fault: the others are handled again one by one (handlers are idempotent).
            for (const record of records) {
              if (!(await this.handleWithRetries([record], isRunning, heartbeat))) return false;
            }
            return true;
          }
          const [r] = records;
          await this.deadLetter(r.topic, r.partition, r.raw, err as Error, failureClass, attempts);
          return true;
        }
        this.log.warn({ err, group: groupId, topic, attempt: attempts }, 'handler failed; retrying');
        await this.wait(this.backoffMs * attempts);
        if (!isRunning()) return false;
        await keepMembership(heartbeat);
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waits.add(wake);
    });
  }

  private toRecord(topic: string, partition: number, m: KafkaMessage, value: V): ConsumedRecord<V> {
    return {
      topic,
      partition,
      offset: m.offset,
      key: m.key ? m.key.toString() : null,
      value,
      headers: m.headers ?? {},
      traceId: headerString(m.headers, Headers.traceId),
      timestamp: Number(m.timestamp),
      raw: m,
    };
  }

  private async deadLetter(
    topic: string,
    partition: number,
    m: KafkaMessage,
    err: Error,
    errorClass: string,
    attempts: number,
  ): Promise<void> {
    const dlq = deadLetterTopicOf(topic);
    const original: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers ?? {})) {
      const s = headerString({ [k]: v } as IHeaders, k);
      if (s !== undefined) original[k] = s;
    }
    await this.producer.sendRaw(dlq, [
      {
        key: m.key ? m.key.toString() : null,
        value: m.value,
        headers: {
          ...original,
          [Headers.dlqError]: (err.message || String(err)).slice(0, 2000),
          [Headers.dlqErrorClass]: errorClass,
          [Headers.dlqSourceTopic]: topic,
          [Headers.dlqSourcePartition]: String(partition),
          [Headers.dlqSourceOffset]: m.offset,
          [Headers.dlqAttempts]: String(attempts),
        },
      },
    ]);
    handledTotal.inc({ group: this.spec.groupId, topic, outcome: 'dead_lettered' });
    this.log.error({ group: this.spec.groupId, topic, partition, offset: m.offset, dlq, err: err.message, errorClass }, 'record dead-lettered');
  }
}

function byTopic(offsets: TopicPartitionOffsetAndMetadata[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) topics.set(topic, [...(topics.get(topic) ?? []), { partition, offset }]);
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * A heartbeat between retries. That it fails while the cluster is away does not matter (the retry
 * goes on); a rebalance does: the error is thrown out of the batch, kafkajs rejoins, and whoever gets
 * the partition starts again from the last commit.
 */
async function keepMembership(heartbeat: () => Promise<void>): Promise<void> {
  try {
    await heartbeat();
  } catch (err) {
    if (REBALANCE_TYPES.has((err as { type?: string }).type ?? '')) throw err;
  }
}
