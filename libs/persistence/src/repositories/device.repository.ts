import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class DeviceRepository {
  constructor(private readonly db: DataSource) {}

  /** Records that the device connected; returns the cursor the server holds for it and whether it is new. */
  async touch(appKey: string, userId: string, deviceId: string, platform: string): Promise<{ storedCursor: number; isNew: boolean }> {
    const rows: { cursor: string; is_new: boolean }[] = await this.db.query(
      `INSERT INTO devices (app_key, user_id, device_id, platform) VALUES ($1, $2, $3, $4)
       ON CONFLICT (app_key, user_id, device_id) DO UPDATE SET platform = EXCLUDED.platform, last_seen_at = now()
       RETURNING cursor, (xmax = 0) AS is_new`,
      [appKey, userId, deviceId, platform],
    );
    return { storedCursor: Number(rows[0].cursor), isNew: rows[0].is_new };
  }

  /** The user's devices with what the server knows of them. */
  async list(appKey: string, userId: string): Promise<{ deviceId: string; platform: string; cursor: number; firstSeenAt: number; lastSeenAt: number }[]> {
    const rows: { device_id: string; platform: string; cursor: string; first_seen_at: Date; last_seen_at: Date }[] = await this.db.query(
      `SELECT device_id, platform, cursor, first_seen_at, last_seen_at FROM devices WHERE app_key = $1 AND user_id = $2 ORDER BY first_seen_at`,
      [appKey, userId],
    );
    return rows.map((r) => ({ deviceId: r.device_id, platform: r.platform, cursor: Number(r.cursor), firstSeenAt: r.first_seen_at.getTime(), lastSeenAt: r.last_seen_at.getTime() }));
  }

  /** Stores acknowledged cursors; a cursor never moves backwards. */
  async saveCursors(updates: { appKey: string; userId: string; deviceId: string; cursor: number }[]): Promise<void> {
    if (updates.length === 0) return;
    await this.db.query(
      `UPDATE devices d SET cursor = GREATEST(d.cursor, u.cursor), last_seen_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(app_key, user_id, device_id, cursor)
       WHERE d.app_key = u.app_key AND d.user_id = u.user_id AND d.device_id = u.device_id`,
      [updates.map((u) => u.appKey), updates.map((u) => u.userId), updates.map((u) => u.deviceId), updates.map((u) => u.cursor)],
    );
  }
}
