import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Blocks and token floors: who may not log in, and which tokens no longer count. */
@Injectable()
export class UserAccessRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Blocks until `until`. By default every token issued so far stops counting too; the Server API
   * keeps them (RongCloud semantics: after the ban the client reconnects with the token it has).
   */
  async block(appKey: string, userId: string, until: Date, options: { revokeTokens?: boolean } = {}): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO user_blocks (app_key, user_id, blocked_until) VALUES ($1, $2, $3)
         ON CONFLICT (app_key, user_id) DO UPDATE SET blocked_until = EXCLUDED.blocked_until`,
        [appKey, userId, until],
      );
      if (options.revokeTokens === false) return;
      await tx.query(
        `INSERT INTO user_token_floors (app_key, user_id, not_before) VALUES ($1, $2, now())
         ON CONFLICT (app_key, user_id) DO UPDATE SET not_before = now()`,
        [appKey, userId],
      );
    });
  }

  async unblock(appKey: string, userId: string): Promise<void> {
    await this.db.query(`DELETE FROM user_blocks WHERE app_key = $1 AND user_id = $2`, [appKey, userId]);
  }

  async blocked(appKey: string): Promise<{ userId: string; blockedUntil: number }[]> {
    const rows: { user_id: string; blocked_until: Date }[] = await this.db.query(
      `SELECT user_id, blocked_until FROM user_blocks WHERE app_key = $1 AND blocked_until > now() ORDER BY user_id`,
      [appKey],
    );
    return rows.map((r) => ({ userId: r.user_id, blockedUntil: r.blocked_until.getTime() }));
  }

  /** Tokens issued before `notBefore` stop working (existing connections are not dropped by this). */
  async expireTokens(appKey: string, userId: string, notBefore: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO user_token_floors (app_key, user_id, not_before) VALUES ($1, $2, $3)
       ON CONFLICT (app_key, user_id) DO UPDATE SET not_before = GREATEST(user_token_floors.not_before, EXCLUDED.not_before)`,
      [appKey, userId, notBefore],
    );
  }
}
