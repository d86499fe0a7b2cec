import { Injectable } from '@nestjs/common';
import { Topics, userKey, type ConversationRecord, type ConversationType, type StreamAppend } from '@msync/contracts';
import { KafkaConnection, traceHeader, type ConsumedRecord } from '@msync/kafka';
import { GroupRepository } from '@msync/persistence';
import { StreamAppender } from '../stream-writer/stream-appender';
import { recipientsOf } from './recipients';

/**
 * Stage 1 of fan-out: `im.messages.v1` (keyed by conversation) -> one `im.stream-appends.v1`
 * record per recipient (keyed by user), for messages and for recalls, which reach the same recipients
 * as their message and, sharing its partition, come after it. Redelivery produces the same appends again; the stream
 * writer's event keys make that harmless.
 */
@Injectable()
export class MessageExpander {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly groups: GroupRepository,
    private readonly appender: StreamAppender,
  ) {}

  async expand(records: ConsumedRecord<ConversationRecord>[]): Promise<void> {
    const appends: { append: StreamAppend; traceId?: string; conversationType: ConversationType }[] = [];
    for (const { value, traceId } of records) {
      const audience = value.kind === 'message' ? { ...value.message, includeSender: value.includeSender, toUserIds: value.toUserIds } : value.audience;
      const members = audience.conversationType === 'group' ? await this.groups.membersAt(value.appKey, audience.targetId, new Date(audience.sentAt)) : undefined;
      for (const userId of recipientsOf(audience, members)) {
        if (value.kind === 'message') {
          const m = value.message;
          appends.push({
            traceId,
            conversationType: audience.conversationType,
            append: {
              appKey: value.appKey,
              userId,
              eventKey: `msg:${m.messageUid}`,
              occurredAt: m.sentAt,
              originDeviceId: userId === m.senderId ? m.senderDeviceId : undefined,
              body: { type: 'message', message: m },
            },
          });
        } else if (userId !== value.skipUserId) {
          const { messageUid, recalledBy, recalledAt } = value;
          appends.push({
            traceId,
            conversationType: audience.conversationType,
            append: { appKey: value.appKey, userId, eventKey: `recall:${messageUid}`, occurredAt: recalledAt, body: { type: 'recall', messageUid, recalledBy, recalledAt } },
          });
        }
      }
    }
    // Private and system conversations (two or three streams) are appended here, one Kafka hop
    // sooner; group ones go through the user-keyed stage, which spreads big groups over partitions.
    // A conversation always takes the same path, so its events keep their order in every stream.
    const direct = appends.filter((a) => a.conversationType !== 'group');
    const staged = appends.filter((a) => a.conversationType === 'group');
    await Promise.all([
      this.appender.write(direct, 'expand'),
      this.kafka.producer.send(
        Topics.streamAppends,
        staged.map(({ append: a, traceId }) => ({ key: userKey(a.appKey, a.userId), value: a, headers: traceHeader(traceId) })),
      ),
    ]);
  }
}
