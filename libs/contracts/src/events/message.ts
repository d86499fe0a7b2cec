import { z } from 'zod';
import {
  conversationTypeSchema,
  deviceIdSchema,
  epochMsSchema,
  messageUidSchema,
  objectNameSchema,
  userIdSchema,
} from '../primitives';

/** A message as stored and as delivered: the part every stage agrees on. */
export const messageSchema = z.object({
  messageUid: messageUidSchema,
  conversationType: conversationTypeSchema,
  senderId: userIdSchema,
  /** Receiving user (private), group id (group) or receiving user (system). */
  targetId: userIdSchema,
  objectName: objectNameSchema,
  /** The message body as the sender gave it: a JSON text. */
  content: z.string(),
  sentAt: epochMsSchema,
  /** Set when the message came from a device; lets gateways spare that device its own echo. */
  senderDeviceId: deviceIdSchema.optional(),
  clientMsgId: z.string().max(128).optional(),
  /** Set when the message was recalled: its content is gone (empty). */
  recalledAt: z.number().int().optional(),
});
export type Message = z.infer<typeof messageSchema>;
