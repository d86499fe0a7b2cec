import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics, type UserEvent } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { histogram } from '@msync/service-kit';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { SessionRegistry } from '../gateway/session-registry';

const liveLag = histogram('gateway_live_event_age_seconds', 'Time from append to the gateway seeing the live event', [], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]);

/**
 * The fast path: every gateway replica reads all of `im.user-events.v1` in a consumer group of
 * its own and hands each event to the sessions it holds for that user. Missing an event here loses
 * nothing: the next event (gap fill) or the next connect (replay) reads it from the stream.
 */
@Injectable()
export class LiveEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly registry: SessionRegistry,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  async onApplicationBootstrap() {
    const consumer = await this.kafka.startConsumer<UserEvent>({
      groupId: `session-live-${this.config.GATEWAY_ID}`,
      topics: [Topics.userEvents],
      fromBeginning: false,
      partitionsConsumedConcurrently: 12,
      handleBatch: async (records) => {
        const now = Date.now();
        for (const { value, timestamp } of records) {
          liveLag.observe((now - timestamp) / 1000);
          for (const session of this.registry.sessionsOf(value.appKey, value.userId)) session.deliver(value);
        }
      },
    });
    // Ready (and listening) only once this replica receives live events.
    await consumer.waitUntilJoined();
  }
}
