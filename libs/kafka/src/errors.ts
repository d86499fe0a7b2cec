/**
 * How a consumer treats a failure:
 * - TransientError (and connection-level errors): the effect may succeed later; retry without limit,
 *   holding the partition (nothing is committed, nothing is lost).
 * - PermanentError: retrying cannot help (bad data, broken invariant); dead-letter at once.
 * - anything else: retried a bounded number of times, then dead-lettered with the error.
 */
export class TransientError extends Error {
  override name = 'TransientError';
}

export class PermanentError extends Error {
  override name = 'PermanentError';
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

export type FailureClass = 'transient' | 'permanent' | 'unknown';

export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof TransientError) return 'transient';
  if (err instanceof PermanentError) return 'permanent';
  const e = err as { code?: string; name?: string; message?: string; retriable?: boolean } | undefined;
  if (e?.code && TRANSIENT_CODES.has(e.code)) return 'transient';
  if (e?.name?.startsWith('KafkaJS') && e.retriable !== false) return 'transient';
  if (e?.message && /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(e.message)) {
    return 'transient';
  }
  return 'unknown';
}
