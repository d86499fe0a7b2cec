import { isDependencyUnavailable } from '@msync/service-kit';

/**
 * How a consumer treats a failure:
 * - transient: a dependency is away (Kafka, PostgreSQL, another service) and the effect will succeed
 *   once it is back; retry without limit, holding the partition (nothing is committed, nothing is lost).
 * - permanent (PermanentError): retrying cannot help (bad data, broken invariant); dead-letter at once.
 * - unknown (anything else, and Kafka refusing the record itself): retried a bounded number of times,
 *   then dead-lettered with the error.
 */
export class TransientError extends Error {
  override name = 'TransientError';
}

export class PermanentError extends Error {
  override name = 'PermanentError';
}

export type FailureClass = 'transient' | 'permanent' | 'unknown';

/**
 * kafkajs errors of a connection or broker that is away. kafkajs marks some of them non-retriable
 * once its own retries ran out, or wraps them in a KafkaJSNonRetriableError; that says nothing about
 * the record, so the class name decides, wherever it sits in the cause chain.
 */
const KAFKA_UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSLockTimeout',
]);

/** Broker answers that concern the record itself: a retry sends the same bytes and gets the same answer. */
const KAFKA_RECORD_REFUSED = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

/** The error and what it wraps: `cause` (kafkajs, fetch), `originalError` (kafkajs), `driverError` (TypeORM), `errors` (AggregateError). */
function causeChain(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const pending = [err];
  const seen = new Set<unknown>();
  while (pending.length > 0 && chain.length < 20) {
    const e = pending.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const like = e as ErrorLike;
    chain.push(like);
    pending.push(like.cause, like.originalError, like.driverError, ...(Array.isArray(like.errors) ? like.errors : []));
  }
  return chain;
}

const isKafkaJS = (e: ErrorLike) => typeof e.name === 'string' && e.name.startsWith('KafkaJS');

/** PostgreSQL, sockets and other services: the same rule as for HTTP answers (`unavailable`, retry later). */
function isUnavailable(e: ErrorLike): boolean {
  if (isKafkaJS(e) && (KAFKA_UNAVAILABLE.has(e.name as string) || e.retriable === true)) return true;
  return isDependencyUnavailable(e);
}

export function classifyFailure(err: unknown): FailureClass {
  const chain = causeChain(err);
  // An explicit verdict of the handler wins, outermost first.
  for (const e of chain) {
    if (e instanceof TransientError) return 'transient';
    if (e instanceof PermanentError) return 'permanent';
  }
  if (chain.some((e) => isKafkaJS(e) && typeof e.type === 'string' && KAFKA_RECORD_REFUSED.has(e.type))) return 'unknown';
  return chain.some(isUnavailable) ? 'transient' : 'unknown';
}
