import { DomainError, type ErrorCode } from '@msync/contracts';

/** Business codes of the RongCloud-compatible Server API (the `code` field of every answer). */
export const RcCode = {
  OK: 200,
  INTERNAL: 1000,
  PARAMETER: 1002,
  NO_POST_DATA: 1003,
  SIGNATURE: 1004,
  TOO_LONG: 1005,
  APP_DISABLED: 1006,
  RATE_LIMITED: 1008,
  WRONG_TYPE: 1501,
  TOO_MANY: 1502,
  BODY_TOO_LARGE: 1508,
} as const;
export type RcCode = (typeof RcCode)[keyof typeof RcCode];

/** The HTTP status that goes with each error code. */
export const rcHttpStatus: Record<Exclude<RcCode, 200>, number> = {
  1000: 500,
  1002: 400,
  1003: 400,
  1004: 401,
  1005: 400,
  1006: 403,
  1008: 429,
  1501: 400,
  1502: 400,
  1508: 413,
};

/** An answer `{code, errorMessage}` with the HTTP status of the code. */
export class ServerApiError extends Error {
  constructor(
    readonly code: Exclude<RcCode, 200>,
    message: string,
    /** Set only where the status says more than the code (a dependency that is down: 503 with 1000). */
    private readonly status?: number,
  ) {
    super(message);
    this.name = 'ServerApiError';
  }

  get httpStatus(): number {
    return this.status ?? rcHttpStatus[this.code];
  }
}

/** How the use cases' domain errors read on the Server API. */
const fromDomainCode: Partial<Record<ErrorCode, Exclude<RcCode, 200>>> = {
  invalid_field: RcCode.PARAMETER,
  conversation_unknown: RcCode.PARAMETER,
  message_unknown: RcCode.PARAMETER,
  not_a_member: RcCode.PARAMETER,
  not_allowed: RcCode.PARAMETER,
  conflict: RcCode.PARAMETER,
  content_too_large: RcCode.BODY_TOO_LARGE,
  frame_too_large: RcCode.BODY_TOO_LARGE,
  body_too_large: RcCode.BODY_TOO_LARGE,
  malformed_frame: RcCode.PARAMETER,
  signature_invalid: RcCode.SIGNATURE,
  app_unknown: RcCode.SIGNATURE,
  not_authenticated: RcCode.SIGNATURE,
  app_disabled: RcCode.APP_DISABLED,
  rate_limited: RcCode.RATE_LIMITED,
};

export function toServerApiError(err: DomainError): ServerApiError {
  // The contract has no code for "retry later": 1000 with HTTP 503, which every HTTP client retries.
  if (err.code === 'unavailable') return new ServerApiError(RcCode.INTERNAL, err.message, 503);
  return new ServerApiError(fromDomainCode[err.code] ?? RcCode.INTERNAL, err.message);
}
