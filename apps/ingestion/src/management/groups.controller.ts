import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCodes, groupIdSchema, userIdSchema } from '@msync/contracts';
import type { KnownApp } from '@msync/platform';
import { GroupRepository } from '@msync/persistence';
import { parseInput } from '@msync/service-kit';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';

const createSchema = z.strictObject({
  groupId: groupIdSchema,
  name: z.string().max(128).default(''),
  members: z.array(userIdSchema).max(3000).default([]),
});
const membersSchema = z.strictObject({ userIds: z.array(userIdSchema).min(1).max(1000) });

/** Groups and membership (management API). A member receives group messages sent while they are in the group. */
@Controller('v1/groups')
@UseGuards(AppSignatureGuard)
export class GroupsController {
  constructor(private readonly groups: GroupRepository) {}

  @Post()
  async create(@SignedApp() app: KnownApp, @Body() body: unknown) {
    const input = parseInput(createSchema, body);
    if (!(await this.groups.create(app.appKey, input.groupId, input.name, input.members))) {
      throw new DomainError(ErrorCodes.CONFLICT, `group "${input.groupId}" exists`);
    }
    return { groupId: input.groupId, members: await this.groups.currentMembers(app.appKey, input.groupId) };
  }

  @Get(':groupId/members')
  async members(@SignedApp() app: KnownApp, @Param('groupId') groupId: string) {
    await this.requireGroup(app.appKey, groupId);
    return { groupId, members: await this.groups.currentMembers(app.appKey, groupId) };
  }

  @Post(':groupId/members')
  @HttpCode(200)
  async add(@SignedApp() app: KnownApp, @Param('groupId') groupId: string, @Body() body: unknown) {
    const { userIds } = parseInput(membersSchema, body);
    await this.requireGroup(app.appKey, groupId);
    await this.groups.join(app.appKey, groupId, userIds);
    return { groupId, members: await this.groups.currentMembers(app.appKey, groupId) };
  }

  @Post(':groupId/members/remove')
  @HttpCode(200)
  async remove(@SignedApp() app: KnownApp, @Param('groupId') groupId: string, @Body() body: unknown) {
    const { userIds } = parseInput(membersSchema, body);
    await this.requireGroup(app.appKey, groupId);
    await this.groups.leave(app.appKey, groupId, userIds);
    return { groupId, members: await this.groups.currentMembers(app.appKey, groupId) };
  }

  @Post(':groupId/dismiss')
  @HttpCode(200)
  async dismiss(@SignedApp() app: KnownApp, @Param('groupId') groupId: string) {
    await this.requireGroup(app.appKey, groupId);
    await this.groups.dismiss(app.appKey, groupId);
    return { groupId, dismissed: true };
  }

  private async requireGroup(appKey: string, groupId: string) {
    parseInput(groupIdSchema, groupId);
    if (!(await this.groups.exists(appKey, groupId))) throw new DomainError(ErrorCodes.CONVERSATION_UNKNOWN, `group "${groupId}" does not exist`);
  }
}
