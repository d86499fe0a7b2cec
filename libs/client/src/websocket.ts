/**
 * The part of the WebSocket API the client uses. Both the browser `WebSocket` and the `ws` package
 * satisfy it, so either can be passed as `SyncClientOptions.WebSocket`.
 */

/** A function type whose parameter is checked bivariantly, so `ws`'s richer event types fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `WebSocket.OPEN` (the same in browsers and `ws`). */
export const WS_OPEN = 1;

/** The given implementation, else the platform's `WebSocket` (browsers, Node 22+), else the `ws` package. */
export function resolveWebSocket(given?: WebSocketConstructor): WebSocketConstructor {
  if (given) return given;
  const native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (native) return native;
  // Loaded lazily so that browser bundles never need `ws`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('ws') as WebSocketConstructor;
}

/** Text of a message event's data: text frames arrive as strings, binary ones as bytes. */
export function messageText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return null;
}
