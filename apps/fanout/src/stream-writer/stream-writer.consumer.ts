import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics, userKey, type StreamAppend } from '@msync/contracts';
import { KafkaConnection, type ConsumedRecord } from '@msync/kafka';
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

  async write(records: ConsumedRecord<StreamAppend>[]): Promise<void> {
    const events = await this.streams.append(records.map((r) => r.value));
    await this.kafka.producer.send(
      Topics.userEvents,
      events.map((e) => ({ key: userKey(e.appKey, e.userId), value: e })),
    );
  }
}
