import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { metricsRegistry } from '@msync/service-kit';
import { uniqueId } from '@msync/testing';
import { LagMonitor } from './lag-monitor';

async function lagOf(group: string, topic: string): Promise<Record<string, number>> {
  const metric = await metricsRegistry.getSingleMetric('kafka_consumer_lag')!.get();
  const out: Record<string, number> = {};
  for (const v of metric.values) if (v.labels.group === group && v.labels.topic === topic) out[String(v.labels.partition)] = v.value;
  return out;
}

describe('LagMonitor against a real Kafka broker', () => {
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'lag-monitor-spec', logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('reports end offset minus committed offset per partition, with no consumer fetching anything (a stalled stage)', async () => {
    const topic = uniqueId('lag');
    const [pipeline, fastPath] = [uniqueId('lag-group'), uniqueId('lag-live')];
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    await producer.send({ topic, messages: Array.from({ length: 7 }, (_, i) => ({ partition: 0, value: `a${i}` })) });
    await producer.send({ topic, messages: Array.from({ length: 4 }, (_, i) => ({ partition: 1, value: `b${i}` })) });
    // The pipeline group committed 2 records of partition 0 and nothing of partition 1.
    await admin.setOffsets({ groupId: pipeline, topic, partitions: [{ partition: 0, offset: '2' }] });

    const monitor = new LagMonitor(admin, 0);
    monitor.add({ groupId: pipeline, topics: [topic], fromBeginning: true });
    monitor.add({ groupId: fastPath, topics: [topic], fromBeginning: false });
    await monitor.poll();
    // Partition 1 without a commit: a group that starts at the beginning has all of it to read; one that starts at the end, nothing.
    expect(await lagOf(pipeline, topic)).toEqual({ '0': 5, '1': 4 });
    expect(await lagOf(fastPath, topic)).toEqual({ '0': 0, '1': 0 });

    await producer.send({ topic, messages: [{ partition: 0, value: 'a7' }] });
    await admin.setOffsets({ groupId: pipeline, topic, partitions: [{ partition: 0, offset: '8' }, { partition: 1, offset: '1' }] });
    await monitor.poll();
    expect(await lagOf(pipeline, topic)).toEqual({ '0': 0, '1': 3 });
    monitor.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }, 60_000);
});
