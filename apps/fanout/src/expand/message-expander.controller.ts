import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type ConversationRecord } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { MessageExpander } from './message-expander';

/** Stage 1 of fan-out: accepted messages and recalls, keyed by conversation. */
@Controller()
export class MessageExpanderController {
  constructor(private readonly expander: MessageExpander) {}

  @EventPattern(Topics.messagesAccepted, kafkaConsumer({ group: 'fanout-expand' }))
  expand(@Payload() records: ConsumedRecord<ConversationRecord>[]): Promise<void> {
    return this.expander.expand(records);
  }
}
