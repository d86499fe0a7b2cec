import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returningRows } from './returning';
import type { StreamAppend, StreamEventBody, UserEvent } from '@msync/contracts';
import { deliveredMessage, epochMs, toMs, type DeliveredMessageRow } from './message-row';

interface StreamReadRow extends DeliveredMessageRow {
  seq: string;
  event_key: string;
  event_type: 'message' | 'recall';
  occurred_at: number;
  origin_device_id: string | null;
  recalled_by: string | null;
}

export interface StoredStreamEvent {
  seq: number;
  eventKey: string;
  occurredAt: number;
  originDeviceId?: string;
  body: StreamEventBody;
}

/**
 * The earliest `created_at` an event that happened at or after `since` can have: an event is appended
 * after it happens, and an hour of slack covers clock skew between hosts. A bound for partition pruning.
 */
export function appendedSince(since: Date): Date {
  return new Date(since.getTime() - 3_600_000);
}

/**
 * Per-user append-only streams. Appends take the users' head rows FOR UPDATE (in a fixed order, so
 * concurrent writers cannot deadlock), skip event keys the stream already holds, and give each new
 * event the next sequence number: gap-free and unique even when Kafka redelivers or two writers overlap
 * during a rebalance.
 */
@Injectable()
export class StreamRepository {
  constructor(private readonly db: DataSource) {}

  /** Appends idempotently (one round trip, see the stream_append migration); returns every input with its sequence number. */
  async append(appends: StreamAppend[]): Promise<UserEvent[]> {
    if (appends.length === 0) return [];
    const rows: { pos: string; seq: string }[] = await this.db.query(`SELECT pos, seq FROM stream_append($1, $2, $3, $4, $5, $6, $7)`, [
      appends.map((a) => a.appKey),
      appends.map((a) => a.userId),
      appends.map((a) => a.eventKey),
      appends.map((a) => a.body.type),
      appends.map((a) => (a.body.type === 'message' ? a.body.message.messageUid : a.body.messageUid)),
      appends.map((a) => new Date(a.occurredAt)),
      appends.map((a) => a.originDeviceId ?? null),
    ]);
    return rows.map((r) => ({ ...appends[Number(r.pos) - 1], seq: Number(r.seq) }));
  }

  /**
   * Single-device mode (multi-device sync off): takes the events up to `upTo` for one device.
   * Returns the range (from, to] this caller now owns; empty when another device already took them.
   */
  async claimDelivery(appKey: string, userId: string, upTo: number): Promise<{ from: number; to: number }> {
    const rows = returningRows<{ from_seq: string; to_seq: string }>(await this.db.query(
      `WITH old AS (SELECT delivered_seq FROM stream_heads WHERE app_key = $1 AND user_id = $2 FOR UPDATE)
       UPDATE stream_heads h SET delivered_seq = GREATEST(h.delivered_seq, LEAST($3, h.last_seq))
       FROM old WHERE h.app_key = $1 AND h.user_id = $2
       RETURNING old.delivered_seq AS from_seq, h.delivered_seq AS to_seq`,
      [appKey, userId, upTo],
    ));
    if (rows.length === 0) return { from: 0, to: 0 };
    return { from: Number(rows[0].from_seq), to: Number(rows[0].to_seq) };
  }

  /** The user's delivered position in single-device mode (0 when never used). */
  async delivered(appKey: string, userId: string): Promise<number> {
    const rows: { delivered_seq: string }[] = await this.db.query(`SELECT delivered_seq FROM stream_heads WHERE app_key = $1 AND user_id = $2`, [appKey, userId]);
    return rows.length > 0 ? Number(rows[0].delivered_seq) : 0;
  }

  /**
   * Where a window that starts at `since` begins: the seq just before the user's first event that
   * happened at or after `since` (the head when there is none).
   */
  async seqBefore(appKey: string, userId: string, since: Date): Promise<{ after: number; head: number }> {
    const rows: { first_seq: string | null; head: string | null }[] = await this.db.query(
      `SELECT (SELECT min(seq) FROM stream_events WHERE app_key = $1 AND user_id = $2 AND occurred_at >= $3 AND created_at >= $4) AS first_seq,
              (SELECT last_seq FROM stream_heads WHERE app_key = $1 AND user_id = $2) AS head`,
      [appKey, userId, since, appendedSince(since)],
    );
    const head = Number(rows[0].head ?? 0);
    return { after: rows[0].first_seq === null ? head : Math.min(Number(rows[0].first_seq) - 1, head), head };
  }

  async head(appKey: string, userId: string): Promise<number> {
    const rows: { last_seq: string }[] = await this.db.query(`SELECT last_seq FROM stream_heads WHERE app_key = $1 AND user_id = $2`, [appKey, userId]);
    return rows.length > 0 ? Number(rows[0].last_seq) : 0;
  }

  /**
   * Events after `after`, oldest first, with the message as stored now (a recalled message has no content).
   * `notBefore` hides events older than the app's retention that a partition drop has not removed yet.
   */
  async readAfter(appKey: string, userId: string, after: number, limit: number, notBefore?: Date): Promise<StoredStreamEvent[]> {
    const rows: StreamReadRow[] = await this.db.query(
      `SELECT e.seq, e.event_key, e.event_type, ${epochMs('e.occurred_at')}, e.origin_device_id, m.message_uid, m.conversation_type, m.sender_id,
              m.target_id, m.object_name, m.content, ${epochMs('m.sent_at')}, m.sender_device_id, m.client_msg_id, ${epochMs('m.recalled_at')}, m.recalled_by
       FROM stream_events e
       JOIN messages m ON m.app_key = e.app_key AND m.message_uid = e.message_uid
       WHERE e.app_key = $1 AND e.user_id = $2 AND e.seq > $3 AND e.created_at >= $5
       ORDER BY e.seq LIMIT $4`,
      [appKey, userId, after, limit, notBefore ?? new Date(0)],
    );
    return rows.map(toStoredEvent);
  }
}

function toStoredEvent(r: StreamReadRow): StoredStreamEvent {
  const base = { seq: Number(r.seq), eventKey: r.event_key, occurredAt: r.occurred_at, originDeviceId: r.origin_device_id ?? undefined };
  if (r.event_type === 'recall') {
    return { ...base, body: { type: 'recall', messageUid: r.message_uid, recalledBy: r.recalled_by ?? r.sender_id, recalledAt: r.recalled_at == null ? r.occurred_at : toMs(r.recalled_at) } };
  }
  return { ...base, body: { type: 'message', message: deliveredMessage(r) } };
}
