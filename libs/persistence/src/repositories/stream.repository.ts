import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConversationType, StreamAppend, StreamEventBody, UserEvent } from '@msync/contracts';

interface StreamReadRow {
  seq: string;
  event_key: string;
  event_type: 'message' | 'recall';
  occurred_at: Date;
  origin_device_id: string | null;
  message_uid: string;
  conversation_type: ConversationType;
  sender_id: string;
  target_id: string;
  object_name: string;
  content: string | null;
  sent_at: Date;
  sender_device_id: string | null;
  client_msg_id: string | null;
  recalled_at: Date | null;
  recalled_by: string | null;
}

export interface StoredStreamEvent {
  seq: number;
  eventKey: string;
  occurredAt: number;
  originDeviceId?: string;
  body: StreamEventBody;
}

const userOf = (a: { appKey: string; userId: string }) => `${a.appKey}\u0000${a.userId}`;

/**
 * Per-user append-only streams. Appends take the users' head rows FOR UPDATE (in a fixed order, so
 * concurrent writers cannot deadlock), skip event keys the stream already holds, and give each new
 * event the next sequence number: gap-free and unique even when Kafka redelivers or two writers overlap
 * during a rebalance.
 */
@Injectable()
export class StreamRepository {
  constructor(private readonly db: DataSource) {}

  /** Appends idempotently; returns every input's event with its sequence number (new or already stored). */
  async append(appends: StreamAppend[]): Promise<UserEvent[]> {
    if (appends.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const users = [...new Map(appends.map((a) => [userOf(a), a])).values()].sort((x, y) => (userOf(x) < userOf(y) ? -1 : 1));
      const userArrays = [users.map((u) => u.appKey), users.map((u) => u.userId)];
      await tx.query(
        `INSERT INTO stream_heads (app_key, user_id) SELECT * FROM unnest($1::text[], $2::text[]) ORDER BY 1, 2 ON CONFLICT DO NOTHING`,
        userArrays,
      );
      const heads: { app_key: string; user_id: string; last_seq: string }[] = await tx.query(
        `SELECT h.app_key, h.user_id, h.last_seq FROM stream_heads h
         JOIN unnest($1::text[], $2::text[]) AS u(app_key, user_id) USING (app_key, user_id)
         ORDER BY h.app_key, h.user_id FOR UPDATE OF h`,
        userArrays,
      );
      const head = new Map(heads.map((h) => [`${h.app_key}\u0000${h.user_id}`, Number(h.last_seq)]));

      const existingRows: { app_key: string; user_id: string; event_key: string; seq: string }[] = await tx.query(
        `SELECT e.app_key, e.user_id, e.event_key, e.seq FROM stream_events e
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(app_key, user_id, event_key) USING (app_key, user_id, event_key)`,
        [appends.map((a) => a.appKey), appends.map((a) => a.userId), appends.map((a) => a.eventKey)],
      );
      const seqOf = new Map(existingRows.map((r) => [`${r.app_key}\u0000${r.user_id}\u0000${r.event_key}`, Number(r.seq)]));

      const fresh: { a: StreamAppend; seq: number }[] = [];
      const events = appends.map((a) => {
        const key = `${userOf(a)}\u0000${a.eventKey}`;
        let seq = seqOf.get(key);
        if (seq === undefined) {
          seq = head.get(userOf(a))! + 1;
          head.set(userOf(a), seq);
          seqOf.set(key, seq);
          fresh.push({ a, seq });
        }
        return { ...a, seq };
      });

      if (fresh.length > 0) {
        await tx.query(
          `INSERT INTO stream_events (app_key, user_id, seq, event_key, event_type, message_uid, occurred_at, origin_device_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])`,
          [
            fresh.map((f) => f.a.appKey),
            fresh.map((f) => f.a.userId),
            fresh.map((f) => f.seq),
            fresh.map((f) => f.a.eventKey),
            fresh.map((f) => f.a.body.type),
            fresh.map((f) => (f.a.body.type === 'message' ? f.a.body.message.messageUid : f.a.body.messageUid)),
            fresh.map((f) => new Date(f.a.occurredAt)),
            fresh.map((f) => f.a.originDeviceId ?? null),
          ],
        );
        const touched = users.filter((u) => fresh.some((f) => userOf(f.a) === userOf(u)));
        await tx.query(
          `UPDATE stream_heads h SET last_seq = u.last_seq
           FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(app_key, user_id, last_seq)
           WHERE h.app_key = u.app_key AND h.user_id = u.user_id`,
          [touched.map((u) => u.appKey), touched.map((u) => u.userId), touched.map((u) => head.get(userOf(u))!)],
        );
      }
      return events;
    });
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
      `SELECT e.seq, e.event_key, e.event_type, e.occurred_at, e.origin_device_id, m.message_uid, m.conversation_type, m.sender_id,
              m.target_id, m.object_name, m.content, m.sent_at, m.sender_device_id, m.client_msg_id, m.recalled_at, m.recalled_by
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
  const base = { seq: Number(r.seq), eventKey: r.event_key, occurredAt: r.occurred_at.getTime(), originDeviceId: r.origin_device_id ?? undefined };
  if (r.event_type === 'recall') {
    return { ...base, body: { type: 'recall', messageUid: r.message_uid, recalledBy: r.recalled_by ?? r.sender_id, recalledAt: (r.recalled_at ?? r.occurred_at).getTime() } };
  }
  return {
    ...base,
    body: {
      type: 'message',
      message: {
        messageUid: r.message_uid,
        conversationType: r.conversation_type,
        senderId: r.sender_id,
        targetId: r.target_id,
        objectName: r.object_name,
        content: r.content ?? '',
        sentAt: r.sent_at.getTime(),
        senderDeviceId: r.sender_device_id ?? undefined,
        clientMsgId: r.client_msg_id ?? undefined,
      },
    },
  };
}
