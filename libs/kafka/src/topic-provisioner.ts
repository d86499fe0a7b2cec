import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicSpec } from '@msync/contracts';

export interface ProvisionReport {
  created: string[];
  expanded: { topic: string; from: number; to: number }[];
  unchanged: string[];
}

/**
 * Applies the topic manifest idempotently: creates missing topics, raises partition counts that
 * are below the manifest (Kafka cannot lower them), leaves everything else alone.
 */
export async function provisionTopics(admin: Admin, specs: readonly TopicSpec[], replicationFactor: number): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], expanded: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((s) => ({
      topic: s.name,
      numPartitions: s.partitions,
      replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: s.cleanupPolicy },
        { name: 'retention.ms', value: String(s.retentionMs) },
        ...(replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }] : []),
      ],
    }));
    try {
      // kafkajs' own leader wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a new topic answers for a moment; waitUntilServed retries it.
      await admin.createTopics({ topics, waitForLeaders: false });
    } catch (err) {
      // Another replica provisioning at the same moment: only "already exists" is fine.
      if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
    }
    report.created.push(...missing.map((s) => s.name));
    await waitUntilServed(admin, missing);
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length > 0) {
    const metadata = await fetchTopicMetadata(admin, present.map((s) => s.name));
    const grow: { topic: string; count: number }[] = [];
    for (const t of metadata.topics) {
      const spec = present.find((s) => s.name === t.name)!;
      if (t.partitions.length < spec.partitions) {
        grow.push({ topic: t.name, count: spec.partitions });
        report.expanded.push({ topic: t.name, from: t.partitions.length, to: spec.partitions });
      } else {
        report.unchanged.push(t.name);
      }
    }
    if (grow.length > 0) {
      await admin.createPartitions({ topicPartitions: grow });
      await waitUntilServed(admin, present.filter((s) => grow.some((g) => g.topic === s.name)));
    }
  }
  return report;
}

/** A new topic's metadata reaches every broker a little after creation; wait so callers can use it at once. */
async function waitUntilServed(admin: Admin, specs: readonly TopicSpec[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const topics = specs.map((s) => s.name);
  for (;;) {
    try {
      const md = await admin.fetchTopicMetadata({ topics });
      const served = md.topics.every((t) => {
        const want = specs.find((s) => s.name === t.name)!.partitions;
        return t.partitions.length >= want && t.partitions.every((p) => p.leader >= 0);
      });
      if (served) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics not served after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Topic metadata, retried for a few seconds: right after a topic or partition is created the broker
 * may still answer UNKNOWN_TOPIC_OR_PARTITION for it.
 */
export async function fetchTopicMetadata(admin: Admin, topics: string[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await admin.fetchTopicMetadata({ topics });
    } catch (err) {
      if (Date.now() > deadline || (err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
