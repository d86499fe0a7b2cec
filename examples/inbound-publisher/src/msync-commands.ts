import {
  Topics,
  inboundCommandKey,
  inboundCommandSchema,
  type InboundCommand,
} from '@msync/contracts';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';

/** Injection token of the ClientKafka this example registers (ClientsModule). */
export const MSYNC_KAFKA = Symbol('MSYNC_KAFKA');

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
/** A command as the caller builds it: the app key is the service's own. */
export type CommandInput = Without<InboundCommand, 'appKey'>;

/**
 * What an internal service of the platform does to get a message to users' devices: emit an
 * inbound command to `im.inbound.commands.v1` with Nest's ClientKafka. The command is validated
 * here first (a command the schema refuses would only be dead-lettered by msync), keyed by its
 * conversation (order), and carries the caller's idempotency key (a re-emit is harmless).
 * `emit` resolves once the broker acknowledged the record.
 */
@Injectable()
export class MsyncCommands implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(MSYNC_KAFKA) private readonly kafka: ClientKafka,
    @Inject('MSYNC_APP_KEY') private readonly appKey: string,
  ) {}

  async onApplicationBootstrap() {
    await this.kafka.connect();
  }

  async onApplicationShutdown() {
    await this.kafka.close();
  }

  async send(input: CommandInput): Promise<void> {
    const command = inboundCommandSchema.parse({ ...input, appKey: this.appKey });
    await lastValueFrom(this.kafka.emit(Topics.inboundCommands, { key: inboundCommandKey(command), value: JSON.stringify(command) }));
  }

  /** A private message from `senderId` to `targetId` (text content, as the RongCloud `RC:TxtMsg`). */
  sendText(idempotencyKey: string, senderId: string, targetId: string, text: string, conversationType: 'private' | 'group' = 'private') {
    return this.send({ command: 'publish-message', idempotencyKey, conversationType, senderId, targetId, objectName: 'RC:TxtMsg', content: JSON.stringify({ content: text }), includeSender: true, persisted: true });
  }

  /** Recalls a message as the app (or as `senderId`, when given). */
  recall(idempotencyKey: string, messageUid: string, senderId?: string) {
    return this.send({ command: 'recall-message', idempotencyKey, messageUid, ...(senderId ? { senderId } : {}) });
  }
}
