import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics, type StreamAppend } from '@msync/contracts';
import { KafkaConnection, type ConsumedRecord } from '@msync/kafka';
import { FANOUT_CONFIG, type FanoutConfig } from '../config';
import { StreamAppender } from './stream-appender';

/**
 * Stage 2 of fan-out for group conversations: appends each `im.stream-appends.v1` record to its
 * user's stream and publishes it live. Records are keyed by user, so one user's stream has one
 * writer at a time; the repository still locks the stream head, so a rebalance overlap cannot
 * break the sequence.
 */
@Injectable()
export class StreamWriterConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly appender: StreamAppender,
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

  write(records: ConsumedRecord<StreamAppend>[]): Promise<void> {
    return this.appender.write(records.map((r) => ({ append: r.value, traceId: r.traceId })));
  }
}
