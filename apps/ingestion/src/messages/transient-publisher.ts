import { Injectable } from '@nestjs/common';
import { Topics, userKey, type Message } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { GroupRepository } from '@msync/persistence';

/**
 * Who gets a transient record: the conversation's recipients (never the sender), those and the
 * sender (Server API `isIncludeSender=1`), or only the sender (the online copy of a stored message
 * whose sender stream is not written).
 */
export type TransientAudience = 'recipients' | 'recipients-and-sender' | 'sender';

/**
 * Transient messages (typing, registered custom types, status messages): one `im.transient.v1`
 * record per recipient for the gateways to hand to devices online now. Never stored, never in a
 * stream, never replayed. The sender's own devices get them only when asked for (`audience`).
 */
@Injectable()
export class TransientPublisher {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly groups: GroupRepository,
  ) {}

  async publish(items: { appKey: string; message: Message; toUserIds?: string[]; audience?: TransientAudience }[]): Promise<void> {
    const records = [];
    for (const { appKey, message, toUserIds, audience = 'recipients' } of items) {
      const recipients = new Set(audience === 'sender' ? [] : await this.recipientsOf(appKey, message, toUserIds));
      recipients.delete(message.senderId);
      if (audience !== 'recipients') recipients.add(message.senderId);
      for (const userId of recipients) records.push({ key: userKey(appKey, userId), value: { appKey, userId, message } });
    }
    await this.kafka.producer.send(Topics.transientDeliveries, records);
  }

  private async recipientsOf(appKey: string, message: Message, toUserIds: string[] | undefined): Promise<string[]> {
    if (message.conversationType !== 'group') return [message.targetId];
    return (await this.groups.currentMembers(appKey, message.targetId)).filter((u) => !toUserIds || toUserIds.includes(u));
  }
}
