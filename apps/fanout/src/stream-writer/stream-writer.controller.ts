import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type StreamAppend } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { StreamAppender } from './stream-appender';

/**
 * Stage 2 of fan-out for group conversations: appends each `im.stream-appends.v1` record to its
 * user's stream and publishes it live. Records are keyed by user, so one user's stream has one
 * writer at a time; the repository still locks the stream head, so a rebalance overlap cannot
 * break the sequence.
 */
@Controller()
export class StreamWriterController {
  constructor(private readonly appender: StreamAppender) {}

  @EventPattern(Topics.streamAppends, kafkaConsumer({ group: 'fanout-stream-writer' }))
  write(@Payload() records: ConsumedRecord<StreamAppend>[]): Promise<void> {
    return this.appender.write(records.map((r) => ({ append: r.value, traceId: r.traceId })));
  }
}
