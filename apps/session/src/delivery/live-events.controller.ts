import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type UserEvent } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { histogram } from '@msync/service-kit';
import { SessionRegistry } from '../gateway/session-registry';

const liveLag = histogram('gateway_live_event_age_seconds', 'Time from append to the gateway seeing the live event', [], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]);

/**
 * The fast path: every gateway replica reads all of `im.user-events.v1` in a consumer group of
 * its own and hands each event to the sessions it holds for that user. Missing an event here loses
 * nothing: the next event (gap fill) or the next connect (replay) reads it from the stream.
 * The replica is ready (and listening) only once it receives live events (awaitJoin).
 */
@Controller()
export class LiveEventsController {
  constructor(private readonly registry: SessionRegistry) {}

  @EventPattern(Topics.userEvents, kafkaConsumer({ group: 'session-live-{instance}', fromBeginning: false, partitionsConsumedConcurrently: 12, awaitJoin: true }))
  deliver(@Payload() records: ConsumedRecord<UserEvent>[]): void {
    const now = Date.now();
    for (const { value, timestamp } of records) {
      liveLag.observe((now - timestamp) / 1000);
      for (const session of this.registry.sessionsOf(value.appKey, value.userId)) session.deliver(value);
    }
  }
}
