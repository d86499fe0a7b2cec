import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type TransientDelivery } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { SessionRegistry } from '../gateway/session-registry';

/** Transient messages go to the devices this replica holds right now, and nowhere else: no stream, no replay. */
@Controller()
export class TransientController {
  constructor(private readonly registry: SessionRegistry) {}

  @EventPattern(Topics.transientDeliveries, kafkaConsumer({ group: 'session-live-{instance}', fromBeginning: false, awaitJoin: true }))
  deliver(@Payload() records: ConsumedRecord<TransientDelivery>[]): void {
    for (const { value } of records) {
      for (const session of this.registry.sessionsOf(value.appKey, value.userId)) {
        if (session.deviceId !== value.excludeDeviceId) session.deliverTransient(value.message);
      }
    }
  }
}
