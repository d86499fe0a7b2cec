import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, findInputProblem, isTransientType, type ConversationType } from '@msync/contracts';
import { loggerFor, toDomainError } from '@msync/service-kit';
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
  /** Deliver to devices online now only, never store (status messages, Server API `isPersisted=0`). */
  forceTransient?: boolean;
  /** The app speaks for the sender (Server API): a group sender need not be a member. */
  senderMayBeOutsideGroup?: boolean;
  /**
   * The sender's devices online now get a transient copy. For a Server API `isIncludeSender=1`
   * message that is not appended to the sender's stream (multi-device sync off, or transient).
   */
  senderOnlineCopy?: boolean;
}

export interface AcceptedMessage {
  messageUid: string;
  sentAt: number;
  duplicate: boolean;
}

interface Prepared {
  appKey: string;
  traceId?: string;
  isTransient: boolean;
  senderOnlineCopy: boolean;
  message: StoredMessage;
}

/**
 * Validates, deduplicates, assigns UID and server time, stores, publishes. Resolves only when the
 * message is durable in PostgreSQL and acknowledged by Kafka, so an ack to the device means it
 * will reach every recipient.
 */
@Injectable()
export class AcceptMessageUseCase {
  private readonly log = loggerFor('AcceptMessageUseCase');

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
    const validated = await this.validateEach(inputs);
    const valid = validated.flatMap((v) => (v instanceof DomainError ? [] : [v]));
    const accepted = await this.commitEach(valid);
    let next = 0;
    return validated.map((v) => (v instanceof DomainError ? v : accepted[next++]));
  }

  /**
   * One statement for the batch; if it fails for a reason other than a dependency being down, each
   * item is committed on its own, so an item that breaks the statement fails alone (its neighbours,
   * other users' sends, are accepted). Committing again is safe: inserts are idempotent by clientMsgId.
   */
  private async commitEach(prepared: Prepared[]): Promise<(AcceptedMessage | DomainError)[]> {
    try {
      return await this.commit(prepared);
    } catch (err) {
      const failure = toDomainError(err);
      if (failure.code === ErrorCodes.UNAVAILABLE || prepared.length === 1) {
        if (failure.code === ErrorCodes.INTERNAL) this.log.error({ err, appKey: prepared[0].appKey }, 'could not accept a message');
        return prepared.map(() => failure);
      }
      this.log.warn({ err, items: prepared.length }, 'batch commit failed; committing its items one by one');
      const results: (AcceptedMessage | DomainError)[] = [];
      for (const item of prepared) results.push(...(await this.commitEach([item])));
      return results;
    }
  }

  /**
   * All or nothing (one Server API request): when any input is invalid, its error is thrown and
   * nothing is stored or delivered; otherwise all are stored in one statement.
   */
  async executeAll(inputs: AcceptMessageInput[]): Promise<AcceptedMessage[]> {
    const validated = await this.validateEach(inputs);
    const invalid = validated.find((v): v is DomainError => v instanceof DomainError);
    if (invalid) throw invalid;
    return this.commit(validated as Prepared[]);
  }

  private async validateEach(inputs: AcceptMessageInput[]): Promise<(Prepared | DomainError)[]> {
    const now = Date.now();
    return Promise.all(
      inputs.map(async (input) => {
        try {
          const { content, isTransient } = await this.validate(input);
          const message: StoredMessage = {
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
          };
          return { appKey: input.appKey, traceId: input.traceId, isTransient, senderOnlineCopy: input.senderOnlineCopy ?? false, message };
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          return err;
        }
      }),
    );
  }

  /** Delivers the transient ones, stores and publishes the rest; answers in input order. */
  private async commit(prepared: Prepared[]): Promise<AcceptedMessage[]> {
    const transient = prepared.filter((p) => p.isTransient);
    const durable = prepared.filter((p) => !p.isTransient);
    const answers = new Map<Prepared, AcceptedMessage>();
    if (transient.length > 0) {
      await this.transient.publish(
        transient.map((t) => ({ appKey: t.appKey, message: t.message, toUserIds: t.message.toUserIds, audience: t.senderOnlineCopy ? ('recipients-and-sender' as const) : ('recipients' as const) })),
      );
      for (const t of transient) answers.set(t, { messageUid: t.message.messageUid, sentAt: t.message.sentAt, duplicate: false });
    }
    const stored = await this.messages.insertMany(durable);
    // A repeat whose first attempt died before publishing is published now (fan-out is idempotent).
    await this.publisher.publish(
      stored.flatMap((s, i) => (s.created || s.message.publishedAt === undefined ? [{ appKey: durable[i].appKey, traceId: durable[i].traceId, message: s.message }] : [])),
    );
    const senderCopies = stored.flatMap((s, i) => (s.created && durable[i].senderOnlineCopy ? [{ appKey: durable[i].appKey, message: s.message, audience: 'sender' as const }] : []));
    if (senderCopies.length > 0) await this.transient.publish(senderCopies);
    stored.forEach(({ message, created }, i) => answers.set(durable[i], { messageUid: message.messageUid, sentAt: message.sentAt, duplicate: !created }));
    return prepared.map((p) => answers.get(p)!);
  }

  /** Returns the content as stored (a JSON text) and whether the type is transient, or throws the input's DomainError. */
  private async validate(input: AcceptMessageInput): Promise<{ content: string; isTransient: boolean }> {
    const app = await this.apps.require(input.appKey);
    const content = normaliseContent(input.content);
    // Kafka commands reach this without the HTTP edge's checks; what PostgreSQL cannot store fails here, alone.
    const problem = findInputProblem({ objectName: input.objectName, clientMsgId: input.clientMsgId, targetId: input.targetId, toUserIds: input.toUserIds });
    if (problem) throw new DomainError(ErrorCodes.INVALID_FIELD, problem.message);
    const size = Buffer.byteLength(content, 'utf8');
    if (size > app.settings.maxContentBytes) {
      throw new DomainError(ErrorCodes.CONTENT_TOO_LARGE, `content is ${size} bytes; the app allows ${app.settings.maxContentBytes}`);
    }
    if (input.conversationType === 'group') await this.checkGroup(input);
    return { content, isTransient: input.forceTransient === true || isTransientType(input.objectName, app.settings.transientMessageTypes) };
  }

  private async checkGroup(input: AcceptMessageInput) {
    if (!(await this.groups.exists(input.appKey, input.targetId))) {
      throw new DomainError(ErrorCodes.CONVERSATION_UNKNOWN, `group "${input.targetId}" does not exist`);
    }
    if (!input.senderMayBeOutsideGroup && !(await this.groups.isMember(input.appKey, input.targetId, input.senderId))) {
      throw new DomainError(ErrorCodes.NOT_A_MEMBER, `${input.senderId} is not a member of group "${input.targetId}"`);
    }
  }
}

/**
 * The content as a JSON text that PostgreSQL's jsonb accepts. A JSON text (Server API, Kafka commands)
 * is parsed and walked here, since an escape such as `\u0000` passes every text check as it is. Object
 * content only arrives through an HTTP route, whose body InputSafetyGuard walked already (and device
 * frames through the gateway's own walk): not walked a second time on the hot path.
 */
function normaliseContent(content: string | Record<string, unknown>): string {
  if (typeof content !== 'string') return JSON.stringify(content);
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new DomainError(ErrorCodes.INVALID_FIELD, 'content: must be a JSON text');
  }
  const problem = findInputProblem(value);
  if (problem) throw new DomainError(ErrorCodes.INVALID_FIELD, `content ${problem.message}`);
  return content;
}
