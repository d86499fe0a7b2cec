import type { ConversationType, Message } from '@msync/contracts';

/** The columns of `messages` that make a delivered message. */
export interface DeliveredMessageRow {
  message_uid: string;
  conversation_type: ConversationType;
  sender_id: string;
  target_id: string;
  object_name: string;
  content: string | null;
  /** A Date, or epoch milliseconds where the query selects them so (see `epochMs`). */
  sent_at: Date | number;
  sender_device_id: string | null;
  client_msg_id: string | null;
  recalled_at: Date | number | null;
}

/**
 * SQL for a timestamptz column as epoch milliseconds (a JS number from pg's float8 parser): the
 * stream reads return thousands of rows, and turning each timestamp text into a Date was 14 % of the
 * compensation service's CPU in a catch-up (docs/benchmarks.md).
 */
export function epochMs(column: string, alias = column.replace(/^\w+\./, '')): string {
  return `round(extract(epoch from ${column}) * 1000)::float8 AS ${alias}`;
}

export function toMs(value: Date | number): number {
  return typeof value === 'number' ? value : value.getTime();
}

/** A message as devices see it: a recalled one has empty content and `recalledAt`. */
export function deliveredMessage(r: DeliveredMessageRow): Message {
  return {
    messageUid: r.message_uid,
    conversationType: r.conversation_type,
    senderId: r.sender_id,
    targetId: r.target_id,
    objectName: r.object_name,
    content: r.content ?? '',
    sentAt: toMs(r.sent_at),
    senderDeviceId: r.sender_device_id ?? undefined,
    clientMsgId: r.client_msg_id ?? undefined,
    recalledAt: r.recalled_at == null ? undefined : toMs(r.recalled_at),
  };
}
