import { Kafka, KafkaJSConnectionError, KafkaJSNonRetriableError, logLevel, type Admin } from 'kafkajs';
import { deadLetterTopicOf } from '@msync/contracts';
import { uniqueId, waitFor } from '@msync/testing';
import { KafkaConnection } from './kafka-connection';
import { Headers, headerString } from './headers';
import { TransientError } from './errors';
import { provisionTopics } from './topic-provisioner';
import type { ConsumedRecord } from './event-consumer';

type Item = { n: number; poison?: boolean };

describe('EventConsumer against a real Kafka broker', () => {
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  let admin: Admin;
  let connection: KafkaConnection;

  beforeAll(async () => {
    admin = new Kafka({ brokers, clientId: 'consumer-spec', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    connection = new KafkaConnection({ brokers, clientId: 'consumer-spec', provisionTopics: false, maxRetries: 2, sessionTimeoutMs: 6000 });
    await connection.connect();
  });

  afterAll(async () => {
    await connection.close();
    await admin.disconnect();
  });

  async function newTopic(): Promise<string> {
    const topic = `test.${uniqueId('t')}.v1`;
    const spec = { partitions: 1, retentionMs: 3_600_000, cleanupPolicy: 'delete' as const, key: 'k', description: 'test' };
    await provisionTopics(admin, [{ ...spec, name: topic }, { ...spec, name: deadLetterTopicOf(topic) }], 1);
    return topic;
  }

  const produce = (topic: string, items: Item[]) =>
    connection.producer.sendRaw(topic, items.map((i) => ({ key: 'k', value: JSON.stringify(i) })));

  async function committedOffset(groupId: string, topic: string): Promise<string> {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry.partitions[0].offset;
  }

  async function readAll(topic: string, expected: number) {
    const reader = new Kafka({ brokers, clientId: 'consumer-spec-reader', logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueId('reader') });
    const seen: { value: string; headers: Record<string, string | undefined> }[] = [];
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        seen.push({
          value: message.value!.toString(),
          headers: Object.fromEntries(Object.keys(message.headers ?? {}).map((k) => [k, headerString(message.headers, k)])),
        });
      },
    });
    await waitFor(() => seen.length >= expected, `${expected} records on ${topic}`, 20_000);
    await reader.disconnect();
    return seen;
  }

  it('handles records in order and commits their offsets only after the handler resolved', async () => {
    const topic = await newTopic();
    const groupId = uniqueId('g');
    const handled: number[] = [];
    const consumer = await connection.startConsumer<Item>({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handleBatch: async (records) => {
        for (const r of records) handled.push(r.value.n);
      },
    });
    await produce(topic, [1, 2, 3, 4, 5].map((n) => ({ n })));
    await waitFor(() => handled.length === 5, '5 records handled');
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    await waitFor(async () => (await committedOffset(groupId, topic)) === '5', 'offset 5 committed');
    await consumer.stop();
  });

  it('retries a failing record a bounded number of times, dead-letters it with the error, and goes on', async () => {
    const topic = await newTopic();
    const groupId = uniqueId('g');
    const attemptsOnPoison: number[] = [];
    const handled: number[] = [];
    const consumer = await connection.startConsumer<Item>({
      groupId,
      topics: [topic],
      fromBeginning: true,
      retryBackoffMs: 10,
      handleBatch: async (records: ConsumedRecord<Item>[]) => {
        if (records.some((r) => r.value.poison)) {
          attemptsOnPoison.push(records.length);
          throw new Error('cannot handle this one');
        }
        for (const r of records) handled.push(r.value.n);
      },
    });
    await consumer.waitUntilJoined();
    await produce(topic, [{ n: 1, poison: true }]);
    await waitFor(async () => (await committedOffset(groupId, topic)) === '1', 'poison record committed after dead-lettering');
    await produce(topic, [{ n: 2 }, { n: 3 }]);
    await waitFor(() => handled.length === 2, 'records after the poison one handled');
    await consumer.stop();

    // maxRetries = 2: one first try and two retries, then the dead-letter topic.
    expect(attemptsOnPoison).toEqual([1, 1, 1]);
    expect(handled).toEqual([2, 3]);
    const [dead] = await readAll(deadLetterTopicOf(topic), 1);
    expect(JSON.parse(dead.value)).toEqual({ n: 1, poison: true });
    expect(dead.headers[Headers.dlqError]).toBe('cannot handle this one');
    expect(dead.headers[Headers.dlqSourceTopic]).toBe(topic);
    expect(dead.headers[Headers.dlqSourceOffset]).toBe('0');
    expect(dead.headers[Headers.dlqAttempts]).toBe('3');
  });

  it('dead-letters a record that is not valid JSON without calling the handler', async () => {
    const topic = await newTopic();
    const handled: number[] = [];
    const consumer = await connection.startConsumer<Item>({
      groupId: uniqueId('g'),
      topics: [topic],
      fromBeginning: true,
      handleBatch: async (records) => {
        for (const r of records) handled.push(r.value.n);
      },
    });
    await connection.producer.sendRaw(topic, [{ key: 'k', value: '{not json' }, { key: 'k', value: JSON.stringify({ n: 7 }) }]);
    await waitFor(() => handled.length === 1, 'valid record handled');
    const [dead] = await readAll(deadLetterTopicOf(topic), 1);
    expect(dead.value).toBe('{not json');
    expect(dead.headers[Headers.dlqErrorClass]).toBe('invalid');
    expect(handled).toEqual([7]);
    await consumer.stop();
  });

  it('does not commit while a transient failure holds the partition; a restarted consumer resumes after the last commit', async () => {
    const topic = await newTopic();
    const groupId = uniqueId('g');
    const firstRun: number[] = [];
    let failTransiently = false;
    const first = await connection.startConsumer<Item>({
      groupId,
      topics: [topic],
      fromBeginning: true,
      retryBackoffMs: 20,
      handleBatch: async (records) => {
        if (failTransiently) throw new TransientError('database away');
        for (const r of records) firstRun.push(r.value.n);
      },
    });
    await produce(topic, [1, 2, 3].map((n) => ({ n })));
    await waitFor(() => firstRun.length === 3, 'first three handled');
    await waitFor(async () => (await committedOffset(groupId, topic)) === '3', 'offset 3 committed');
    failTransiently = true;
    await produce(topic, [{ n: 4 }]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await committedOffset(groupId, topic)).toBe('3');
    await first.stop();

    await produce(topic, [{ n: 5 }]);
    const secondRun: number[] = [];
    const second = await connection.startConsumer<Item>({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handleBatch: async (records) => {
        for (const r of records) secondRun.push(r.value.n);
      },
    });
    await waitFor(() => secondRun.length >= 2, 'records after the last commit handled');
    await new Promise((r) => setTimeout(r, 500));
    await second.stop();
    expect(firstRun).toEqual([1, 2, 3]);
    expect(secondRun).toEqual([4, 5]);
    expect(await committedOffset(groupId, topic)).toBe('5');
  });

  /** What a handler that produces gets from kafkajs once the broker has been away for a while. */
  const brokerAway = () =>
    Object.assign(new KafkaJSNonRetriableError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), {
      cause: new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    });

  /** A consumer whose handler always fails as if the broker were away; counts its attempts. */
  async function brokerAwayConsumer(retryBackoffMs: number) {
    const topic = await newTopic();
    const groupId = uniqueId('g');
    const state = { attempts: 0 };
    const consumer = await connection.startConsumer<Item>({
      groupId,
      topics: [topic],
      fromBeginning: true,
      retryBackoffMs,
      handleBatch: async () => {
        state.attempts += 1;
        throw brokerAway();
      },
    });
    await produce(topic, [{ n: 1 }]);
    return { topic, groupId, consumer, state };
  }

  it('holds the partition through a broker error kafkajs gave up on: retried past maxRetries, nothing dead-lettered or committed', async () => {
    const { topic, groupId, consumer, state } = await brokerAwayConsumer(20);
    await waitFor(() => state.attempts >= 6, 'six attempts (maxRetries is 2)');
    await consumer.stop();
    expect(await committedOffset(groupId, topic)).toBe('-1');
    const [dlq] = await admin.fetchTopicOffsets(deadLetterTopicOf(topic));
    expect(dlq.high).toBe('0');
  });

  it('stop() during a retry wait gives the chunk back at once, uncommitted', async () => {
    const { topic, groupId, consumer, state } = await brokerAwayConsumer(30_000);
    await waitFor(() => state.attempts === 1, 'the first attempt');
    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(state.attempts).toBe(1);
    expect(await committedOffset(groupId, topic)).toBe('-1');
  });
});
