import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Groups and membership history. Every query is scoped by app. */
@Injectable()
export class GroupRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the group (or revives a dismissed one) and adds the members; returns false when it already exists. */
  async create(appKey: string, groupId: string, name: string, members: string[], at = new Date()): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows: unknown[] = await tx.query(
        `INSERT INTO groups (app_key, group_id, name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_key, group_id) DO UPDATE SET dismissed_at = NULL, name = EXCLUDED.name
           WHERE groups.dismissed_at IS NOT NULL
         RETURNING group_id`,
        [appKey, groupId, name, at],
      );
      if (rows.length === 0) return false;
      await this.join(appKey, groupId, members, at, tx.query.bind(tx));
      return true;
    });
  }

  async exists(appKey: string, groupId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM groups WHERE app_key = $1 AND group_id = $2 AND dismissed_at IS NULL`, [appKey, groupId]);
    return rows.length > 0;
  }

  /** Adds members from `at` on; members already in the group keep their original join time. */
  async join(appKey: string, groupId: string, userIds: string[], at = new Date(), query = this.db.query.bind(this.db)): Promise<void> {
    if (userIds.length === 0) return;
    await query(
      `INSERT INTO group_memberships (app_key, group_id, user_id, joined_at)
       SELECT $1, $2, u, $4 FROM unnest($3::text[]) AS u
       ON CONFLICT (app_key, group_id, user_id) WHERE left_at IS NULL DO NOTHING`,
      [appKey, groupId, [...new Set(userIds)], at],
    );
  }

  async leave(appKey: string, groupId: string, userIds: string[], at = new Date()): Promise<void> {
    await this.db.query(
      `UPDATE group_memberships SET left_at = $4 WHERE app_key = $1 AND group_id = $2 AND user_id = ANY($3::text[]) AND left_at IS NULL`,
      [appKey, groupId, userIds, at],
    );
  }

  async dismiss(appKey: string, groupId: string, at = new Date()): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE groups SET dismissed_at = $3 WHERE app_key = $1 AND group_id = $2 AND dismissed_at IS NULL`, [appKey, groupId, at]);
      await tx.query(`UPDATE group_memberships SET left_at = $3 WHERE app_key = $1 AND group_id = $2 AND left_at IS NULL`, [appKey, groupId, at]);
    });
  }

  async isMember(appKey: string, groupId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM group_memberships WHERE app_key = $1 AND group_id = $2 AND user_id = $3 AND left_at IS NULL`,
      [appKey, groupId, userId],
    );
    return rows.length > 0;
  }

  async currentMembers(appKey: string, groupId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db.query(
      `SELECT user_id FROM group_memberships WHERE app_key = $1 AND group_id = $2 AND left_at IS NULL ORDER BY user_id`,
      [appKey, groupId],
    );
    return rows.map((r) => r.user_id);
  }

  /** Members whose stay in the group covers the instant `at` (a message's send time). */
  async membersAt(appKey: string, groupId: string, at: Date): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db.query(
      `SELECT DISTINCT user_id FROM group_memberships
       WHERE app_key = $1 AND group_id = $2 AND joined_at <= $3 AND (left_at IS NULL OR left_at > $3)`,
      [appKey, groupId, at],
    );
    return rows.map((r) => r.user_id);
  }
}
