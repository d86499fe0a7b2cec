import type { EventFrame, KickReason, Message, Platform, ServerFrame } from '@msync/contracts';
import type { BackoffOptions } from './backoff';
import type { CursorStore } from './cursor-store';
import type { SyncClientError } from './errors';
import type { WebSocketConstructor } from './websocket';

export type WelcomeFrame = Extract<ServerFrame, { t: 'welcome' }>;
export type OwnFrame = Extract<ServerFrame, { t: 'own' }>;
export type ChannelsFrame = Extract<ServerFrame, { t: 'channels' }>;
export type { EventFrame };

export interface SyncClientOptions {
  /** Session gateway endpoint, e.g. `ws://127.0.0.1:3001/ws`. */
  url: string;
  token: string;
  platform: Platform;
  deviceId: string;
  /** Where the cursor survives restarts. Default: a `MemoryCursorStore` (a new device each run). */
  cursorStore?: CursorStore;
  /** WebSocket implementation. Default: `globalThis.WebSocket`, else the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect after a lost connection (never after a kick or an auth failure). Default true. */
  reconnect?: boolean;
  /** Reconnect delays. Default: 200 ms doubling up to 10 s, with jitter. */
  backoff?: BackoffOptions;
  /**
   * During a replay, ask for the next page as soon as a page is applied. Default true; false leaves it
   * to `nextPage()` (to pace a long replay, e.g. while the app renders).
   */
  autoNextPage?: boolean;
  /** Acks (and cursor saves) are sent at most this often. Default 200 ms. */
  ackIntervalMs?: number;
  /** Deadline of a `send` / `ping` (across reconnects) and of the `welcome` after `hello`. Default 10 s. */
  requestTimeoutMs?: number;
}

export interface SendInput {
  conversationType: 'private' | 'group';
  /** Receiving user (private) or group id (group). */
  targetId: string;
  objectName: string;
  /** A JSON object, or a JSON text. */
  content: Record<string, unknown> | string;
  /** Idempotency key; default a random UUID. Reuse it to retry a send yourself. */
  clientMsgId?: string;
}

export interface SendResult {
  messageUid: string;
  sentAt: number;
  /** True when the server had this clientMsgId already: nothing new was created. */
  duplicate: boolean;
}

export interface SyncClientStats {
  /** `event` frames applied (cursor advanced), including ones with an unknown body type. */
  eventsApplied: number;
  /** `own` frames applied. */
  ownApplied: number;
  /** `event` / `own` frames with seq <= cursor, dropped. */
  duplicatesDropped: number;
  /** Frames with seq > cursor + 1; each makes the client reconnect so the server replays. */
  gapsDetected: number;
  /** Frames that were not JSON or did not match the protocol (e.g. newer frame types), ignored. */
  unknownFrames: number;
  /** Reconnect attempts scheduled. */
  reconnects: number;
  acksSent: number;
  /** Requests written again after a reconnect. */
  requestsRetried: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Events of `SyncClient`: name -> listener arguments. */
export interface SyncClientEvents {
  /** The socket opened (`hello` is sent right after). */
  open: [];
  welcome: [frame: WelcomeFrame];
  /** A stream event, applied: each seq once, in order. */
  event: [frame: EventFrame];
  /** This device's own send, applied at its seq (not an incoming message). */
  own: [frame: OwnFrame];
  /**
   * A device without a cursor (new, or reinstalled): the conversation list rebuilt from the
   * compensation window, before the window's events.
   */
  channels: [frame: ChannelsFrame];
  /** A replay page is applied (up to `seq`) and more is waiting. */
  page: [seq: number];
  /** Replay is complete; what follows is live. */
  synced: [seq: number];
  transient: [message: Message];
  kicked: [reason: KickReason];
  /** `error` frames without a request id, socket errors, cursor store failures. */
  error: [error: SyncClientError];
  close: [info: CloseInfo];
  reconnecting: [info: { attempt: number; delayMs: number }];
}
