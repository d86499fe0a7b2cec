import { z } from 'zod';
import { conversationTypeSchema, deviceIdSchema, objectNameSchema, platformSchema, userIdSchema } from '../primitives';
import { streamEventBodySchema } from '../events/stream-event';
import { kickReasonSchema } from '../events/device-control.event';
import { messageSchema } from '../events/message';

/** Version of the device protocol; a client sends it in `hello`. Breaking changes bump it. */
export const PROTOCOL_VERSION = 1;
/** Largest frame a device may send (the content limit of an app is at most 128 KiB). */
export const MAX_FRAME_BYTES = 256 * 1024;

const requestId = z.string().min(1).max(64);

// ---- device -> server -------------------------------------------------------------------

export const helloFrameSchema = z.strictObject({
  t: z.literal('hello'),
  v: z.literal(PROTOCOL_VERSION),
  token: z.string().min(1).max(2048),
  platform: platformSchema,
  deviceId: deviceIdSchema,
  /** Last sequence number the device applied; null or absent: a new (or reinstalled) device. */
  cursor: z.number().int().nonnegative().nullable().optional(),
});

export const sendFrameSchema = z.strictObject({
  t: z.literal('send'),
  /** Echoed in `sent` or `error` so the client can match the answer. */
  id: requestId,
  /** Idempotency key chosen by the client: a resend returns the same messageUid. */
  clientMsgId: z.string().min(1).max(128),
  conversationType: z.enum(['private', 'group']),
  targetId: userIdSchema,
  objectName: objectNameSchema,
  /** The message body: a JSON object, or a JSON text. */
  content: z.union([z.record(z.string(), z.unknown()), z.string()]),
});

export const ackFrameSchema = z.strictObject({
  t: z.literal('ack'),
  /** Highest sequence number the device has applied (and stored). */
  seq: z.number().int().nonnegative(),
});

export const pingFrameSchema = z.strictObject({ t: z.literal('ping'), id: requestId.optional() });

/** Recall one of the user's own messages (answered with `recalled` or an error). */
export const recallFrameSchema = z.strictObject({ t: z.literal('recall'), id: requestId, messageUid: z.string().min(1).max(64) });

/** During a replay: the device has applied the page and asks for the next one (answers `more`). */
export const nextFrameSchema = z.strictObject({ t: z.literal('next') });

export const clientFrameSchema = z.discriminatedUnion('t', [
  helloFrameSchema,
  sendFrameSchema,
  ackFrameSchema,
  pingFrameSchema,
  recallFrameSchema,
  nextFrameSchema,
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type HelloFrame = z.infer<typeof helloFrameSchema>;
export type SendFrame = z.infer<typeof sendFrameSchema>;
export const CLIENT_FRAME_TYPES = ['hello', 'send', 'ack', 'ping', 'recall', 'next'] as const;

// ---- server -> device -------------------------------------------------------------------

export const welcomeFrameSchema = z.object({
  t: z.literal('welcome'),
  sessionId: z.string(),
  userId: userIdSchema,
  /** The cursor the server starts from for this device (the device's, or its stored one). */
  cursor: z.number().int().nonnegative(),
});

/** One event of the user's stream, in stream order. A device applies each seq once. */
export const eventFrameSchema = z.object({
  t: z.literal('event'),
  seq: z.number().int().positive(),
  occurredAt: z.number().int(),
  body: streamEventBodySchema,
});

/** The device's own send, appended to its stream at `seq`: advance the cursor, nothing to show. */
export const ownFrameSchema = z.object({
  t: z.literal('own'),
  seq: z.number().int().positive(),
  messageUid: z.string(),
});

/**
 * Single-device mode (the app turned multi-device sync off): the events up to `seq` went to another
 * device of the user. Advance the cursor to `seq`; there is nothing to show.
 */
export const skipFrameSchema = z.object({ t: z.literal('skip'), seq: z.number().int().nonnegative() });

/**
 * A replay page is out and more of the stream is waiting: the device sends `next` when it has applied
 * the page. Nothing more comes (live events included) until it does, so a long replay cannot flood it.
 */
export const moreFrameSchema = z.object({ t: z.literal('more'), seq: z.number().int().nonnegative() });

/** One conversation of the channel list a compensating device gets. */
export const channelSchema = z.object({
  conversationType: conversationTypeSchema,
  /** The peer (private, system) or the group. */
  targetId: userIdSchema,
  /** Newest message of the conversation inside the window (as stored now: a recalled one has no content). */
  lastMessage: messageSchema,
  /** Newest event of the conversation inside the window (a message or a recall). */
  lastActivityAt: z.number().int(),
  /** Messages from others inside the window, after the user's own last message there, not recalled. */
  unreadCount: z.number().int().nonnegative(),
});
export type Channel = z.infer<typeof channelSchema>;

/**
 * Compensation (a device without a cursor): the conversation list rebuilt from the window, newest
 * activity first, before the window's events. Conversations with no message inside the window are not in it.
 */
export const channelsFrameSchema = z.object({
  t: z.literal('channels'),
  /** Start of the window (epoch ms): events from then on follow. */
  since: z.number().int(),
  channels: z.array(channelSchema),
  /** True when the list was cut at the gateway's limit (the oldest conversations are left out). */
  truncated: z.boolean(),
});

/** Replay after the cursor is complete; live events follow. */
export const syncedFrameSchema = z.object({ t: z.literal('synced'), seq: z.number().int().nonnegative() });

/** Answer to `send`. */
export const sentFrameSchema = z.object({
  t: z.literal('sent'),
  id: z.string(),
  messageUid: z.string(),
  sentAt: z.number().int(),
  /** True when this clientMsgId was sent before: nothing new was created. */
  duplicate: z.boolean(),
});

/** A message for devices online now (typing, status): never stored, never replayed. */
export const transientFrameSchema = z.object({ t: z.literal('transient'), message: messageSchema });

export const errorFrameSchema = z.object({
  t: z.literal('error'),
  /** The request it answers, when there is one. */
  id: z.string().optional(),
  code: z.string(),
  message: z.string(),
  /** True when the server closes the connection after this frame. */
  fatal: z.boolean(),
});

/** The session ends; do not reconnect automatically for `logged_in_elsewhere`, `user_blocked`, `forced_logout`. */
export const kickFrameSchema = z.object({ t: z.literal('kick'), reason: kickReasonSchema });

export const pongFrameSchema = z.object({ t: z.literal('pong'), id: z.string().optional() });

/** Answer to `recall`: the message is recalled (a `recall` event follows in the stream). */
export const recalledFrameSchema = z.object({ t: z.literal('recalled'), id: z.string(), messageUid: z.string(), recalledAt: z.number().int() });

export const serverFrameSchema = z.discriminatedUnion('t', [
  welcomeFrameSchema,
  eventFrameSchema,
  ownFrameSchema,
  skipFrameSchema,
  syncedFrameSchema,
  moreFrameSchema,
  channelsFrameSchema,
  sentFrameSchema,
  transientFrameSchema,
  errorFrameSchema,
  kickFrameSchema,
  pongFrameSchema,
  recalledFrameSchema,
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
export type EventFrame = z.infer<typeof eventFrameSchema>;
export type ChannelsFrame = z.infer<typeof channelsFrameSchema>;
export type ErrorFrame = z.infer<typeof errorFrameSchema>;

/** WebSocket close codes the gateway uses (4000-4999 are the application's). */
export const CloseCodes = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 4000,
  AUTH_FAILED: 4001,
  HELLO_TIMEOUT: 4002,
  KICKED: 4003,
  TOO_SLOW: 4004,
} as const;


