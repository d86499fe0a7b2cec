import { randomBytes } from 'node:crypto';

/**
 * Random bits come from a pool refilled 4 KiB at a time: one `getrandom` per 512 UIDs instead of one
 * per UID (a system call is dear in a VM: 2-3 % of ingestion's CPU at 200 msg/s, docs/benchmarks.md).
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function random64(): bigint {
  if (offset + 8 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const value = pool.readBigUInt64BE(offset);
  offset += 8;
  return value;
}

/** Server message UID: time-ordered (ms, base36) plus 60 random bits, e.g. `MIEJ9K2A-7Q1F0C5ZK3LM`. */
export function newMessageUid(now = Date.now()): string {
  const random = random64() >> 4n;
  return `${now.toString(36).toUpperCase().padStart(9, '0')}-${random.toString(36).toUpperCase().padStart(12, '0')}`;
}
