import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, ErrorCodes } from '@msync/contracts';

/**
 * Device tokens: `v1.<appKey>.<payload>.<signature>`, payload = base64url JSON {u, iat, exp?, jti},
 * signature = base64url HMAC-SHA256(app secret, "v1.<appKey>.<payload>"). The app key is readable so a
 * gateway can pick the secret before verifying; nothing secret is in the token.
 */
export interface DeviceTokenClaims {
  appKey: string;
  userId: string;
  /** Issued at, epoch ms. */
  issuedAt: number;
  /** Expires at, epoch ms; absent: never. */
  expiresAt?: number;
  tokenId: string;
}

const VERSION = 'v1';

const b64url = (buf: Buffer) => buf.toString('base64url');
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest();

export function issueDeviceToken(secret: string, input: { appKey: string; userId: string; ttlMs?: number; now?: number }): { token: string; claims: DeviceTokenClaims } {
  const now = input.now ?? Date.now();
  const claims: DeviceTokenClaims = {
    appKey: input.appKey,
    userId: input.userId,
    issuedAt: now,
    expiresAt: input.ttlMs ? now + input.ttlMs : undefined,
    tokenId: b64url(randomBytes(12)),
  };
  const payload = b64url(Buffer.from(JSON.stringify({ u: claims.userId, iat: claims.issuedAt, exp: claims.expiresAt, jti: claims.tokenId })));
  const body = `${VERSION}.${claims.appKey}.${payload}`;
  return { token: `${body}.${b64url(sign(secret, body))}`, claims };
}

/** The app key a token claims, before its signature is checked (to look up the secret). */
export function tokenAppKey(token: string): string {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts[1]) throw new DomainError(ErrorCodes.TOKEN_INVALID, 'token is malformed');
  return parts[1];
}

/** Checks signature and expiry; revocation is the caller's business (it needs storage). */
export function verifyDeviceToken(token: string, secret: string, now = Date.now()): DeviceTokenClaims {
  const appKey = tokenAppKey(token);
  const [, , payload, signature] = token.split('.');
  const expected = sign(secret, `${VERSION}.${appKey}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DomainError(ErrorCodes.TOKEN_INVALID, 'token signature does not match');
  }
  let decoded: { u?: unknown; iat?: unknown; exp?: unknown; jti?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError(ErrorCodes.TOKEN_INVALID, 'token payload is malformed');
  }
  if (typeof decoded.u !== 'string' || typeof decoded.iat !== 'number' || typeof decoded.jti !== 'string') {
    throw new DomainError(ErrorCodes.TOKEN_INVALID, 'token payload is malformed');
  }
  if (typeof decoded.exp === 'number' && decoded.exp <= now) throw new DomainError(ErrorCodes.TOKEN_EXPIRED, 'token has expired');
  return { appKey, userId: decoded.u, issuedAt: decoded.iat, expiresAt: typeof decoded.exp === 'number' ? decoded.exp : undefined, tokenId: decoded.jti };
}
