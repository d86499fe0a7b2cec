import { Injectable } from '@nestjs/common';
import { Topics, userKey, type Message } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { GroupRepository } from '@msync/persistence';

/**
 * Transient messages (typing, registered custom types, status messages): one `im.transient.v1`
 * record per recipient for the gateways to hand to devices online now. Never stored, never in a
 * stream, never replayed. The sender's own devices do not get them.
 */
@Injectable()
export class TransientPublisher {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly groups: GroupRepository,
  ) {}

  async publish(items: { appKey: string; message: Message; toUserIds?: string[] }[]): Promise<void> {
    const records = [];
    for (const { appKey, message, toUserIds } of items) {
      const recipients =
        message.conversationType === 'group'
          ? (await this.groups.currentMembers(appKey, message.targetId)).filter((u) => !toUserIds || toUserIds.includes(u))
          : [message.targetId];
      for (const userId of recipients) {
        if (userId === message.senderId) continue;
        records.push({ key: userKey(appKey, userId), value: { appKey, userId, message } });
      }
    }
    await this.kafka.producer.send(Topics.transientDeliveries, records);
  }
}
