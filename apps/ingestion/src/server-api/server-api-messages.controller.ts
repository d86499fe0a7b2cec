import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { RecallClient, type KnownApp } from '@msync/platform';
import { loggerFor } from '@msync/service-kit';
import { SignedApp } from '../auth/app-signature.guard';
import { PublishMessagesUseCase, type PublishRequest, type PublishedMessage } from '../messages/publish-messages.usecase';
import { Endpoints, routeOf } from './endpoints';
import type { ServerApiRequest } from './form-body.middleware';
import { ServerApiReq, paramsOf } from './form-params.decorator';
import { RcCode, ServerApiError } from './server-api-error';
import { ServerApiExceptionFilter } from './server-api.filter';
import { ServerApiGuard } from './server-api.guard';
import { ServerApiThrottlerGuard } from './server-api-throttler.guard';

const CONVERSATION_TYPES: Record<number, string> = { 1: 'private', 3: 'group', 6: 'system' };
/** `msgRandom` dedups per sender and target: one request to N recipients is N messages. */
const msgRandomKey = (msgRandom: string | undefined) => (msgRandom ? (targetId: string) => `msgRandom:${msgRandom}:${targetId}` : undefined);

interface CommonPublishParams {
  fromUserId: string;
  objectName: string;
  content: string;
  isIncludeSender: boolean;
  msgRandom?: string;
}

/** The publish answer: one `messageUIDs` entry per recipient (`userId`) or group (`groupId`), plus our `sentTime`. */
function answer(targetField: 'userId' | 'groupId', published: PublishedMessage[]) {
  return { code: 200, messageUIDs: published.map((m) => ({ [targetField]: m.targetId, messageUID: m.messageUid, sentTime: m.sentAt })) };
}

/**
 * Server API: publish and recall. A publish answers after every message is stored in PostgreSQL and
 * acknowledged by Kafka (transient ones: after Kafka acknowledged their deliveries).
 */
@Controller()
@UseGuards(ServerApiGuard, ServerApiThrottlerGuard)
@UseFilters(ServerApiExceptionFilter)
export class ServerApiMessagesController {
  private readonly log = loggerFor('ServerApi');

  constructor(
    private readonly publisher: PublishMessagesUseCase,
    private readonly recalls: RecallClient,
  ) {}

  @Post(routeOf(Endpoints.privatePublish))
  @HttpCode(200)
  async privatePublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.privatePublish, req);
    return answer('userId', await this.publish(app, p, { conversationType: 'private', targetIds: p.toUserId, persisted: p.isPersisted }));
  }

  @Post(routeOf(Endpoints.groupPublish))
  @HttpCode(200)
  async groupPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.groupPublish, req);
    if (p.toUserId.length > 0 && p.toGroupId.length !== 1) throw new ServerApiError(RcCode.PARAMETER, 'toUserId: a directed message goes to exactly one group');
    const toUserIds = p.toUserId.length > 0 ? p.toUserId : undefined;
    return answer('groupId', await this.publish(app, p, { conversationType: 'group', targetIds: p.toGroupId, toUserIds, persisted: p.isPersisted }));
  }

  @Post(routeOf(Endpoints.systemPublish))
  @HttpCode(200)
  async systemPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.systemPublish, req);
    return answer('userId', await this.publish(app, p, { conversationType: 'system', targetIds: p.toUserId, persisted: p.isPersisted }));
  }

  @Post(routeOf(Endpoints.privateStatusPublish))
  @HttpCode(200)
  async privateStatusPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.privateStatusPublish, req);
    return answer('userId', await this.publish(app, p, { conversationType: 'private', targetIds: p.toUserId, persisted: false }));
  }

  @Post(routeOf(Endpoints.groupStatusPublish))
  @HttpCode(200)
  async groupStatusPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.groupStatusPublish, req);
    return answer('groupId', await this.publish(app, p, { conversationType: 'group', targetIds: p.toGroupId, persisted: false }));
  }

  /** The message is found by its UID; `fromUserId` must be its sender. conversationType, targetId and sentTime are advisory. */
  @Post(routeOf(Endpoints.recall))
  @HttpCode(200)
  async recall(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.recall, req);
    if (!CONVERSATION_TYPES[p.conversationType]) throw new ServerApiError(RcCode.PARAMETER, 'conversationType: 1 (private), 3 (group) or 6 (system)');
    await this.recalls.recall({ appKey: app.appKey, messageUid: p.messageUID, userId: p.fromUserId });
    this.log.info({ appKey: app.appKey, userId: p.fromUserId, messageUid: p.messageUID }, 'message recalled');
    return { code: 200 };
  }

  /** The parameters every publish endpoint shares, plus what differs between them. */
  private async publish(
    app: KnownApp,
    p: CommonPublishParams,
    target: Pick<PublishRequest, 'conversationType' | 'targetIds' | 'toUserIds' | 'persisted'>,
  ): Promise<PublishedMessage[]> {
    const req: PublishRequest = {
      appKey: app.appKey,
      senderId: p.fromUserId,
      objectName: p.objectName,
      content: p.content,
      includeSender: p.isIncludeSender,
      // Status messages are never stored, so there is nothing to deduplicate against.
      dedupKeyOf: target.persisted ? msgRandomKey(p.msgRandom) : undefined,
      ...target,
    };
    const published = await this.publisher.execute(req);
    for (const m of published) {
      this.log.info({ appKey: req.appKey, userId: req.senderId, messageUid: m.messageUid, duplicate: m.duplicate, persisted: req.persisted }, 'message published');
    }
    return published;
  }
}
