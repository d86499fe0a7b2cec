import { CloseCodes, ErrorCodes, type KickReason } from '@msync/contracts';

/** Fatal error codes after which reconnecting cannot help: the user (or the app) must act. */
const AUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.TOKEN_INVALID,
  ErrorCodes.TOKEN_EXPIRED,
  ErrorCodes.TOKEN_REVOKED,
  ErrorCodes.APP_UNKNOWN,
  ErrorCodes.APP_DISABLED,
  ErrorCodes.USER_BLOCKED,
]);

/** Kick reasons after which the client must not reconnect on its own (today: all of them). */
const NO_RECONNECT_KICKS: ReadonlySet<KickReason> = new Set<KickReason>([
  'logged_in_elsewhere',
  'user_blocked',
  'forced_logout',
  'token_revoked',
]);

export function isTerminalError(code: string, fatal: boolean): boolean {
  return fatal && AUTH_ERROR_CODES.has(code);
}

export function isTerminalKick(reason: KickReason): boolean {
  return NO_RECONNECT_KICKS.has(reason);
}

/**
 * 4003 (kicked) ends the client even without a `kick` frame (e.g. a reason newer than this client).
 * 4001 alone does not: the error frame before it decides (an auth code stops the client; `internal`
 * or `unavailable` during authentication is worth a retry with backoff).
 */
export function isTerminalCloseCode(code: number): boolean {
  return code === CloseCodes.KICKED;
}
