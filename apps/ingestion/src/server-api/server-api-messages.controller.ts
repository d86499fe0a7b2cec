import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { KnownApp } from '@msync/platform';
import { loggerFor } from '@msync/service-kit';
import { SignedApp } from '../auth/app-signature.guard';
import { PublishMessagesUseCase, type PublishRequest, type PublishedMessage } from '../messages/publish-messages.usecase';
import { RecallClient } from '../messages/recall-client';
import { Endpoints, routeOf } from './endpoints';
import type { ServerApiRequest } from './form-body.middleware';
import { ServerApiReq, paramsOf } from './form-params.decorator';
import { RcCode, ServerApiError } from './server-api-error';
import { ServerApiExceptionFilter } from './server-api.filter';
import { ServerApiGuard } from './server-api.guard';

const CONVERSATION_TYPES: Record<number, string> = { 1: 'private', 3: 'group', 6: 'system' };
/** `msgRandom` dedups per sender and target: one request to N recipients is N messages. */
const msgRandomKey = (msgRandom: string | undefined) => (msgRandom ? (targetId: string) => `msgRandom:${msgRandom}:${targetId}` : undefined);

/**
 * Server API: publish and recall. A publish answers after every message is stored in PostgreSQL and
 * acknowledged by Kafka (transient ones: after Kafka acknowledged their deliveries).
 */
@Controller()
@UseGuards(ServerApiGuard)
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
    const published = await this.publish({
      appKey: app.appKey,
      senderId: p.fromUserId,
      conversationType: 'private',
      targetIds: p.toUserId,
      objectName: p.objectName,
      content: p.content,
      includeSender: p.isIncludeSender,
      persisted: p.isPersisted,
      dedupKeyOf: msgRandomKey(p.msgRandom),
    });
    return { code: 200, messageUIDs: published.map((m) => ({ userId: m.targetId, messageUID: m.messageUid, sentTime: m.sentAt })) };
  }

  @Post(routeOf(Endpoints.groupPublish))
  @HttpCode(200)
  async groupPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.groupPublish, req);
    if (p.toUserId.length > 0 && p.toGroupId.length !== 1) throw new ServerApiError(RcCode.PARAMETER, 'toUserId: a directed message goes to exactly one group');
    const published = await this.publish({
      appKey: app.appKey,
      senderId: p.fromUserId,
      conversationType: 'group',
      targetIds: p.toGroupId,
      toUserIds: p.toUserId.length > 0 ? p.toUserId : undefined,
      objectName: p.objectName,
      content: p.content,
      includeSender: p.isIncludeSender,
      persisted: p.isPersisted,
      dedupKeyOf: msgRandomKey(p.msgRandom),
    });
    return { code: 200, messageUIDs: published.map((m) => ({ groupId: m.targetId, messageUID: m.messageUid, sentTime: m.sentAt })) };
  }

  @Post(routeOf(Endpoints.systemPublish))
  @HttpCode(200)
  async systemPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.systemPublish, req);
    const published = await this.publish({
      appKey: app.appKey,
      senderId: p.fromUserId,
      conversationType: 'system',
      targetIds: p.toUserId,
      objectName: p.objectName,
      content: p.content,
      includeSender: p.isIncludeSender,
      persisted: p.isPersisted,
      dedupKeyOf: msgRandomKey(p.msgRandom),
    });
    return { code: 200, messageUIDs: published.map((m) => ({ userId: m.targetId, messageUID: m.messageUid, sentTime: m.sentAt })) };
  }

  @Post(routeOf(Endpoints.privateStatusPublish))
  @HttpCode(200)
  async privateStatusPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.privateStatusPublish, req);
    const published = await this.publish({
      appKey: app.appKey,
      senderId: p.fromUserId,
      conversationType: 'private',
      targetIds: p.toUserId,
      objectName: p.objectName,
      content: p.content,
      includeSender: p.isIncludeSender,
      persisted: false,
    });
    return { code: 200, messageUIDs: published.map((m) => ({ userId: m.targetId, messageUID: m.messageUid, sentTime: m.sentAt })) };
  }

  @Post(routeOf(Endpoints.groupStatusPublish))
  @HttpCode(200)
  async groupStatusPublish(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const p = paramsOf(Endpoints.groupStatusPublish, req);
    const published = await this.publish({
      appKey: app.appKey,
      senderId: p.fromUserId,
      conversationType: 'group',
      targetIds: p.toGroupId,
      objectName: p.objectName,
      content: p.content,
      includeSender: p.isIncludeSender,
      persisted: false,
    });
    return { code: 200, messageUIDs: published.map((m) => ({ groupId: m.targetId, messageUID: m.messageUid, sentTime: m.sentAt })) };
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

  private async publish(req: PublishRequest): Promise<PublishedMessage[]> {
    const published = await this.publisher.execute(req);
    for (const m of published) {
      this.log.info({ appKey: req.appKey, userId: req.senderId, messageUid: m.messageUid, duplicate: m.duplicate, persisted: req.persisted }, 'message published');
    }
    return published;
  }
}
