/** Codes the client itself produces (the server's codes are `ErrorCodes` in @msync/contracts). */
export const ClientErrorCodes = {
  /** No answer within `requestTimeoutMs`. */
  TIMEOUT: 'timeout',
  /** `close()` was called. */
  CLIENT_CLOSED: 'client_closed',
  /** The connection closed and the client does not reconnect (`reconnect: false`). */
  CONNECTION_CLOSED: 'connection_closed',
  /** The WebSocket reported an error (connection refused, reset, ...). */
  SOCKET_ERROR: 'socket_error',
  /** `send` / `ping` / `waitForSynced` while the client is not running (before `connect()`, after `close()`). */
  NOT_CONNECTED: 'not_connected',
  /** The cursor store failed to load or save. */
  CURSOR_STORE_FAILED: 'cursor_store_failed',
  /** The server closed with 4003 without a `kick` frame this client understood. */
  KICKED: 'kicked',
} as const;

/**
 * An error with a stable `code`: a server code from an `error` frame (e.g. `not_a_member`),
 * a kick reason (e.g. `logged_in_elsewhere`), or one of `ClientErrorCodes`.
 */
export class SyncClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** True when the server closed the connection after the error. */
    readonly fatal = false,
  ) {
    super(message);
    this.name = 'SyncClientError';
  }
}
