import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics, userKey, type StreamAppend, type UserEvent } from '@msync/contracts';
import { Coalescer } from '@msync/service-kit';
import { KafkaConnection, traceHeader, type ConsumedRecord } from '@msync/kafka';
import { StreamRepository } from '@msync/persistence';
import { FANOUT_CONFIG, type FanoutConfig } from '../config';

/**
 * Stage 2 of fan-out: appends each record to its user's stream (the source of truth) with the next
 * gap-free sequence number, then publishes the appended events on `im.user-events.v1` for live
 * delivery. Records are keyed by user, so one user's stream has one writer at a time; the repository
 * still locks the stream head, so a rebalance overlap cannot break the sequence. A redelivered
 * record finds its event stored and is re-published with the same sequence number (devices drop
 * what they already have).
 */
@Injectable()
export class StreamWriterConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly streams: StreamRepository,
    @Inject(FANOUT_CONFIG) private readonly config: FanoutConfig,
  ) {}

  async onApplicationBootstrap() {
    await this.kafka.startConsumer<StreamAppend>({
      groupId: 'fanout-stream-writer',
      topics: [Topics.streamAppends],
      partitionsConsumedConcurrently: this.config.FANOUT_PARTITIONS_CONCURRENCY,
      handleBatch: (records) => this.write(records),
    });
  }

  /** Concurrent partitions' chunks are appended in one database call (each partition still waits for its own). */
  private readonly appender = new Coalescer<StreamAppend[], UserEvent[]>(async (chunks) => {
    const all = await this.streams.append(chunks.flat());
    let offset = 0;
    return chunks.map((c) => all.slice(offset, (offset += c.length)));
  }, 20);

  async write(records: ConsumedRecord<StreamAppend>[]): Promise<void> {
    const events = await this.appender.add(records.map((r) => r.value));
    await this.kafka.producer.send(
      Topics.userEvents,
      events.map((e, i) => ({ key: userKey(e.appKey, e.userId), value: e, headers: traceHeader(records[i].traceId) })),
    );
  }
}
