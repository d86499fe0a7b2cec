import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type DeviceControl } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { SessionControl } from './session-control';

/** `im.device-control.v1`: every replica reads every kick (a group of its own) from the moment it starts. */
@Controller()
export class SessionControlController {
  constructor(private readonly control: SessionControl) {}

  @EventPattern(Topics.deviceControl, kafkaConsumer({ group: 'session-live-{instance}', fromBeginning: false, awaitJoin: true }))
  apply(@Payload() records: ConsumedRecord<DeviceControl>[]): void {
    for (const { value } of records) this.control.apply(value);
  }
}
