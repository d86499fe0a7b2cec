import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, type ConversationType } from '@msync/contracts';
import { AppDirectory } from '@msync/platform';
import { GroupRepository, MessageRepository } from '@msync/persistence';
import { withLogContext } from '@msync/service-kit';
import { MessagePublisher } from './message-publisher';
import { newMessageUid } from './message-uid';

export interface AcceptMessageInput {
  appKey: string;
  senderId: string;
  /** Set for device sends: spares that device its own echo. */
  senderDeviceId?: string;
  conversationType: ConversationType;
  targetId: string;
  /** Group only: deliver to these members instead of all. */
  toUserIds?: string[];
  objectName: string;
  content: string | Record<string, unknown>;
  /** Idempotency key: the same (app, sender, key) always maps to the first message. */
  clientMsgId?: string;
  /** Also append to the sender's own stream (their other devices get it). */
  includeSender: boolean;
}

export interface AcceptedMessage {
  messageUid: string;
  sentAt: number;
  duplicate: boolean;
}

/**
 * Validates, deduplicates, assigns UID and server time, stores, publishes. Resolves only when the
 * message is durable in PostgreSQL and acknowledged by Kafka, so an ack to the device means it
 * will reach every recipient.
 */
@Injectable()
export class AcceptMessageUseCase {
  constructor(
    private readonly apps: AppDirectory,
    private readonly groups: GroupRepository,
    private readonly messages: MessageRepository,
    private readonly publisher: MessagePublisher,
  ) {}

  async execute(input: AcceptMessageInput): Promise<AcceptedMessage> {
    const app = await this.apps.require(input.appKey);
    const content = normaliseContent(input.content);
    const size = Buffer.byteLength(content, 'utf8');
    if (size > app.settings.maxContentBytes) {
      throw new DomainError(ErrorCodes.CONTENT_TOO_LARGE, `content is ${size} bytes; the app allows ${app.settings.maxContentBytes}`);
    }
    if (input.conversationType === 'group') await this.checkGroup(input);

    const now = Date.now();
    const { message, created } = await this.messages.insertOnce(input.appKey, {
      messageUid: newMessageUid(now),
      conversationType: input.conversationType,
      senderId: input.senderId,
      targetId: input.targetId,
      objectName: input.objectName,
      content,
      sentAt: now,
      senderDeviceId: input.senderDeviceId,
      clientMsgId: input.clientMsgId,
      includeSender: input.includeSender,
      toUserIds: input.toUserIds,
    });
    // A duplicate whose first attempt died before publishing is published now (fan-out is idempotent).
    if (created || message.publishedAt === undefined) {
      await withLogContext({ appKey: input.appKey, messageUid: message.messageUid }, () => this.publisher.publish(input.appKey, message));
    }
    return { messageUid: message.messageUid, sentAt: message.sentAt, duplicate: !created };
  }

  private async checkGroup(input: AcceptMessageInput) {
    if (!(await this.groups.exists(input.appKey, input.targetId))) {
      throw new DomainError(ErrorCodes.CONVERSATION_UNKNOWN, `group "${input.targetId}" does not exist`);
    }
    if (!(await this.groups.isMember(input.appKey, input.targetId, input.senderId))) {
      throw new DomainError(ErrorCodes.NOT_A_MEMBER, `${input.senderId} is not a member of group "${input.targetId}"`);
    }
  }
}

function normaliseContent(content: string | Record<string, unknown>): string {
  if (typeof content !== 'string') return JSON.stringify(content);
  try {
    JSON.parse(content);
  } catch {
    throw new DomainError(ErrorCodes.INVALID_FIELD, 'content: must be a JSON text');
  }
  return content;
}
