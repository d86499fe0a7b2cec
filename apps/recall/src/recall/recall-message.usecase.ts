import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, Topics, userKey } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { AppDirectory } from '@msync/platform';
import { MessageRepository, StreamRepository } from '@msync/persistence';

export interface RecallInput {
  appKey: string;
  messageUid: string;
  /** The recalling user (must be the sender); absent: the app recalls as administrator. */
  userId?: string;
  deviceId?: string;
}

/**
 * Recall: the stored message loses its content and is marked recalled (so every later read, replay
 * or compensation shows it recalled), then a recall event is appended to the stream of every
 * participant who holds it (event key `recall:<uid>`: recalling twice appends nothing new).
 */
@Injectable()
export class RecallMessageUseCase {
  constructor(
    private readonly apps: AppDirectory,
    private readonly messages: MessageRepository,
    private readonly streams: StreamRepository,
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

    let holders = await this.streams.holdersOf(input.appKey, input.messageUid);
    // Single-device mode: a recall is not synced to the recaller's other devices; recipients still get it.
    if (!app.settings.multiDeviceSync && input.userId) holders = holders.filter((u) => u !== input.userId);
    await this.kafka.producer.send(
      Topics.streamAppends,
      holders.map((userId) => ({
        key: userKey(input.appKey, userId),
        value: {
          appKey: input.appKey,
          userId,
          eventKey: `recall:${input.messageUid}`,
          occurredAt: recalledAt,
          body: { type: 'recall' as const, messageUid: input.messageUid, recalledBy, recalledAt },
        },
      })),
    );
    return { messageUid: input.messageUid, recalledAt };
  }
}
