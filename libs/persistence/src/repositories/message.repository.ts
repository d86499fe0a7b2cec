import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConversationType, Message } from '@msync/contracts';

export interface StoredMessage extends Message {
  includeSender: boolean;
  toUserIds?: string[];
  publishedAt?: number;
  recalledAt?: number;
  recalledBy?: string;
}

interface MessageRow {
  message_uid: string;
  conversation_type: ConversationType;
  sender_id: string;
  target_id: string;
  object_name: string;
  content: string | null;
  sent_at: Date;
  sender_device_id: string | null;
  client_msg_id: string | null;
  include_sender: boolean;
  to_user_ids: string[] | null;
  published_at: Date | null;
  recalled_at: Date | null;
  recalled_by: string | null;
}

const COLUMNS = `message_uid, conversation_type, sender_id, target_id, object_name, content, sent_at, sender_device_id,
  client_msg_id, include_sender, to_user_ids, published_at, recalled_at, recalled_by`;

function toMessage(r: MessageRow): StoredMessage {
  return {
    messageUid: r.message_uid,
    conversationType: r.conversation_type,
    senderId: r.sender_id,
    targetId: r.target_id,
    objectName: r.object_name,
    content: r.content ?? '',
    sentAt: r.sent_at.getTime(),
    senderDeviceId: r.sender_device_id ?? undefined,
    clientMsgId: r.client_msg_id ?? undefined,
    includeSender: r.include_sender,
    toUserIds: r.to_user_ids ?? undefined,
    publishedAt: r.published_at?.getTime(),
    recalledAt: r.recalled_at?.getTime(),
    recalledBy: r.recalled_by ?? undefined,
  };
}

@Injectable()
export class MessageRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores the message unless the same (app, sender, clientMsgId) exists; returns the stored one
   * and whether this call created it. A repeated send therefore gets the first UID back.
   */
  async insertOnce(appKey: string, m: StoredMessage): Promise<{ message: StoredMessage; created: boolean }> {
    const inserted: MessageRow[] = await this.db.query(
      `INSERT INTO messages (app_key, message_uid, conversation_type, sender_id, target_id, object_name, content, sent_at,
         sender_device_id, client_msg_id, include_sender, to_user_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (app_key, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [appKey, m.messageUid, m.conversationType, m.senderId, m.targetId, m.objectName, m.content, new Date(m.sentAt),
        m.senderDeviceId ?? null, m.clientMsgId ?? null, m.includeSender, m.toUserIds ?? null],
    );
    if (inserted.length > 0) return { message: toMessage(inserted[0]), created: true };
    const existing: MessageRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM messages WHERE app_key = $1 AND sender_id = $2 AND client_msg_id = $3`,
      [appKey, m.senderId, m.clientMsgId],
    );
    return { message: toMessage(existing[0]), created: false };
  }

  /** A hint for the outbox sweep, committed without waiting for the WAL flush (losing it only causes a re-publish). */
  async markPublished(appKey: string, messageUids: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL synchronous_commit = off`);
      await tx.query(`UPDATE messages SET published_at = now() WHERE app_key = $1 AND message_uid = ANY($2::text[]) AND published_at IS NULL`, [appKey, messageUids]);
    });
  }

  /** Messages stored but never confirmed as published (a crash between the two): the outbox sweep. */
  async findUnpublished(olderThan: Date, limit: number): Promise<{ appKey: string; message: StoredMessage }[]> {
    const rows: (MessageRow & { app_key: string })[] = await this.db.query(
      `SELECT app_key, ${COLUMNS} FROM messages WHERE published_at IS NULL AND sent_at < $1 ORDER BY sent_at LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => ({ appKey: r.app_key, message: toMessage(r) }));
  }

  async findByUid(appKey: string, messageUid: string): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await this.db.query(`SELECT ${COLUMNS} FROM messages WHERE app_key = $1 AND message_uid = $2`, [appKey, messageUid]);
    return rows.length > 0 ? toMessage(rows[0]) : null;
  }
}
