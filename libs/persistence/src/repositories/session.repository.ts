import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returningRows } from './returning';
import { DomainError, ErrorCodes } from '@msync/contracts';

export interface SessionRow {
  sessionId: string;
  appKey: string;
  userId: string;
  deviceId: string;
  platform: string;
  gatewayId: string;
  connectedAt: number;
}

export interface AdmitRequest {
  sessionId: string;
  appKey: string;
  userId: string;
  deviceId: string;
  platform: string;
  gatewayId: string;
  /** When the token was issued (ms): refused if the user's token floor is later. */
  tokenIssuedAt: number;
  /** How many sessions this platform may have at once. */
  limit: number;
}

/** A gateway that has not reported for this long is dead: its sessions are offline. */
export const GATEWAY_STALE_MS = 15_000;

interface Row {
  session_id: string;
  app_key: string;
  user_id: string;
  device_id: string;
  platform: string;
  gateway_id: string;
  connected_at: Date;
}
const toSession = (r: Row): SessionRow => ({
  sessionId: r.session_id,
  appKey: r.app_key,
  userId: r.user_id,
  deviceId: r.device_id,
  platform: r.platform,
  gatewayId: r.gateway_id,
  connectedAt: r.connected_at.getTime(),
});

/**
 * Live sessions across all gateways: the login policy is decided here, under a per-user advisory
 * lock, so it holds globally and under races (concurrent logins are admitted one after another;
 * the newest survive).
 */
@Injectable()
export class SessionRepository {
  constructor(private readonly db: DataSource) {}

  /** Admits the session; returns the sessions it displaced (same device, or oldest beyond the platform limit). */
  async admit(req: AdmitRequest): Promise<SessionRow[]> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${req.appKey}:${req.userId}`]);
      const blocked: unknown[] = await tx.query(`SELECT 1 FROM user_blocks WHERE app_key = $1 AND user_id = $2 AND blocked_until > now()`, [req.appKey, req.userId]);
      if (blocked.length > 0) throw new DomainError(ErrorCodes.USER_BLOCKED, 'the user is blocked');
      const floor: { not_before: Date }[] = await tx.query(`SELECT not_before FROM user_token_floors WHERE app_key = $1 AND user_id = $2`, [req.appKey, req.userId]);
      if (floor.length > 0 && req.tokenIssuedAt < floor[0].not_before.getTime()) throw new DomainError(ErrorCodes.TOKEN_REVOKED, 'token was revoked');

      const sameDevice = returningRows<Row>(
        await tx.query(`DELETE FROM sessions WHERE app_key = $1 AND user_id = $2 AND device_id = $3 RETURNING *`, [req.appKey, req.userId, req.deviceId]),
      );
      await tx.query(
        `INSERT INTO sessions (session_id, app_key, user_id, device_id, platform, gateway_id, connected_at) VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())`,
        [req.sessionId, req.appKey, req.userId, req.deviceId, req.platform, req.gatewayId],
      );
      const beyond = returningRows<Row>(
        await tx.query(
          `DELETE FROM sessions WHERE session_id IN (
             SELECT session_id FROM sessions WHERE app_key = $1 AND user_id = $2 AND platform = $3
             ORDER BY connected_at DESC, session_id DESC OFFSET $4)
           RETURNING *`,
          [req.appKey, req.userId, req.platform, req.limit],
        ),
      );
      return [...sameDevice, ...beyond].map(toSession);
    });
  }

  async remove(sessionId: string): Promise<void> {
    await this.db.query(`DELETE FROM sessions WHERE session_id = $1`, [sessionId]);
  }

  /** Removes a user's sessions (one device, or all) and returns them so their gateways can be told. */
  async removeUser(appKey: string, userId: string, deviceId?: string): Promise<SessionRow[]> {
    const rows = returningRows<Row>(
      await this.db.query(`DELETE FROM sessions WHERE app_key = $1 AND user_id = $2 AND ($3::text IS NULL OR device_id = $3) RETURNING *`, [
        appKey,
        userId,
        deviceId ?? null,
      ]),
    );
    return rows.map(toSession);
  }

  /** Sessions on gateways that reported recently. */
  async online(appKey: string, userId: string): Promise<SessionRow[]> {
    const rows: Row[] = await this.db.query(
      `SELECT s.* FROM sessions s JOIN gateways g ON g.gateway_id = s.gateway_id
       WHERE s.app_key = $1 AND s.user_id = $2 AND g.last_seen_at > now() - make_interval(secs => $3)
       ORDER BY s.connected_at`,
      [appKey, userId, GATEWAY_STALE_MS / 1000],
    );
    return rows.map(toSession);
  }

  async heartbeat(gatewayId: string): Promise<void> {
    await this.db.query(`INSERT INTO gateways (gateway_id, last_seen_at) VALUES ($1, now()) ON CONFLICT (gateway_id) DO UPDATE SET last_seen_at = now()`, [gatewayId]);
  }

  /** A gateway leaving (or found dead): its sessions are gone. */
  async removeGateway(gatewayId: string): Promise<void> {
    await this.db.query(`DELETE FROM sessions WHERE gateway_id = $1`, [gatewayId]);
    await this.db.query(`DELETE FROM gateways WHERE gateway_id = $1`, [gatewayId]);
  }

  async reapDeadGateways(): Promise<number> {
    const dead = returningRows<{ gateway_id: string }>(
      await this.db.query(`DELETE FROM gateways WHERE last_seen_at < now() - make_interval(secs => $1) RETURNING gateway_id`, [(GATEWAY_STALE_MS * 4) / 1000]),
    );
    if (dead.length > 0) await this.db.query(`DELETE FROM sessions WHERE gateway_id = ANY($1::text[])`, [dead.map((d) => d.gateway_id)]);
    return dead.length;
  }
}
