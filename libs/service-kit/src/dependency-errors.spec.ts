import { DomainError } from '@msync/contracts';
import { KafkaJSBrokerNotFound, KafkaJSConnectionError, KafkaJSLockTimeout, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { isDependencyUnavailable, toDomainError } from './dependency-errors';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
/** kafkajs' real classes; its typings leave out the message argument of these two. */
const kafkaError = (type: unknown, message: string) => new (type as new (message: string) => Error)(message);

describe('dependency errors', () => {
  it.each([
    ['PostgreSQL starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['PostgreSQL shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
    ['a TypeORM error wrapping one', Object.assign(new Error('query failed'), { driverError: pgError('57P03', 'starting up') })],
    ['pg pool connection terminated', new Error('Connection terminated unexpectedly')],
    ['a refused socket', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['kafkajs connection error', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')],
    ['kafkajs non-retriable re-wrap of it', new KafkaJSNonRetriableError(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'))],
    ['kafkajs retries exceeded', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 5, retryTime: 1000 })],
    ['another service unavailable', new DomainError('unavailable', 'down')],
    ['kafkajs broker not found', kafkaError(KafkaJSBrokerNotFound, 'no broker')],
    ['kafkajs lock timeout', kafkaError(KafkaJSLockTimeout, 'lock')],
  ])('%s is a dependency being down: unavailable', (_what, err) => {
    expect(isDependencyUnavailable(err)).toBe(true);
    expect(toDomainError(err).code).toBe('unavailable');
  });

  it.each([
    ['a NUL in a value (22021)', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a unique violation', pgError('23505', 'duplicate key')],
    ['a protocol violation (08P01: a query bug too)', pgError('08P01', 'bind message supplies 1 parameters, but prepared statement requires 2')],
    ['a plain bug', new TypeError("Cannot read properties of null (reading 'id')")],
  ])('%s is internal', (_what, err) => {
    expect(isDependencyUnavailable(err)).toBe(false);
    expect(toDomainError(err).code).toBe('internal');
  });

  it('keeps a DomainError as it is', () => {
    const err = new DomainError('invalid_field', 'x');
    expect(toDomainError(err)).toBe(err);
  });
});
