import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics, type TransientDelivery } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { SessionRegistry } from '../gateway/session-registry';

/** Transient messages go to the devices this replica holds right now, and nowhere else: no stream, no replay. */
@Injectable()
export class TransientConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly registry: SessionRegistry,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  async onApplicationBootstrap() {
    const consumer = await this.kafka.startConsumer<TransientDelivery>({
      groupId: `session-transient-${this.config.GATEWAY_ID}`,
      topics: [Topics.transientDeliveries],
      fromBeginning: false,
      handleBatch: async (records) => {
        for (const { value } of records) {
          for (const session of this.registry.sessionsOf(value.appKey, value.userId)) {
            if (session.deviceId !== value.excludeDeviceId) session.deliverTransient(value.message);
          }
        }
      },
    });
    await consumer.waitUntilJoined();
  }
}
