import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Server API / management API request signature (RongCloud-compatible):
 * Signature = lowercase hex SHA1(appSecret + nonce + timestamp).
 */
export function requestSignature(secret: string, nonce: string, timestamp: string): string {
  return createHash('sha1').update(`${secret}${nonce}${timestamp}`).digest('hex');
}

export function signatureMatches(secret: string, nonce: string, timestamp: string, given: string): boolean {
  const expected = Buffer.from(requestSignature(secret, nonce, timestamp));
  const actual = Buffer.from(given.toLowerCase());
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Headers a client sends; the `RC-` prefixed names are accepted too. */
export function signedHeaders(appKey: string, secret: string, now = Date.now()): Record<string, string> {
  const nonce = String(Math.floor(Math.random() * 1e9));
  const timestamp = String(now);
  return { 'App-Key': appKey, Nonce: nonce, Timestamp: timestamp, Signature: requestSignature(secret, nonce, timestamp) };
}

/**
 * The request's `Timestamp` header in epoch ms. The docs say milliseconds but every official SDK
 * sends seconds, so a value of 1e12 or more is read as ms and anything smaller as seconds.
 * Returns undefined when it is not a non-negative integer.
 */
export function signatureTimestampMs(timestamp: string): number | undefined {
  if (!/^\d{1,16}$/.test(timestamp)) return undefined;
  const value = Number(timestamp);
  return value >= 1e12 ? value : value * 1000;
}
