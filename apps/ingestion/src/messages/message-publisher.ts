import { Injectable } from '@nestjs/common';
import { Topics, conversationKey } from '@msync/contracts';
import { KafkaConnection, traceHeader } from '@msync/kafka';
import { MessageRepository, type StoredMessage } from '@msync/persistence';
import { Coalescer, loggerFor } from '@msync/service-kit';

/** How long a published message may wait to be marked; the outbox sweep leaves messages this much younger alone. */
export const MARK_PUBLISHED_WINDOW_MS = 500;

interface Pending {
  appKey: string;
  message: StoredMessage;
  traceId?: string;
}

/**
 * Publishes stored messages to `im.messages.v1` (keyed by conversation, so a conversation keeps
 * its order) and then marks them published (batched, off the ack path). A crash between store and publish is repaired by the outbox sweeper.
 */
@Injectable()
export class MessagePublisher {
  /**
   * Marking published is a hint for the sweeper, off the ack path: losing it only means one harmless
   * re-publish. So it waits for a window and marks everything published meanwhile in one statement:
   * at low rates it was a four-statement transaction per message, four of ingestion's five round
   * trips to PostgreSQL (docs/benchmarks.md, issue 12 step 4).
   */
  private readonly marker = new Coalescer<Pending>((batch) => this.markPublished(batch), 5000, { windowMs: MARK_PUBLISHED_WINDOW_MS });
  private readonly log = loggerFor('MessagePublisher');

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly messages: MessageRepository,
  ) {}

  /** Resolves once Kafka acknowledged (the producer merges concurrent publishes into one request). */
  async publish(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    await this.kafka.producer.send(
      Topics.messagesAccepted,
      batch.map(({ appKey, traceId, message: m }) => ({
        key: conversationKey(appKey, m.conversationType, m.senderId, m.targetId),
        headers: traceHeader(traceId),
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
    await this.messages.markPublished(batch.map(({ appKey, message }) => ({ appKey, messageUid: message.messageUid })));
  }
}
