import { z } from 'zod';
import {
  appKeySchema,
  groupIdSchema,
  messageUidSchema,
  objectNameSchema,
  userIdSchema,
} from '../primitives';

/**
 * `im.inbound.commands.v1`: what internal services publish instead of calling the HTTP Server API.
 * Strict: an unknown field is a validation error (the record goes to the dead-letter topic).
 * `idempotencyKey` makes a replayed command create nothing new.
 */
const base = {
  appKey: appKeySchema,
  idempotencyKey: z.string().min(1).max(128),
};

export const publishMessageCommandSchema = z.strictObject({
  ...base,
  command: z.literal('publish-message'),
  conversationType: z.enum(['private', 'group', 'system']),
  senderId: userIdSchema,
  targetId: z.union([userIdSchema, groupIdSchema]),
  /** Group only: deliver to these members instead of all. */
  toUserIds: z.array(userIdSchema).min(1).max(1000).optional(),
  objectName: objectNameSchema,
  content: z.string(),
  includeSender: z.boolean().default(false),
  persisted: z.boolean().default(true),
});

export const publishStatusMessageCommandSchema = z.strictObject({
  ...base,
  command: z.literal('publish-status-message'),
  conversationType: z.enum(['private', 'group']),
  senderId: userIdSchema,
  targetId: z.union([userIdSchema, groupIdSchema]),
  objectName: objectNameSchema,
  content: z.string(),
});

export const recallMessageCommandSchema = z.strictObject({
  ...base,
  command: z.literal('recall-message'),
  messageUid: messageUidSchema,
  /** The user recalling; absent: the app recalls as administrator. */
  senderId: userIdSchema.optional(),
});

export const inboundCommandSchema = z.discriminatedUnion('command', [
  publishMessageCommandSchema,
  publishStatusMessageCommandSchema,
  recallMessageCommandSchema,
]);
export type InboundCommand = z.infer<typeof inboundCommandSchema>;
