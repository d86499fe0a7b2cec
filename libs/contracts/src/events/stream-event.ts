import { z } from 'zod';
import { appKeySchema, deviceIdSchema, epochMsSchema, messageUidSchema, userIdSchema } from '../primitives';
import { messageSchema } from './message';

/** The body of one event in a user's stream. */
export const streamEventBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: messageSchema }),
  z.object({
    type: z.literal('recall'),
    messageUid: messageUidSchema,
    recalledBy: userIdSchema,
    recalledAt: epochMsSchema,
  }),
]);
export type StreamEventBody = z.infer<typeof streamEventBodySchema>;

/**
 * `im.stream-appends.v1`: one record per (user, event), keyed by user.
 * `eventKey` makes the append idempotent: a redelivered record appends nothing.
 */
export const streamAppendSchema = z.object({
  appKey: appKeySchema,
  userId: userIdSchema,
  eventKey: z.string().min(1).max(200),
  occurredAt: epochMsSchema,
  /** Device whose own action caused the event; it gets a cursor advance instead of an echo. */
  originDeviceId: deviceIdSchema.optional(),
  body: streamEventBodySchema,
});
export type StreamAppend = z.infer<typeof streamAppendSchema>;

/** `im.user-events.v1`: an event after it was appended, with its gap-free per-user sequence number. */
export const userEventSchema = streamAppendSchema.extend({
  seq: z.number().int().positive(),
});
export type UserEvent = z.infer<typeof userEventSchema>;
