import { stringify } from 'yaml';
import type { TopicSpec } from '@msync/contracts';

/** Where the generated Strimzi topics live (relative to the repository root). */
export const KAFKA_TOPICS_FILE = 'deploy/k8s/strimzi/kafka-topics.yaml';

/** Replicas of the checked-in file: a three-broker cluster. */
export const DEFAULT_TOPIC_REPLICAS = 3;

export interface KafkaTopicResource {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaTopic';
  metadata: { name: string; annotations: Record<string, string> };
  spec: { topicName: string; partitions: number; replicas: number; config: Record<string, string | number> };
}

/** A Kubernetes object name for a topic: lower case, letters, digits, '-' and '.' (DNS subdomain). */
export function resourceNameOf(topic: string): string {
  const name = topic
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (!name || name.length > 253) throw new Error(`topic "${topic}" has no valid resource name`);
  return name;
}

/**
 * Strimzi KafkaTopic resources for the topic manifest, with the same settings the provisioning
 * command (libs/kafka provisionTopics) gives a topic it creates: partitions, cleanup.policy,
 * retention.ms, and min.insync.replicas=2 when there is more than one replica.
 */
export function kafkaTopicResources(specs: readonly TopicSpec[], replicas = DEFAULT_TOPIC_REPLICAS): KafkaTopicResource[] {
  return specs.map((s) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: { name: resourceNameOf(s.name), annotations: { 'msync.io/record-key': s.key } },
    spec: {
      topicName: s.name,
      partitions: s.partitions,
      replicas,
      config: {
        'cleanup.policy': s.cleanupPolicy,
        'retention.ms': s.retentionMs,
        ...(replicas > 1 ? { 'min.insync.replicas': Math.min(2, replicas) } : {}),
      },
    },
  }));
}

const HEADER = `# GENERATED from libs/contracts/src/topics.ts (the topic manifest) by tools/k8s/kafka-topics.cli.ts.
# Do not edit: change the manifest, then run
#   npm run build && node dist/tools/k8s/kafka-topics.cli.js --write
# tools/k8s/kafka-topics.spec.ts fails while this file differs from what the tool generates.
`;

/** The checked-in YAML: every KafkaTopic, one document each. */
export function renderKafkaTopics(specs: readonly TopicSpec[], replicas = DEFAULT_TOPIC_REPLICAS): string {
  const docs = kafkaTopicResources(specs, replicas).map((r) => stringify(r, { lineWidth: 0 }));
  return HEADER + docs.map((d) => `---\n${d}`).join('');
}
