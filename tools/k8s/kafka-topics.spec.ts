import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Admin, ITopicConfig } from 'kafkajs';
import { fullTopicManifest } from '@msync/contracts';
import { provisionTopics } from '@msync/kafka';
import { REPO_ROOT } from './code-facts';
import { KAFKA_TOPICS_FILE, kafkaTopicResources, renderKafkaTopics, resourceNameOf } from './kafka-topics';

const checkedIn = () => readFileSync(resolve(REPO_ROOT, KAFKA_TOPICS_FILE), 'utf8');

describe('Strimzi KafkaTopics generated from the topic manifest', () => {
  test(`${KAFKA_TOPICS_FILE} is what the tool generates (run: npm run build && node dist/tools/k8s/kafka-topics.cli.js --write)`, () => {
    expect(checkedIn()).toBe(renderKafkaTopics(fullTopicManifest()));
  });

  test('a manifest change makes the checked-in file stale (the test above then fails)', () => {
    const changed = fullTopicManifest().map((t) => (t.name === 'im.messages.v1' ? { ...t, partitions: t.partitions * 2 } : t));
    expect(renderKafkaTopics(changed)).not.toBe(checkedIn());
  });

  test('each KafkaTopic has the settings the provisioning Job gives the topic it creates', async () => {
    const created: ITopicConfig[] = [];
    const admin = {
      listTopics: async () => [],
      createTopics: async ({ topics }: { topics: ITopicConfig[] }) => {
        created.push(...topics);
        return true;
      },
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({ name, partitions: Array.from({ length: fullTopicManifest().find((t) => t.name === name)!.partitions }, () => ({ leader: 1 })) })),
      }),
    } as unknown as Admin;
    for (const replicas of [1, 3]) {
      created.length = 0;
      await provisionTopics(admin, fullTopicManifest(), replicas);
      const fromJob = created.map((t) => ({
        topicName: t.topic,
        partitions: t.numPartitions,
        replicas: t.replicationFactor,
        config: Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value])),
      }));
      const fromStrimzi = kafkaTopicResources(fullTopicManifest(), replicas).map(({ spec }) => ({
        ...spec,
        config: Object.fromEntries(Object.entries(spec.config).map(([k, v]) => [k, String(v)])),
      }));
      expect(fromStrimzi).toEqual(fromJob);
    }
  });

  test('resource names are DNS subdomains', () => {
    expect(resourceNameOf('im.stream-appends.v1')).toBe('im.stream-appends.v1');
    expect(resourceNameOf('Im_Odd__Topic.v1')).toBe('im-odd-topic.v1');
    expect(() => resourceNameOf('___')).toThrow('no valid resource name');
  });
});
