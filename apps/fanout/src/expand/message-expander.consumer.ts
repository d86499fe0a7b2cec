import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics, userKey, type ConversationRecord, type StreamAppend } from '@msync/contracts';
import { KafkaConnection, traceHeader, type ConsumedRecord } from '@msync/kafka';
import { GroupRepository } from '@msync/persistence';
import { FANOUT_CONFIG, type FanoutConfig } from '../config';
import { recipientsOf } from './recipients';

/**
 * Stage 1 of fan-out: `im.messages.v1` (keyed by conversation) -> one `im.stream-appends.v1`
 * record per recipient (keyed by user). Redelivery produces the same appends again; the stream
 * writer's event keys make that harmless.
 */
@Injectable()
export class MessageExpanderConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly groups: GroupRepository,
    @Inject(FANOUT_CONFIG) private readonly config: FanoutConfig,
  ) {}

  async onApplicationBootstrap() {
    await this.kafka.startConsumer<ConversationRecord>({
      groupId: 'fanout-expand',
      topics: [Topics.messagesAccepted],
      partitionsConsumedConcurrently: this.config.FANOUT_PARTITIONS_CONCURRENCY,
      handleBatch: (records) => this.expand(records),
    });
  }

  async expand(records: ConsumedRecord<ConversationRecord>[]): Promise<void> {
    const appends: { append: StreamAppend; traceId?: string }[] = [];
    for (const { value, traceId } of records) {
      if (value.kind !== 'message') continue; // recalls are expanded by the recall service
      const m = value.message;
      const members = m.conversationType === 'group' ? await this.groups.membersAt(value.appKey, m.targetId, new Date(m.sentAt)) : undefined;
      for (const userId of recipientsOf(value, members)) {
        appends.push({
          traceId,
          append: {
            appKey: value.appKey,
            userId,
            eventKey: `msg:${m.messageUid}`,
            occurredAt: m.sentAt,
            originDeviceId: userId === m.senderId ? m.senderDeviceId : undefined,
            body: { type: 'message', message: m },
          },
        });
      }
    }
    await this.kafka.producer.send(
      Topics.streamAppends,
      appends.map(({ append: a, traceId }) => ({ key: userKey(a.appKey, a.userId), value: a, headers: traceHeader(traceId) })),
    );
  }
}
