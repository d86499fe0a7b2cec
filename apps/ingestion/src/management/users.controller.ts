import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { deviceIdSchema, userIdSchema } from '@msync/contracts';
import type { KnownApp } from '@msync/platform';
import { DeviceRepository, SessionRepository } from '@msync/persistence';
import { parseInput } from '@msync/service-kit';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';
import { SessionControl } from './session-control';
import { UserAccessService } from './user-access.service';

const logoutSchema = z.strictObject({ deviceId: deviceIdSchema.optional() });
const blockSchema = z.strictObject({ minutes: z.number().int().min(1).max(43_200).default(43_200) });

/** Presence and device management of an app's users (management API). */
@Controller('v1/users/:userId')
@UseGuards(AppSignatureGuard)
export class UsersController {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly devices: DeviceRepository,
    private readonly access: UserAccessService,
    private readonly control: SessionControl,
  ) {}

  @Get('presence')
  async presence(@SignedApp() app: KnownApp, @Param('userId') userId: string) {
    const online = await this.sessions.online(app.appKey, parseInput(userIdSchema, userId));
    return { userId, online: online.length > 0, sessions: online.map((s) => ({ deviceId: s.deviceId, platform: s.platform, connectedAt: s.connectedAt })) };
  }

  @Get('devices')
  async list(@SignedApp() app: KnownApp, @Param('userId') userId: string) {
    const user = parseInput(userIdSchema, userId);
    const [devices, online] = await Promise.all([this.devices.list(app.appKey, user), this.sessions.online(app.appKey, user)]);
    return {
      userId,
      devices: devices.map((d) => {
        const session = online.find((s) => s.deviceId === d.deviceId);
        return { ...d, online: Boolean(session), connectedSince: session?.connectedAt ?? null };
      }),
    };
  }

  /** Force logout of one device or all devices of the user. */
  @Post('logout')
  @HttpCode(200)
  async logout(@SignedApp() app: KnownApp, @Param('userId') userId: string, @Body() body: unknown) {
    const user = parseInput(userIdSchema, userId);
    const { deviceId } = parseInput(logoutSchema, body ?? {});
    const ended = await this.sessions.removeUser(app.appKey, user, deviceId);
    await this.control.kick(app.appKey, user, 'forced_logout', ended, deviceId);
    return { userId, loggedOut: ended.map((s) => s.deviceId) };
  }

  /** Tokens revoked, sessions kicked, new logins refused until unblocked (or the time runs out). */
  @Post('block')
  @HttpCode(200)
  async block(@SignedApp() app: KnownApp, @Param('userId') userId: string, @Body() body: unknown) {
    const user = parseInput(userIdSchema, userId);
    const { minutes } = parseInput(blockSchema, body ?? {});
    const until = await this.access.block(app.appKey, [user], minutes, { revokeTokens: true });
    return { userId, blockedUntil: until.getTime() };
  }

  @Post('unblock')
  @HttpCode(200)
  async unblock(@SignedApp() app: KnownApp, @Param('userId') userId: string) {
    await this.access.unblock(app.appKey, [parseInput(userIdSchema, userId)]);
    return { userId, blocked: false };
  }
}
