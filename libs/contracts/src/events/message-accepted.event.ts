import { z } from 'zod';
import { appKeySchema, conversationTypeSchema, epochMsSchema, messageUidSchema, userIdSchema } from '../primitives';
import { messageSchema } from './message';

/**
 * `im.messages.v1`: what ingestion accepted and persisted. Keyed by conversation.
 * The fan-out expand stage turns each record into one stream append per recipient.
 */
export const messageAcceptedEventSchema = z.object({
  kind: z.literal('message'),
  appKey: appKeySchema,
  message: messageSchema,
  /** Server API `isIncludeSender`: also append to the sender's stream. Device sends always do (multi-device sync). */
  includeSender: z.boolean(),
  /** Targeted group message: only these members receive it. */
  toUserIds: z.array(userIdSchema).max(1000).optional(),
});
export type MessageAcceptedEvent = z.infer<typeof messageAcceptedEventSchema>;

/**
 * A recall, on the recalled message's conversation key: it follows the message through the same
 * partition, so its recall events land in the same streams as the message, after it.
 */
export const messageRecalledEventSchema = z.object({
  kind: z.literal('recall'),
  appKey: appKeySchema,
  messageUid: messageUidSchema,
  recalledBy: userIdSchema,
  /** 'sender' when the sender recalled it, 'app' for the management or Server API as administrator. */
  recalledByRole: z.enum(['sender', 'app']),
  recalledAt: epochMsSchema,
  /** Who got the message (its conversation, as sent): the recall reaches the same streams. */
  audience: z.object({
    conversationType: conversationTypeSchema,
    senderId: userIdSchema,
    targetId: userIdSchema,
    sentAt: epochMsSchema,
    includeSender: z.boolean(),
    toUserIds: z.array(userIdSchema).max(1000).optional(),
  }),
  /** Single-device mode: the recaller's own stream does not get the recall. */
  skipUserId: userIdSchema.optional(),
});
export type MessageRecalledEvent = z.infer<typeof messageRecalledEventSchema>;

export const conversationRecordSchema = z.discriminatedUnion('kind', [
  messageAcceptedEventSchema,
  messageRecalledEventSchema,
]);
export type ConversationRecord = z.infer<typeof conversationRecordSchema>;
