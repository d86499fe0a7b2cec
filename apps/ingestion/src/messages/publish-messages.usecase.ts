import { Injectable } from '@nestjs/common';
import { isTransientType, type ConversationType } from '@msync/contracts';
import { AppDirectory } from '@msync/platform';
import { AcceptMessageUseCase, type AcceptMessageInput } from './accept-message.usecase';

/** One publish as the app asks for it (Server API request or inbound Kafka command). */
export interface PublishRequest {
  appKey: string;
  senderId: string;
  conversationType: ConversationType;
  /** Recipients (private, system) or groups (group): one message, one UID each. */
  targetIds: string[];
  /** Group only: deliver to these members instead of all. */
  toUserIds?: string[];
  objectName: string;
  content: string;
  /** Server API `isIncludeSender`. */
  includeSender: boolean;
  /** false: the transient path (status messages, `isPersisted=0`): online devices only, never stored. */
  persisted: boolean;
  /** The message's dedup key for each target; a repeat answers the first UIDs and creates nothing. */
  dedupKeyOf?: (targetId: string) => string;
  traceId?: string;
}

export interface PublishedMessage {
  targetId: string;
  messageUid: string;
  sentAt: number;
  duplicate: boolean;
}

/**
 * Publishes on behalf of the app: the same rules for the HTTP Server API and the inbound Kafka
 * topic. All or nothing: an invalid target (unknown group, content too large) fails the whole
 * request before anything is stored or delivered.
 *
 * `includeSender`: with multi-device sync on, a stored message goes into the sender's stream too
 * (every device of the sender gets it, an offline one when it reconnects); with sync off, or for a
 * transient message, only the sender's devices online now get a copy. Without it the sender's
 * devices get nothing.
 */
@Injectable()
export class PublishMessagesUseCase {
  constructor(
    private readonly apps: AppDirectory,
    private readonly accept: AcceptMessageUseCase,
  ) {}

  async execute(req: PublishRequest): Promise<PublishedMessage[]> {
    const app = await this.apps.require(req.appKey);
    const transient = !req.persisted || isTransientType(req.objectName, app.settings.transientMessageTypes);
    const intoSenderStream = req.includeSender && !transient && app.settings.multiDeviceSync;
    const inputs: AcceptMessageInput[] = req.targetIds.map((targetId) => ({
      appKey: req.appKey,
      senderId: req.senderId,
      conversationType: req.conversationType,
      targetId,
      toUserIds: req.toUserIds,
      objectName: req.objectName,
      content: req.content,
      clientMsgId: req.dedupKeyOf?.(targetId),
      includeSender: intoSenderStream,
      senderOnlineCopy: req.includeSender && !intoSenderStream,
      forceTransient: transient,
      senderMayBeOutsideGroup: true,
      traceId: req.traceId,
    }));
    const accepted = await this.accept.executeAll(inputs);
    return accepted.map((a, i) => ({ targetId: req.targetIds[i], ...a }));
  }
}
