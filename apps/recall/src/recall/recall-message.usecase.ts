import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, Topics, conversationKey } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { AppDirectory } from '@msync/platform';
import { MessageRepository } from '@msync/persistence';

export interface RecallInput {
  appKey: string;
  messageUid: string;
  /** The recalling user (must be the sender); absent: the app recalls as administrator. */
  userId?: string;
  deviceId?: string;
}

/**
 * Recall: the stored message loses its content and is marked recalled (so every later read, replay
 * or compensation shows it recalled), then a recall record goes on the message's conversation key
 * to the fan-out, which appends a recall event to the stream of every recipient of the message
 * (event key `recall:<uid>`: recalling twice appends nothing new). Sharing the message's partition,
 * the recall reaches every stream the message reaches, after it, even when it is recalled at once.
 */
@Injectable()
export class RecallMessageUseCase {
  constructor(
    private readonly apps: AppDirectory,
    private readonly messages: MessageRepository,
    private readonly kafka: KafkaConnection,
  ) {}

  async execute(input: RecallInput): Promise<{ messageUid: string; recalledAt: number }> {
    const app = await this.apps.require(input.appKey);
    const message = await this.messages.findByUid(input.appKey, input.messageUid);
    if (!message) throw new DomainError(ErrorCodes.MESSAGE_UNKNOWN, `no message ${input.messageUid} in this app`);
    if (input.userId !== undefined && input.userId !== message.senderId) {
      throw new DomainError(ErrorCodes.NOT_ALLOWED, 'only the sender or the app may recall a message');
    }
    const recalledBy = input.userId ?? message.senderId;
    const now = new Date();
    const changed = await this.messages.markRecalled(input.appKey, input.messageUid, recalledBy, now);
    const recalledAt = changed ? now.getTime() : (message.recalledAt ?? now.getTime());

    const { conversationType, senderId, targetId, sentAt, includeSender, toUserIds } = message;
    await this.kafka.producer.send(Topics.messagesAccepted, [
      {
        key: conversationKey(input.appKey, conversationType, senderId, targetId),
        value: {
          kind: 'recall' as const,
          appKey: input.appKey,
          messageUid: input.messageUid,
          recalledBy,
          recalledByRole: input.userId === undefined ? ('app' as const) : ('sender' as const),
          recalledAt,
          audience: { conversationType, senderId, targetId, sentAt, includeSender, toUserIds },
          // Single-device mode: a recall is not synced to the recaller's other devices; recipients still get it.
          skipUserId: !app.settings.multiDeviceSync && input.userId ? input.userId : undefined,
        },
      },
    ]);
    return { messageUid: input.messageUid, recalledAt };
  }
}
