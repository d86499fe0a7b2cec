import { Injectable } from '@nestjs/common';
import { Topics, conversationKey } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { MessageRepository, type StoredMessage } from '@msync/persistence';
import { Coalescer, loggerFor } from '@msync/service-kit';

interface Pending {
  appKey: string;
  message: StoredMessage;
}

/**
 * Publishes stored messages to `im.messages.v1` (keyed by conversation, so a conversation keeps
 * its order) and then marks them published. Concurrent publishes are coalesced into one Kafka
 * request and one UPDATE. A crash between store and publish is repaired by the outbox sweeper.
 */
@Injectable()
export class MessagePublisher {
  private readonly coalescer = new Coalescer<Pending>((batch) => this.flush(batch), 500);
  /** Marking published is a hint for the sweeper, off the ack path: losing it only means one harmless re-publish. */
  private readonly marker = new Coalescer<Pending>((batch) => this.markPublished(batch), 1000);
  private readonly log = loggerFor('MessagePublisher');

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly messages: MessageRepository,
  ) {}

  publish(appKey: string, message: StoredMessage): Promise<void> {
    return this.coalescer.add({ appKey, message });
  }

  private async flush(batch: Pending[]): Promise<void> {
    await this.kafka.producer.send(
      Topics.messagesAccepted,
      batch.map(({ appKey, message: m }) => ({
        key: conversationKey(appKey, m.conversationType, m.senderId, m.targetId),
        value: {
          kind: 'message' as const,
          appKey,
          includeSender: m.includeSender,
          toUserIds: m.toUserIds,
          message: {
            messageUid: m.messageUid,
            conversationType: m.conversationType,
            senderId: m.senderId,
            targetId: m.targetId,
            objectName: m.objectName,
            content: m.content,
            sentAt: m.sentAt,
            senderDeviceId: m.senderDeviceId,
            clientMsgId: m.clientMsgId,
          },
        },
      })),
    );
    for (const p of batch) this.marker.add(p).catch((err) => this.log.warn({ err }, 'marking messages published failed; the sweeper will re-publish them'));
  }

  private async markPublished(batch: Pending[]): Promise<void> {
    const byApp = new Map<string, string[]>();
    for (const { appKey, message } of batch) byApp.set(appKey, [...(byApp.get(appKey) ?? []), message.messageUid]);
    await Promise.all([...byApp].map(([appKey, uids]) => this.messages.markPublished(appKey, uids)));
  }
}
