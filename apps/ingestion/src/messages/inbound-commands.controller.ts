import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type InboundCommand } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { InboundCommandHandler } from './inbound-command-handler';

/** `im.inbound.commands.v1`: commands from internal services, applied one by one in partition order. */
@Controller()
export class InboundCommandsController {
  constructor(private readonly commands: InboundCommandHandler) {}

  @EventPattern(Topics.inboundCommands, kafkaConsumer({ group: 'ingestion-inbound-commands' }))
  async apply(@Payload() records: ConsumedRecord<InboundCommand>[]): Promise<void> {
    for (const record of records) await this.commands.handle(record);
  }
}
