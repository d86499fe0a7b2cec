import type { ConversationType, Message } from '@msync/contracts';

/** The columns of `messages` that make a delivered message. */
export interface DeliveredMessageRow {
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
    sentAt: r.sent_at.getTime(),
    senderDeviceId: r.sender_device_id ?? undefined,
    clientMsgId: r.client_msg_id ?? undefined,
    recalledAt: r.recalled_at?.getTime(),
  };
}
