import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returningRows } from './returning';
import type { Message } from '@msync/contracts';
import { deliveredMessage, type DeliveredMessageRow } from './message-row';

export interface StoredMessage extends Message {
  includeSender: boolean;
  toUserIds?: string[];
  publishedAt?: number;
  recalledAt?: number;
  recalledBy?: string;
}

interface MessageRow extends DeliveredMessageRow {
  include_sender: boolean;
  to_user_ids: string[] | null;
  published_at: Date | null;
  recalled_by: string | null;
}

const COLUMNS = `message_uid, conversation_type, sender_id, target_id, object_name, content, sent_at, sender_device_id,
  client_msg_id, include_sender, to_user_ids, published_at, recalled_at, recalled_by`;

function toMessage(r: MessageRow): StoredMessage {
  return {
    ...deliveredMessage(r),
    includeSender: r.include_sender,
    toUserIds: r.to_user_ids ?? undefined,
    publishedAt: r.published_at?.getTime(),
    recalledBy: r.recalled_by ?? undefined,
  };
}

@Injectable()
export class MessageRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores each message unless the same (app, sender, clientMsgId) exists, in one statement; returns,
   * for each input in order, the stored message (the earlier one for a repeat) and whether this call
   * created it. A repeated send therefore gets the first UID back.
   */
  async insertMany(items: { appKey: string; message: StoredMessage }[]): Promise<{ message: StoredMessage; created: boolean }[]> {
    if (items.length === 0) return [];
    const col = <T>(f: (m: StoredMessage) => T) => items.map((i) => f(i.message));
    const inserted: (MessageRow & { app_key: string })[] = await this.db.query(
      `INSERT INTO messages (app_key, message_uid, conversation_type, sender_id, target_id, object_name, content, sent_at,
         sender_device_id, client_msg_id, include_sender, to_user_ids)
       SELECT a, uid, ct, s, t, o, c, at, dev, cm, inc, CASE WHEN tu = '' THEN NULL ELSE string_to_array(tu, ',') END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                   $9::text[], $10::text[], $11::boolean[], $12::text[]) AS t(a, uid, ct, s, t, o, c, at, dev, cm, inc, tu)
       ON CONFLICT (app_key, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
       RETURNING app_key, ${COLUMNS}`,
      [
        items.map((i) => i.appKey),
        col((m) => m.messageUid),
        col((m) => m.conversationType),
        col((m) => m.senderId),
        col((m) => m.targetId),
        col((m) => m.objectName),
        col((m) => m.content),
        col((m) => new Date(m.sentAt)),
        col((m) => m.senderDeviceId ?? null),
        col((m) => m.clientMsgId ?? null),
        col((m) => m.includeSender),
        col((m) => (m.toUserIds?.length ? m.toUserIds.join(',') : '')),
      ],
    );
    const created = new Map(inserted.map((r) => [r.message_uid, toMessage(r)]));
    const repeats = items.filter((i) => !created.has(i.message.messageUid));
    const existing = new Map<string, StoredMessage>();
    if (repeats.length > 0) {
      const rows: (MessageRow & { app_key: string })[] = await this.db.query(
        `SELECT m.app_key, ${COLUMNS.replace(/(\w+)/g, 'm.$1')} FROM messages m
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(a, s, cm) ON m.app_key = k.a AND m.sender_id = k.s AND m.client_msg_id = k.cm`,
        [repeats.map((r) => r.appKey), repeats.map((r) => r.message.senderId), repeats.map((r) => r.message.clientMsgId)],
      );
      for (const r of rows) existing.set(`${r.app_key}\u0000${r.sender_id}\u0000${r.client_msg_id}`, toMessage(r));
    }
    return items.map((i) => {
      const mine = created.get(i.message.messageUid);
      if (mine) return { message: mine, created: true };
      return { message: existing.get(`${i.appKey}\u0000${i.message.senderId}\u0000${i.message.clientMsgId}`)!, created: false };
    });
  }

  /** A hint for the outbox sweep, committed without waiting for the WAL flush (losing it only causes a re-publish). */
  /** One statement for any number of messages of any apps (a hint for the outbox sweep, see MessagePublisher). */
  async markPublished(messages: { appKey: string; messageUid: string }[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db.query(
      `UPDATE messages m SET published_at = now()
       FROM unnest($1::text[], $2::text[]) AS t(app_key, message_uid)
       WHERE m.app_key = t.app_key AND m.message_uid = t.message_uid AND m.published_at IS NULL`,
      [messages.map((m) => m.appKey), messages.map((m) => m.messageUid)],
    );
  }

  /** Messages stored but never confirmed as published (a crash between the two): the outbox sweep. */
  async findUnpublished(olderThan: Date, limit: number): Promise<{ appKey: string; message: StoredMessage }[]> {
    const rows: (MessageRow & { app_key: string })[] = await this.db.query(
      `SELECT app_key, ${COLUMNS} FROM messages WHERE published_at IS NULL AND sent_at < $1 ORDER BY sent_at LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => ({ appKey: r.app_key, message: toMessage(r) }));
  }

  /** Marks the message recalled and drops its content; returns false when it already was. */
  async markRecalled(appKey: string, messageUid: string, recalledBy: string, at: Date): Promise<boolean> {
    const rows = returningRows<{ message_uid: string }>(
      await this.db.query(
        `UPDATE messages SET content = NULL, recalled_at = $3, recalled_by = $4 WHERE app_key = $1 AND message_uid = $2 AND recalled_at IS NULL RETURNING message_uid`,
        [appKey, messageUid, at, recalledBy],
      ),
    );
    return rows.length > 0;
  }

  async findByUid(appKey: string, messageUid: string): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await this.db.query(`SELECT ${COLUMNS} FROM messages WHERE app_key = $1 AND message_uid = $2`, [appKey, messageUid]);
    return rows.length > 0 ? toMessage(rows[0]) : null;
  }
}
