import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { KnownApp } from '@msync/platform';
import { GroupRepository } from '@msync/persistence';
import { SignedApp } from '../auth/app-signature.guard';
import { Endpoints, routeOf } from './endpoints';
import type { ServerApiRequest } from './form-body.middleware';
import { ServerApiReq, paramsOf } from './form-params.decorator';
import { RcCode, ServerApiError } from './server-api-error';
import { ServerApiExceptionFilter } from './server-api.filter';
import { ServerApiGuard } from './server-api.guard';
import { ServerApiThrottlerGuard } from './server-api-throttler.guard';

/** Server API: groups as plain membership lists (no owner, no roles). Membership history is kept, so a member gets what was sent while in. */
@Controller()
@UseGuards(ServerApiGuard, ServerApiThrottlerGuard)
@UseFilters(ServerApiExceptionFilter)
export class ServerApiGroupsController {
  constructor(private readonly groups: GroupRepository) {}

  @Post(routeOf(Endpoints.groupCreate))
  @HttpCode(200)
  async create(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId, groupId, groupName } = paramsOf(Endpoints.groupCreate, req);
    await this.createOrJoin(app.appKey, groupId, groupName, userId);
    return { code: 200 };
  }

  @Post(routeOf(Endpoints.groupJoin))
  @HttpCode(200)
  async join(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId, groupId, groupName } = paramsOf(Endpoints.groupJoin, req);
    await this.createOrJoin(app.appKey, groupId, groupName, userId);
    return { code: 200 };
  }

  @Post(routeOf(Endpoints.groupQuit))
  @HttpCode(200)
  async quit(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { userId, groupId } = paramsOf(Endpoints.groupQuit, req);
    await this.requireGroup(app.appKey, groupId);
    await this.groups.leave(app.appKey, groupId, userId);
    return { code: 200 };
  }

  @Post(routeOf(Endpoints.groupDismiss))
  @HttpCode(200)
  async dismiss(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { groupId } = paramsOf(Endpoints.groupDismiss, req);
    await this.requireGroup(app.appKey, groupId);
    await this.groups.dismiss(app.appKey, groupId);
    return { code: 200 };
  }

  @Post(routeOf(Endpoints.groupMembers))
  @HttpCode(200)
  async members(@SignedApp() app: KnownApp, @ServerApiReq() req: ServerApiRequest) {
    const { groupId } = paramsOf(Endpoints.groupMembers, req);
    await this.requireGroup(app.appKey, groupId);
    const members = await this.groups.currentMembers(app.appKey, groupId);
    return { code: 200, id: groupId, users: members.map((id) => ({ id })) };
  }

  /** Creating a group that exists adds the members (its name stays); both are one transaction each. */
  private async createOrJoin(appKey: string, groupId: string, name: string | undefined, members: string[]) {
    if (await this.groups.create(appKey, groupId, name ?? '', members)) return;
    await this.groups.join(appKey, groupId, members);
  }

  private async requireGroup(appKey: string, groupId: string) {
    if (!(await this.groups.exists(appKey, groupId))) throw new ServerApiError(RcCode.PARAMETER, `groupId: group "${groupId}" does not exist`);
  }
}
