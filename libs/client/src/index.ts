export { SyncClient } from './sync-client';
export { MemoryCursorStore, WebStorageCursorStore, type CursorStore, type KeyValueStorage } from './cursor-store';
export { Backoff, type BackoffOptions } from './backoff';
export { SyncClientError, ClientErrorCodes } from './errors';
export { TypedEmitter, type EventMap, type Listener } from './typed-emitter';
export type { WebSocketConstructor, WebSocketLike } from './websocket';
export type {
  ChannelsFrame,
  CloseInfo,
  EventFrame,
  OwnFrame,
  SendInput,
  SendResult,
  SyncClientEvents,
  SyncClientOptions,
  SyncClientStats,
  WelcomeFrame,
} from './types';
