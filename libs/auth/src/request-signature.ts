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
