import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@msync/contracts';

/**
 * The benchmark's services use consumer groups of their own (KAFKA_GROUP_PREFIX): on a broker
 * shared with test runs, a test's fan-out in the same group would take half the partitions and
 * write the bench's messages to another database (seen: 24-48 % of the deliveries "lost").
 * A new group would start at the beginning of each pipeline topic and replay everyone's history,
 * so before the services start, each pipeline group is given the topic's end as its offset on the
 * partitions where it has none.
 */
const PIPELINE_GROUPS: [group: string, topic: string][] = [
  ['fanout-expand', Topics.messagesAccepted],
  ['fanout-stream-writer', Topics.streamAppends],
  ['ingestion-inbound-commands', Topics.inboundCommands],
];

export async function primeBenchGroups(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'bench-groups', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    for (const [name, topic] of PIPELINE_GROUPS) {
      const groupId = `${prefix}${name}`;
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const missing = new Set(committed.partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
      const partitions = ends.filter((e) => missing.has(e.partition) || !committed.partitions.some((p) => p.partition === e.partition)).map((e) => ({ partition: e.partition, offset: e.high }));
      if (partitions.length > 0) await admin.setOffsets({ groupId, topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
}
