import { randomBytes } from 'node:crypto';

/** Server message UID: time-ordered (ms, base36) plus 60 random bits, e.g. `MIEJ9K2A-7Q1F0C5ZK3LM`. */
export function newMessageUid(now = Date.now()): string {
  const random = BigInt(`0x${randomBytes(8).toString('hex')}`) >> 4n;
  return `${now.toString(36).toUpperCase().padStart(9, '0')}-${random.toString(36).toUpperCase().padStart(12, '0')}`;
}
