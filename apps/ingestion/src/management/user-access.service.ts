import { Injectable } from '@nestjs/common';
import { SessionRepository, UserAccessRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { SessionControl } from './session-control';

/** Blocking users (management API and Server API): logins refused until the end, live sessions kicked. */
@Injectable()
export class UserAccessService {
  private readonly log = loggerFor('UserAccessService');

  constructor(
    private readonly access: UserAccessRepository,
    private readonly sessions: SessionRepository,
    private readonly control: SessionControl,
  ) {}

  /**
   * Blocks each user for `minutes` and kicks every session they have. `revokeTokens`: tokens issued
   * so far stay invalid after the block too (management API); the Server API keeps them.
   */
  async block(appKey: string, userIds: string[], minutes: number, options: { revokeTokens: boolean }): Promise<Date> {
    const until = new Date(Date.now() + minutes * 60_000);
    for (const userId of userIds) {
      await this.access.block(appKey, userId, until, options);
      const ended = await this.sessions.removeUser(appKey, userId);
      await this.control.kick(appKey, userId, 'user_blocked', ended);
      this.log.info({ appKey, userId, minutes, kicked: ended.length }, 'user blocked');
    }
    return until;
  }

  async unblock(appKey: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      await this.access.unblock(appKey, userId);
      this.log.info({ appKey, userId }, 'user unblocked');
    }
  }
}
