/**
 * Stable error codes shared by the device protocol, the management API and (mapped) the Server API.
 * A code is never reused for another meaning; new codes are added at the end of their block.
 */
export const ErrorCodes = {
  // 1xxx: the frame or request itself
  MALFORMED_FRAME: 'malformed_frame',
  UNKNOWN_FRAME_TYPE: 'unknown_frame_type',
  INVALID_FIELD: 'invalid_field',
  FRAME_TOO_LARGE: 'frame_too_large',
  CONTENT_TOO_LARGE: 'content_too_large',
  NOT_AUTHENTICATED: 'not_authenticated',
  ALREADY_AUTHENTICATED: 'already_authenticated',
  /** An HTTP body over the route's limit (refused before it is read to its end). */
  BODY_TOO_LARGE: 'body_too_large',
  // authentication
  TOKEN_INVALID: 'token_invalid',
  TOKEN_EXPIRED: 'token_expired',
  TOKEN_REVOKED: 'token_revoked',
  APP_UNKNOWN: 'app_unknown',
  APP_DISABLED: 'app_disabled',
  SIGNATURE_INVALID: 'signature_invalid',
  USER_BLOCKED: 'user_blocked',
  // conversations
  CONVERSATION_UNKNOWN: 'conversation_unknown',
  NOT_A_MEMBER: 'not_a_member',
  MESSAGE_UNKNOWN: 'message_unknown',
  NOT_ALLOWED: 'not_allowed',
  CONFLICT: 'conflict',
  RATE_LIMITED: 'rate_limited',
  // server side
  UNAVAILABLE: 'unavailable',
  INTERNAL: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** HTTP status for each code on the management and internal APIs. */
export const httpStatusOf: Record<ErrorCode, number> = {
  malformed_frame: 400,
  unknown_frame_type: 400,
  invalid_field: 400,
  frame_too_large: 413,
  content_too_large: 413,
  not_authenticated: 401,
  already_authenticated: 409,
  body_too_large: 413,
  token_invalid: 401,
  token_expired: 401,
  token_revoked: 401,
  app_unknown: 401,
  app_disabled: 403,
  signature_invalid: 401,
  user_blocked: 403,
  conversation_unknown: 404,
  not_a_member: 403,
  message_unknown: 404,
  not_allowed: 403,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** A failure with a stable code; transports map it once (HTTP status, WS error frame, DLQ reason). */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
