import { createHook } from 'node:async_hooks';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { deadLetterTopicOf } from '@msync/contracts';
import { uniqueId, waitFor } from '@msync/testing';
import { KafkaConnection } from './kafka-connection';
import { patchKafkajsRequestQueue, unpatchKafkajsRequestQueueForTests } from './request-queue-patch';
import { provisionTopics } from './topic-provisioner';

/** Timers created in this process over `ms`: each one is an event-loop wake-up to come. */
async function timersCreatedOver(ms: number): Promise<number> {
  let created = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'Timeout' && (created += 1)) }).enable();
  await new Promise((r) => setTimeout(r, ms));
  hook.disable();
  return created;
}

/**
 * A process holding a real KafkaConnection (producer, admin and a consumer group member: four or
 * more broker connections) with nothing to do. kafkajs 2.2.4 as shipped re-arms a 1 ms timer per
 * connection for ever; with the override the loop wakes for fetches and heartbeats only.
 */
describe('idle event-loop wake-ups of a KafkaConnection', () => {
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  let admin: Admin;
  let connection: KafkaConnection;
  let handled = 0;

  beforeAll(async () => {
    admin = new Kafka({ brokers, clientId: 'rq-patch-spec', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topic = `test.${uniqueId('idle')}.v1`;
    const spec = { partitions: 1, retentionMs: 3_600_000, cleanupPolicy: 'delete' as const, key: 'k', description: 'test' };
    await provisionTopics(admin, [{ ...spec, name: topic }, { ...spec, name: deadLetterTopicOf(topic) }], 1);
    connection = new KafkaConnection({ brokers, clientId: 'rq-patch-spec', provisionTopics: false, sessionTimeoutMs: 6000 });
    await connection.connect();
    const consumer = await connection.startConsumer({
      groupId: uniqueId('idle'),
      topics: [topic],
      decode: (raw) => raw?.toString() ?? '',
      handleBatch: async (records) => void (handled += records.length),
    });
    await consumer.waitUntilJoined();
    // A request round trip on every connection, so each queue has run its schedule at least once.
    await connection.producer.sendRaw(topic, [{ key: 'k', value: 'x' }]);
    await waitFor(() => handled === 1, 'the record consumed', 20_000);
    await connection.check();
  });

  afterAll(async () => {
    patchKafkajsRequestQueue();
    await connection.close();
    await admin.disconnect();
  });

  it('with the override: a few timers a second (fetch waits, heartbeats), not a thousand', async () => {
    expect(patchKafkajsRequestQueue().applied).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const created = await timersCreatedOver(2_000);
    expect(created).toBeLessThan(200);
  });

  it('kafkajs as shipped: the same process wakes 1 ms apart on every connection (what the first test guards against)', async () => {
    unpatchKafkajsRequestQueueForTests();
    try {
      await new Promise((r) => setTimeout(r, 1_500)); // the next fetch answer or heartbeat starts the loop again
      const created = await timersCreatedOver(2_000);
      expect(created).toBeGreaterThan(500); // 3,649 measured; the box may be loaded
    } finally {
      patchKafkajsRequestQueue();
    }
  });
});
