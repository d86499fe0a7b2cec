import { createServer } from 'node:net';
import {
  Kafka,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  logLevel,
} from 'kafkajs';
import * as kafkajs from 'kafkajs';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorCodes } from '@msync/contracts';
import { PermanentError, TransientError, classifyFailure } from './errors';

// Missing from kafkajs' type declarations, or declared without the message kafkajs passes them.
const { KafkaJSConnectionClosedError, KafkaJSNoBrokerAvailableError, KafkaJSBrokerNotFound, KafkaJSGroupCoordinatorNotFound, KafkaJSLockTimeout } = kafkajs as unknown as Record<
  string,
  new (...args: unknown[]) => Error
>;
// kafkajs' own retrier and protocol error table (no type declarations), so the wrapping below is exactly what kafkajs does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createRetry = require('kafkajs/src/retry') as (o: object) => (fn: () => Promise<unknown>) => Promise<unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => KafkaJSProtocolError };

const refused = () => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092', code: 'ECONNREFUSED' } as never);

/** What a failure looks like after kafkajs' retriers: an inner one gives up, the outer one wraps that. */
async function throughKafkaRetriers(err: Error): Promise<unknown> {
  const retry = createRetry({ retries: 1, initialRetryTime: 1, maxRetryTime: 2 });
  return retry(() => retry(() => Promise.reject(err))).catch((e: unknown) => e);
}

function pgError(code: string, message: string): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('classifyFailure', () => {
  describe('a broker that is away is transient, whatever class kafkajs gives it', () => {
    it('KafkaJSNonRetriableError wrapping a refused connection (the nested-retrier case that dead-lettered valid records)', async () => {
      const wrapped = await throughKafkaRetriers(refused());
      expect(wrapped).toBeInstanceOf(KafkaJSNonRetriableError);
      expect((wrapped as KafkaJSError).retriable).toBe(false);
      expect((wrapped as Error).message).toContain('ECONNREFUSED');
      expect(classifyFailure(wrapped)).toBe('transient');
    });

    it('what a kafkajs client really throws when nothing listens on the broker port', async () => {
      const port = await closedPort();
      const kafka = new Kafka({ clientId: 'errors-spec', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
      const admin = kafka.admin({ retry: { retries: 0 } });
      const err = await admin.connect().then(
        () => undefined,
        (e: unknown) => e,
      );
      await admin.disconnect();
      expect(err).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
      expect(classifyFailure(err)).toBe('transient');
    });

    it.each([
      ['KafkaJSConnectionError', () => refused()],
      ['KafkaJSConnectionClosedError', () => new KafkaJSConnectionClosedError('Connection closed', { host: '127.0.0.1', port: 9092 })],
      ['KafkaJSRequestTimeoutError', () => new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out')],
      ['KafkaJSBrokerNotFound', () => new KafkaJSBrokerNotFound('No brokers in the broker pool')],
      ['KafkaJSNoBrokerAvailableError', () => new KafkaJSNoBrokerAvailableError()],
      ['KafkaJSGroupCoordinatorNotFound (non-retriable in kafkajs)', () => new KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator')],
      ['KafkaJSLockTimeout (non-retriable in kafkajs)', () => new KafkaJSLockTimeout('Timeout while acquiring lock')],
      ['NOT_LEADER_FOR_PARTITION', () => createErrorFromCode(6)],
      ['LEADER_NOT_AVAILABLE', () => createErrorFromCode(5)],
      ['NOT_COORDINATOR_FOR_GROUP', () => createErrorFromCode(16)],
      ['GROUP_COORDINATOR_NOT_AVAILABLE', () => createErrorFromCode(15)],
      ['NOT_ENOUGH_REPLICAS', () => createErrorFromCode(19)],
      ['REQUEST_TIMED_OUT', () => createErrorFromCode(7)],
    ])('%s, alone and after kafkajs gave up retrying it', async (_name, make) => {
      expect(classifyFailure(make())).toBe('transient');
      expect(classifyFailure(await throughKafkaRetriers(make()))).toBe('transient');
      expect(classifyFailure(new KafkaJSNumberOfRetriesExceeded(make(), { retryCount: 5, retryTime: 3000 } as never))).toBe('transient');
    });
  });

  describe('Kafka refusing the record itself is not transient', () => {
    it.each([
      ['MESSAGE_TOO_LARGE', 10],
      ['RECORD_LIST_TOO_LARGE', 18],
      ['INVALID_RECORD', 87],
      ['CORRUPT_MESSAGE (retriable in kafkajs)', 2],
    ])('%s: bounded retries, then the dead-letter topic', async (_name, code) => {
      expect(classifyFailure(createErrorFromCode(code))).toBe('unknown');
      expect(classifyFailure(await throughKafkaRetriers(createErrorFromCode(code)))).toBe('unknown');
    });
  });

  describe('PostgreSQL starting up, shutting down or unreachable is transient', () => {
    it.each([
      ['57P01 admin_shutdown', pgError('57P01', 'terminating connection due to administrator command')],
      ['57P02 crash_shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
      ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up')],
      ['08006 connection_failure', pgError('08006', 'connection failure')],
      ['08001 unable to connect', pgError('08001', 'could not connect to server')],
      ['40001 serialization_failure', pgError('40001', 'could not serialize access')],
      ['Connection terminated', new Error('Connection terminated unexpectedly')],
      ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
      ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
      ['ECONNREFUSED on every address (AggregateError)', new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '')],
    ])('%s, also inside a TypeORM QueryFailedError', (_name, err) => {
      expect(classifyFailure(err)).toBe('transient');
      expect(classifyFailure(new QueryFailedError('SELECT stream_append($1)', [], err))).toBe('transient');
    });

    it('a constraint violation is not', () => {
      expect(classifyFailure(new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key value violates unique constraint')))).toBe('unknown');
    });
  });

  describe('a service we call that is down is transient', () => {
    it('DomainError unavailable (what InternalHttpClient throws for an unreachable service)', () => {
      expect(classifyFailure(new DomainError(ErrorCodes.UNAVAILABLE, 'http://127.0.0.1:3003 unreachable: fetch failed'))).toBe('transient');
    });

    it('fetch failing to connect', () => {
      const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3003'), { code: 'ECONNREFUSED' });
      expect(classifyFailure(new TypeError('fetch failed', { cause }))).toBe('transient');
    });

    it('other domain errors are not', () => {
      expect(classifyFailure(new DomainError(ErrorCodes.INTERNAL, 'HTTP 500'))).toBe('unknown');
    });
  });

  describe('the handler decides first', () => {
    it('TransientError and PermanentError, also when wrapped', () => {
      expect(classifyFailure(new TransientError('later'))).toBe('transient');
      expect(classifyFailure(new PermanentError('never'))).toBe('permanent');
      expect(classifyFailure(new PermanentError('bad record', { cause: refused() }))).toBe('permanent');
      expect(classifyFailure(new Error('wrapper', { cause: new PermanentError('never') }))).toBe('permanent');
    });

    it('anything else is unknown (bounded retries)', () => {
      expect(classifyFailure(new Error('boom'))).toBe('unknown');
      expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'userId')"))).toBe('unknown');
      expect(classifyFailure('a string')).toBe('unknown');
      expect(classifyFailure(undefined)).toBe('unknown');
    });
  });
});
