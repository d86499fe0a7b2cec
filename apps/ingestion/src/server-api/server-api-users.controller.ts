import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { issueDeviceToken } from '@msync/auth';
import type { KnownApp } from '@msync/platform';
import { SessionRepository, UserAccessRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { SignedApp } from '../auth/app-signature.guard';
import { UserAccessService } from '../management/user-access.service';
import { Endpoints, routeOf } from './endpoints';
import type { ServerApiRequest } from './form-body.middleware';
import { ServerApiReq, paramsOf } from './form-params.decorator';
import { ServerApiExceptionFilter } from './server-api.filter';
import { ServerApiGuard } from './server-api.guard';
import { ServerApiThrottlerGuard } from './server-api-throttler.guard';

const utcDateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Server API: users, tokens and blocks. */
@Controller()
@UseGuards(ServerApiGuard, ServerApiThrottlerGuard)
@UseFilters(ServerApiExceptionFilter)
export class ServerApiUsersController {
  private readonly log = loggerFor('ServerApi');

  constructor(
    private readonly sessions: SessionRepository,
    private readonly access: UserAccessRepository,
    private readonly blocks: UserAccessService,
  ) {}

  /** Users need no registration here: a token is all a device needs; name and portrait are not kept. */
  @Post(routeOf(Endpoints.getToken))
  @HttpCode(200)
  getToken(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId } = paramsOf(Endpoints.getToken, req);
    const { token, claims } = issueDeviceToken(app.secret, { appKey: app.appKey, userId });
    this.log.info({ appKey: app.appKey, userId, tokenId: claims.tokenId }, 'token issued');
    return { code: 200, userId, token };
  }

  @Post(routeOf(Endpoints.checkOnline))
  @HttpCode(200)
  async checkOnline(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId } = paramsOf(Endpoints.checkOnline, req);
    const online = await this.sessions.online(app.appKey, userId);
    return { code: 200, status: online.length > 0 ? '1' : '0' };
  }

  @Post(routeOf(Endpoints.block))
  @HttpCode(200)
  async block(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId, minute } = paramsOf(Endpoints.block, req);
    await this.blocks.block(app.appKey, userId, minute, { revokeTokens: false });
    return { code: 200 };
  }

  @Post(routeOf(Endpoints.unblock))
  @HttpCode(200)
  async unblock(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId } = paramsOf(Endpoints.unblock, req);
    await this.blocks.unblock(app.appKey, userId);
    return { code: 200 };
  }

  @Post(routeOf(Endpoints.blockQuery))
  @HttpCode(200)
  async blockQuery(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    paramsOf(Endpoints.blockQuery, req);
    const blocked = await this.access.blocked(app.appKey);
    return { code: 200, users: blocked.map((b) => ({ userId: b.userId, id: b.userId, blockEndTime: utcDateTime(b.blockedUntil) })) };
  }

  @Post(routeOf(Endpoints.expireTokens))
  @HttpCode(200)
  async expireTokens(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId, time } = paramsOf(Endpoints.expireTokens, req);
    for (const user of userId) await this.access.expireTokens(app.appKey, user, new Date(time));
    this.log.info({ appKey: app.appKey, users: userId.length, notBefore: time }, 'tokens expired');
    return { code: 200 };
  }
}
