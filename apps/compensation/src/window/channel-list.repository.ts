import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Channel, ConversationType } from '@msync/contracts';
import { deliveredMessage, type DeliveredMessageRow } from '@msync/persistence';

interface ChannelRow extends DeliveredMessageRow {
  channel_type: ConversationType;
  channel_id: string;
  last_activity_at: Date;
  unread: string;
}

export interface ChannelListQuery {
  appKey: string;
  userId: string;
  /** The window: events with after < seq <= upTo. */
  after: number;
  upTo: number;
  /** Partition pruning bound: no event of the window was appended before it. */
  appendedSince: Date;
  limit: number;
}

/**
 * The conversation list of one user, rebuilt from the events of a window of their stream in one
 * query: per conversation the newest message, the newest activity (a recall counts) and the unread
 * count. The server keeps no read state, so "unread" means the messages from others after the user's
 * own last message in that conversation (answering implies having read), recalled ones left out.
 */
@Injectable()
export class ChannelListRepository {
  constructor(private readonly db: DataSource) {}

  async list(q: ChannelListQuery): Promise<Channel[]> {
    const rows: ChannelRow[] = await this.db.query(
      `WITH w AS (
         SELECT e.seq, e.event_type, e.occurred_at, e.message_uid, m.conversation_type, m.sender_id, m.recalled_at,
                CASE WHEN m.conversation_type = 'group' OR m.sender_id = $2 THEN m.target_id ELSE m.sender_id END AS channel_id
         FROM stream_events e
         JOIN messages m ON m.app_key = e.app_key AND m.message_uid = e.message_uid
         WHERE e.app_key = $1 AND e.user_id = $2 AND e.seq > $3 AND e.seq <= $4 AND e.created_at >= $5
       ), o AS (
         SELECT w.*, coalesce(max(seq) FILTER (WHERE event_type = 'message' AND sender_id = $2) OVER (PARTITION BY conversation_type, channel_id), 0) AS last_own_seq
         FROM w
       ), c AS (
         SELECT conversation_type, channel_id,
                max(occurred_at) AS last_activity_at,
                max(seq) FILTER (WHERE event_type = 'message') AS last_message_seq,
                (array_agg(message_uid ORDER BY seq DESC) FILTER (WHERE event_type = 'message'))[1] AS last_message_uid,
                count(*) FILTER (WHERE event_type = 'message' AND sender_id <> $2 AND recalled_at IS NULL AND seq > last_own_seq) AS unread
         FROM o GROUP BY conversation_type, channel_id
       )
       SELECT c.conversation_type AS channel_type, c.channel_id, c.last_activity_at, c.unread,
              m.message_uid, m.conversation_type, m.sender_id, m.target_id, m.object_name, m.content, m.sent_at,
              m.sender_device_id, m.client_msg_id, m.recalled_at
       FROM c JOIN messages m ON m.app_key = $1 AND m.message_uid = c.last_message_uid
       ORDER BY c.last_activity_at DESC, c.last_message_seq DESC
       LIMIT $6`,
      [q.appKey, q.userId, q.after, q.upTo, q.appendedSince, q.limit],
    );
    return rows.map((r) => ({
      conversationType: r.channel_type,
      targetId: r.channel_id,
      lastMessage: deliveredMessage(r),
      lastActivityAt: r.last_activity_at.getTime(),
      unreadCount: Number(r.unread),
    }));
  }
}
