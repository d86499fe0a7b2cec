import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, Topics, type InboundCommand } from '@msync/contracts';
import { KafkaConnection, PermanentError, type ConsumedRecord } from '@msync/kafka';
import { AcceptMessageUseCase } from './accept-message.usecase';

/**
 * `im.inbound.commands.v1`: internal services publish the same commands as the Server API.
 * The idempotency key becomes the message's dedup key, so a replayed command creates nothing new.
 * A command that fails validation is dead-lettered with the reason and has changed nothing.
 */
@Injectable()
export class InboundCommandsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly accept: AcceptMessageUseCase,
  ) {}

  async onApplicationBootstrap() {
    await this.kafka.startConsumer<InboundCommand>({
      groupId: 'ingestion-inbound-commands',
      topics: [Topics.inboundCommands],
      handleBatch: async (records) => {
        for (const record of records) await this.handle(record);
      },
    });
  }

  private async handle({ value: cmd, traceId }: ConsumedRecord<InboundCommand>): Promise<void> {
    {
      try {
        switch (cmd.command) {
          case 'publish-message':
            await this.accept.execute({
              appKey: cmd.appKey,
              senderId: cmd.senderId,
              conversationType: cmd.conversationType,
              targetId: cmd.targetId,
              toUserIds: cmd.toUserIds,
              objectName: cmd.objectName,
              content: cmd.content,
              clientMsgId: `inbound:${cmd.idempotencyKey}`,
              includeSender: cmd.includeSender,
              traceId,
            });
            return;
          default:
            throw new PermanentError(`command "${cmd.command}" is not supported yet`);
        }
      } catch (err) {
        // Domain errors (unknown group, not a member, too large) cannot succeed on retry.
        if (err instanceof DomainError && err.code !== 'unavailable') throw new PermanentError(`${err.code}: ${err.message}`);
        throw err;
      }
    }
  }
}
