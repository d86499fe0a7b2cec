import { DomainError, ErrorCodes } from '@msync/contracts';

/**
 * PostgreSQL SQLSTATEs and socket errors that mean "the database (or a peer) is away or busy now",
 * not "this request is wrong": the same request succeeds once it is back.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / shutting down
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

// Messages only: kafkajs re-wraps a connection failure as KafkaJSNonRetriableError('Connection error:
// connect ECONNREFUSED ...') without a cause once its own retries are spent.
/** SQLSTATE class 08 (connection exception), but not 08P01 (protocol_violation: also a query bug). */
const CONNECTION_EXCEPTION = /^08(?!P01)/;

/** kafkajs' own class names for "the cluster is away" (some end in Error, some do not). */
const KAFKAJS_UNAVAILABLE = /^KafkaJS(ConnectionError|ConnectionClosedError|RequestTimeoutError|BrokerNotFound|NumberOfRetriesExceeded|LockTimeout)$/;

const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'connection timeout',
    'timeout exceeded when trying to connect',
    'the database system is (starting up|shutting down|in recovery mode)',
    'Client has encountered a connection error',
    'Connection is not established',
    'Connection error',
    'connect ECONNREFUSED',
    'Closed connection',
    'Request timed out',
    'not the leader',
    'no leader',
    'coordinator is not available',
    'Broker not connected',
  ].join('|'),
  'i',
);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  driverError?: unknown;
}

/** The error and what it wraps (cause, kafkajs originalError, TypeORM driverError), at most 8 deep. */
export function* errorChain(err: unknown): Generator<ErrorLike> {
  let current: unknown = err;
  for (let i = 0; i < 8 && current && typeof current === 'object'; i++) {
    const e = current as ErrorLike;
    yield e;
    current = e.cause ?? e.originalError ?? e.driverError;
  }
}

/**
 * True when the error says a dependency (PostgreSQL, Kafka, another service) is down or restarting.
 * Callers answer `unavailable` (retry later) rather than `internal`, and consumers retry without limit.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  for (const e of errorChain(err)) {
    if (e instanceof DomainError) return e.code === ErrorCodes.UNAVAILABLE;
    if (typeof e.code === 'string' && (UNAVAILABLE_CODES.has(e.code) || CONNECTION_EXCEPTION.test(e.code))) return true;
    if (typeof e.name === 'string' && KAFKAJS_UNAVAILABLE.test(e.name)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/**
 * What one failed request or frame answers: its own DomainError, `unavailable` when a dependency is
 * down, otherwise `internal` (the caller logs those with an error id).
 */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (isDependencyUnavailable(err)) return new DomainError(ErrorCodes.UNAVAILABLE, 'a service this request needs is unavailable; retry later');
  return new DomainError(ErrorCodes.INTERNAL, 'internal error');
}
