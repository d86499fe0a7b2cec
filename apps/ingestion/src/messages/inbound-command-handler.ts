import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, type InboundCommand } from '@msync/contracts';
import { PermanentError, TransientError, type ConsumedRecord } from '@msync/kafka';
import { RecallClient } from '@msync/platform';
import { loggerFor } from '@msync/service-kit';
import { PublishMessagesUseCase } from './publish-messages.usecase';
import { ExpiringKeySet } from '../support/expiring-key-set';

/** The message dedup key of a command: `inbound:<idempotencyKey>` (hashed when that would not fit the 128-character column). */
export function inboundDedupKey(idempotencyKey: string): string {
  return idempotencyKey.length <= 120 ? `inbound:${idempotencyKey}` : `inbound:sha256:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

/**
 * `im.inbound.commands.v1`: internal services publish the same commands as the Server API, with
 * the same rules (the same use cases run). The idempotency key becomes the message's dedup key, so a
 * replayed command creates nothing new; a transient (status) command remembers its key for a while
 * so a redelivery is not shown twice. A command that fails validation is dead-lettered with the
 * reason and has changed nothing (publishes are all or nothing).
 */
/**
 * How the consumer treats a command that failed: a domain error (unknown group, too large, unknown
 * message) cannot succeed on retry, so it is dead-lettered at once; a service we depend on being down
 * is retried without limit, holding the partition, so a valid command is never dead-lettered for it.
 * Anything else keeps the consumer's bounded retries.
 */
export function consumerFailureOf(err: unknown): unknown {
  if (!(err instanceof DomainError)) return err;
  if (err.code === ErrorCodes.UNAVAILABLE) return new TransientError(err.message);
  if (err.code === ErrorCodes.INTERNAL) return err;
  return new PermanentError(`${err.code}: ${err.message}`);
}

@Injectable()
export class InboundCommandHandler {
  private readonly log = loggerFor('InboundCommandHandler');
  /** Keys of transient commands already delivered (they store nothing a replay could be checked against). */
  private readonly deliveredTransient = new ExpiringKeySet(10 * 60_000);

  constructor(
    private readonly publish: PublishMessagesUseCase,
    private readonly recalls: RecallClient,
  ) {}

  /** One command, in its partition's order; throws what the consumer should do (see consumerFailureOf). */
  async handle({ value: cmd, traceId }: ConsumedRecord<InboundCommand>): Promise<void> {
    try {
      await this.apply(cmd, traceId);
    } catch (err) {
      const failure = consumerFailureOf(err);
      if (failure instanceof PermanentError) this.log.warn({ appKey: cmd.appKey, command: cmd.command, code: (err as DomainError).code }, 'inbound command refused');
      throw failure;
    }
  }

  private async apply(cmd: InboundCommand, traceId: string | undefined): Promise<void> {
    const dedupKeyOf = () => inboundDedupKey(cmd.idempotencyKey);
    const transientKey = `${cmd.appKey}\u0000${cmd.idempotencyKey}`;
    const transient = cmd.command === 'publish-status-message' || (cmd.command === 'publish-message' && !cmd.persisted);
    if (transient && this.deliveredTransient.has(transientKey)) return;
    switch (cmd.command) {
      case 'publish-message': {
        const [published] = await this.publish.execute({
          appKey: cmd.appKey,
          senderId: cmd.senderId,
          conversationType: cmd.conversationType,
          targetIds: [cmd.targetId],
          toUserIds: cmd.toUserIds,
          objectName: cmd.objectName,
          content: cmd.content,
          includeSender: cmd.includeSender,
          persisted: cmd.persisted,
          dedupKeyOf,
          traceId,
        });
        if (transient) this.deliveredTransient.add(transientKey);
        this.log.info({ appKey: cmd.appKey, userId: cmd.senderId, messageUid: published.messageUid, duplicate: published.duplicate }, 'inbound message published');
        return;
      }
      case 'publish-status-message': {
        await this.publish.execute({
          appKey: cmd.appKey,
          senderId: cmd.senderId,
          conversationType: cmd.conversationType,
          targetIds: [cmd.targetId],
          objectName: cmd.objectName,
          content: cmd.content,
          includeSender: false,
          persisted: false,
          traceId,
        });
        this.deliveredTransient.add(transientKey);
        return;
      }
      case 'recall-message': {
        // Recalling twice appends nothing new (the recall service's event key), so a replay is harmless.
        await this.recalls.recall({ appKey: cmd.appKey, messageUid: cmd.messageUid, userId: cmd.senderId });
        this.log.info({ appKey: cmd.appKey, userId: cmd.senderId, messageUid: cmd.messageUid }, 'inbound recall applied');
        return;
      }
    }
  }
}
