import { z } from 'zod';
import { appKeySchema, epochMsSchema, messageUidSchema, userIdSchema } from '../primitives';
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

export const messageRecalledEventSchema = z.object({
  kind: z.literal('recall'),
  appKey: appKeySchema,
  messageUid: messageUidSchema,
  recalledBy: userIdSchema,
  /** 'sender' when a device of the sender recalled it, 'app' for the management API. */
  recalledByRole: z.enum(['sender', 'app']),
  recalledAt: epochMsSchema,
  senderDeviceId: z.string().optional(),
});
export type MessageRecalledEvent = z.infer<typeof messageRecalledEventSchema>;

export const conversationRecordSchema = z.discriminatedUnion('kind', [
  messageAcceptedEventSchema,
  messageRecalledEventSchema,
]);
export type ConversationRecord = z.infer<typeof conversationRecordSchema>;
