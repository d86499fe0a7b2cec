import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, isTransientType, type ConversationType } from '@msync/contracts';
import { AppDirectory } from '@msync/platform';
import { GroupRepository, MessageRepository, type StoredMessage } from '@msync/persistence';
import { MessagePublisher } from './message-publisher';
import { TransientPublisher } from './transient-publisher';
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
  /** Carried on the Kafka records this message causes. */
  traceId?: string;
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
    private readonly transient: TransientPublisher,
  ) {}

  async execute(input: AcceptMessageInput): Promise<AcceptedMessage> {
    const [result] = await this.executeMany([input]);
    if (result instanceof DomainError) throw result;
    return result;
  }

  /**
   * The batch form (what the gateways call): each input is validated on its own and answered on its
   * own (a result or a DomainError, in input order); the valid ones are stored in one statement and
   * published in one Kafka request.
   */
  async executeMany(inputs: AcceptMessageInput[]): Promise<(AcceptedMessage | DomainError)[]> {
    const results: (AcceptedMessage | DomainError)[] = new Array(inputs.length);
    const valid: { index: number; appKey: string; traceId?: string; message: StoredMessage }[] = [];
    const transient: { index: number; appKey: string; traceId?: string; message: StoredMessage }[] = [];
    const now = Date.now();
    await Promise.all(
      inputs.map(async (input, index) => {
        try {
          const { content, isTransient } = await this.validate(input);
          (isTransient ? transient : valid).push({
            index,
            appKey: input.appKey,
            traceId: input.traceId,
            message: {
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
            },
          });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          results[index] = err;
        }
      }),
    );
    valid.sort((a, b) => a.index - b.index);
    transient.sort((a, b) => a.index - b.index);
    if (transient.length > 0) {
      await this.transient.publish(transient.map((t) => ({ appKey: t.appKey, message: t.message, toUserIds: t.message.toUserIds })));
      for (const t of transient) results[t.index] = { messageUid: t.message.messageUid, sentAt: t.message.sentAt, duplicate: false };
    }
    const stored = await this.messages.insertMany(valid);
    // A repeat whose first attempt died before publishing is published now (fan-out is idempotent).
    await this.publisher.publish(
      stored.flatMap((s, i) => (s.created || s.message.publishedAt === undefined ? [{ appKey: valid[i].appKey, traceId: valid[i].traceId, message: s.message }] : [])),
    );
    stored.forEach(({ message, created }, i) => {
      results[valid[i].index] = { messageUid: message.messageUid, sentAt: message.sentAt, duplicate: !created };
    });
    return results;
  }

  /** Returns the content as stored (a JSON text) and whether the type is transient, or throws the input's DomainError. */
  private async validate(input: AcceptMessageInput): Promise<{ content: string; isTransient: boolean }> {
    const app = await this.apps.require(input.appKey);
    const content = normaliseContent(input.content);
    const size = Buffer.byteLength(content, 'utf8');
    if (size > app.settings.maxContentBytes) {
      throw new DomainError(ErrorCodes.CONTENT_TOO_LARGE, `content is ${size} bytes; the app allows ${app.settings.maxContentBytes}`);
    }
    if (input.conversationType === 'group') await this.checkGroup(input);
    return { content, isTransient: isTransientType(input.objectName, app.settings.transientMessageTypes) };
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
